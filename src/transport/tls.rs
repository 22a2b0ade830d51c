//! RTMPS: TLS over the TCP transport, verified by default. The chain is checked against the
//! system trust store (OpenSSL's default paths, so `SSL_CERT_FILE` and `SSL_CERT_DIR` apply) or
//! the `cafile=`/`capath=` the application gave, and the certificate must name the host the URL
//! names (DNS name or IP address); SNI is sent for names. TLS 1.2 and 1.3. `tlsVerify=0` turns
//! verification off, and says so in the log. The server end (RTMP_TLS_Accept) is here too.

use super::socket::Sock;
use super::{Tcp, TlsConfig, Transport};
use crate::sys;
use openssl::ssl::{HandshakeError, SslConnector, SslMethod, SslStream, SslVerifyMode, SslVersion};
use openssl::x509::X509VerifyResult;
use std::io::{self, IoSlice, Read, Write};
use std::time::Duration;

/// The socket under the TLS session, as OpenSSL reads and writes it. A send the user interrupted
/// fails with an error OpenSSL does not retry (`write_all` would retry `Interrupted`).
#[derive(Debug)]
struct Under(Sock);

impl Read for Under {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.0.read(buf)
    }
}

impl Write for Under {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self.0.send(buf) {
            Err(e) if e.kind() == io::ErrorKind::Interrupted => Err(io::Error::other("interrupted by the user")),
            r => r,
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

pub struct Tls {
    stream: SslStream<Under>,
    /// Small pieces of one vectored write, gathered so that they leave as full TLS records.
    staging: Vec<u8>,
}

impl core::fmt::Debug for Tls {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Tls").field("socket", &self.raw_socket()).finish()
    }
}

/// The largest TLS record payload: gathering beyond it saves nothing.
const RECORD: usize = 16 * 1024;

fn tls_error(what: String) -> io::Error {
    io::Error::new(io::ErrorKind::ConnectionRefused, what)
}

impl Tls {
    /// The TLS handshake on a connected socket, within `timeout`. `host` is what the certificate
    /// must name.
    pub fn connect(tcp: Tcp, host: &str, cfg: &TlsConfig, timeout: Option<Duration>) -> io::Result<Tls> {
        let mut b = SslConnector::builder(SslMethod::tls_client()).map_err(io::Error::other)?;
        b.set_min_proto_version(Some(SslVersion::TLS1_2)).map_err(io::Error::other)?;
        if cfg.ca_file.is_some() || cfg.ca_path.is_some() {
            // OpenSSL takes C strings (and the openssl crate panics on a NUL): an escaped NUL
            // (`\00` in the option) makes a name no file has.
            if ca_names(cfg).contains('\0') {
                return Err(tls_error(format!(
                    "cannot load the trusted certificates ({:?}): the name holds a NUL",
                    ca_names(cfg)
                )));
            }
            // In place of the system store (SslConnector loaded it already): start from an empty one.
            let store = openssl::x509::store::X509StoreBuilder::new().map_err(io::Error::other)?;
            b.set_cert_store(store.build());
            b.load_verify_locations(
                cfg.ca_file.as_deref().map(std::path::Path::new),
                cfg.ca_path.as_deref().map(std::path::Path::new),
            )
            .map_err(|e| tls_error(format!("cannot load the trusted certificates ({}): {e}", ca_names(cfg))))?;
        } else if std::env::var_os("SSL_CERT_FILE").is_none() && std::env::var_os("SSL_CERT_DIR").is_none() {
            // Where the system keeps its roots outside OpenSSL's reach (Windows), they join the store.
            if let Some(roots) = sys::trust_roots() {
                // A certificate OpenSSL cannot parse, or one already there, is left out.
                let added = roots
                    .iter()
                    .filter_map(|der| openssl::x509::X509::from_der(der).ok())
                    .filter(|cert| b.cert_store_mut().add_cert(cert.clone()).is_ok())
                    .count();
                log::debug!("TLS: {added} of the system store's {} root certificates trusted", roots.len());
            }
        }
        if !cfg.verify {
            b.set_verify(SslVerifyMode::NONE);
        }
        let connector = b.build();
        let mut conf = connector.configure().map_err(io::Error::other)?;
        if !cfg.verify {
            log::warn!(
                "TLS: tlsVerify=0: the server's certificate is NOT checked; anyone on the path can read and change \
                 this stream"
            );
            conf.set_verify_hostname(false);
        }
        let mut sock = tcp.into_sock();
        sock.set_timeout(timeout)?;
        let host = host.trim_start_matches('[').trim_end_matches(']');
        match conf.connect(host, Under(sock)) {
            Ok(stream) => {
                let ssl = stream.ssl();
                log::debug!(
                    "TLS: {} with {}, {}",
                    ssl.version_str(),
                    host,
                    ssl.current_cipher().map_or("?", |c| c.name())
                );
                Ok(Tls { stream, staging: Vec::new() })
            }
            Err(HandshakeError::Failure(mid)) => {
                let v = mid.ssl().verify_result();
                if v != X509VerifyResult::OK {
                    // X509_V_ERR_HOSTNAME_MISMATCH, X509_V_ERR_IP_ADDRESS_MISMATCH
                    let what = if matches!(v.as_raw(), 62 | 64) {
                        format!(
                            "the server's certificate is not valid for {host} ({}; connect with a name it has",
                            v.error_string()
                        )
                    } else {
                        format!(
                            "the server's certificate for {host} is not trusted: {} (trust its CA with cafile=, \
                             capath= or SSL_CERT_FILE",
                            v.error_string()
                        )
                    };
                    Err(tls_error(format!("{what}; tlsVerify=0 skips the check)")))
                } else {
                    Err(tls_error(format!("TLS handshake with {host} failed: {}", mid.error())))
                }
            }
            Err(HandshakeError::WouldBlock(_)) => {
                Err(io::Error::new(io::ErrorKind::TimedOut, format!("TLS handshake with {host} timed out")))
            }
            Err(HandshakeError::SetupFailure(e)) => Err(io::Error::other(format!("TLS setup failed: {e}"))),
        }
    }

