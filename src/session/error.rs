//! Why a session call failed. The C layer turns these into librtmp's conventions (FALSE, -1) in
//! one place (`ffi::boundary`); a Rust caller gets the reason.

use crate::conn::ConnError;

#[derive(Debug)]
pub enum Error {
    /// The connection failed or ended: I/O, a timeout, the peer closed, the user interrupted.
    Conn(ConnError),
    /// Play or publish did not start: the server refused it, or the connection ended first.
    StreamNotStarted,
    /// RTMP_Read's stream broke: the connection failed, or the server's data made no FLV.
    StreamBroken,
}

impl From<ConnError> for Error {
    fn from(e: ConnError) -> Self {
        Error::Conn(e)
    }
}

impl core::fmt::Display for Error {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Error::Conn(e) => e.fmt(f),
            Error::StreamNotStarted => write!(f, "the stream did not start"),
            Error::StreamBroken => write!(f, "the stream broke"),
        }
    }
}

impl std::error::Error for Error {}