    /// The server end (RTMP_TLS_Accept): the TLS handshake with a client on an accepted socket,
    /// with the certificate and key of `ctx`, within `timeout`.
    pub fn accept(tcp: Tcp, ctx: &openssl::ssl::SslContextRef, timeout: Option<Duration>) -> io::Result<Tls> {
        let ssl = openssl::ssl::Ssl::new(ctx).map_err(io::Error::other)?;
        let mut sock = tcp.into_sock();
        sock.set_timeout(timeout)?;
        match ssl.accept(Under(sock)) {
            Ok(stream) => {
                let ssl = stream.ssl();
                log::debug!(
                    "TLS: accepted a client, {}, {}",
                    ssl.version_str(),
                    ssl.current_cipher().map_or("?", |c| c.name())
                );
                Ok(Tls { stream, staging: Vec::new() })
            }
            Err(HandshakeError::Failure(mid)) => {
                Err(tls_error(format!("TLS handshake with the client failed: {}", mid.error())))
            }
            Err(HandshakeError::WouldBlock(_)) => {
                Err(io::Error::new(io::ErrorKind::TimedOut, "TLS handshake with the client timed out"))
            }
            Err(HandshakeError::SetupFailure(e)) => Err(io::Error::other(format!("TLS setup failed: {e}"))),
        }
    }

    fn send(&mut self, buf: &[u8]) -> io::Result<()> {
        self.stream.write_all(buf)
    }
}

fn ca_names(cfg: &TlsConfig) -> String {
    [cfg.ca_file.as_deref(), cfg.ca_path.as_deref()].into_iter().flatten().collect::<Vec<_>>().join(", ")
}

impl Transport for Tls {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.stream.read(buf)
    }

    fn write_vectored_all(&mut self, bufs: &mut [IoSlice<'_>], _len: usize) -> io::Result<()> {
        let mut staging = std::mem::take(&mut self.staging);
        staging.clear();
        let mut r = Ok(());
        for b in bufs.iter() {
            if staging.len() + b.len() > RECORD && !staging.is_empty() {
                r = self.send(&staging);
                staging.clear();
                if r.is_err() {
                    break;
                }
            }
            if b.len() >= RECORD {
                r = self.send(b);
                if r.is_err() {
                    break;
                }
            } else {
                staging.extend_from_slice(b);
            }
        }
        if r.is_ok() && !staging.is_empty() {
            r = self.send(&staging);
        }
        if staging.capacity() <= 2 * RECORD {
            self.staging = staging;
        }
        r
    }

    fn buffered(&self) -> usize {
        self.stream.ssl().pending()
    }

    fn set_interrupt(&mut self, interrupted: fn() -> bool) {
        self.stream.get_mut().0.set_interrupt(interrupted);
    }

    fn begin_send(&mut self) {
        self.stream.get_ref().0.begin_send();
    }

    fn set_timeout(&mut self, timeout: Option<Duration>) -> io::Result<()> {
        self.stream.get_mut().0.set_timeout(timeout)
    }

    fn shutdown(&self) {
        self.stream.get_ref().0.shutdown();
    }

    fn raw_socket(&self) -> sys::RawSocket {
        self.stream.get_ref().0.raw()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_ca_name_holding_a_nul_is_refused_not_a_panic() {
        // `cafile=a\00b.pem` decodes to a name with a NUL; OpenSSL could not be given it.
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let tcp = Tcp::connect("127.0.0.1", port, Duration::from_secs(2), &|| false).unwrap();
        let cfg = TlsConfig { verify: true, ca_file: Some("a\0b.pem".into()), ca_path: None };
        let e = Tls::connect(tcp, "localhost", &cfg, Some(Duration::from_secs(1))).unwrap_err();
        assert!(e.to_string().contains("holds a NUL"), "{e}");
    }
}
