//! NetConnection and NetStream: the state machine of an RTMP client session — connect, createStream,
//! play or publish, the replies and status events that drive it, and the conversion of the stream
//! to and from FLV. This is librtmp's behaviour in safe Rust; the C layer mirrors the public part
//! of the state (`State`, `ReadState`, `Link`) into the caller's `RTMP` struct around every call.

mod auth;
pub mod commands;
mod dispatch;
mod error;
mod read;
mod reconnect;
mod write;

use crate::conn::{ConnError, Connection};

pub use dispatch::PacketKind;
pub use error::Error;

/// The chunk size both directions start with.
pub const DEFAULT_CHUNK_SIZE: i32 = 128;

/// RTMP_FEATURE_* bits of `Link::protocol`.
#[allow(dead_code)] // the whole set of the C constants, used here or not
pub mod feature {
    pub const HTTP: i32 = 0x01;
    pub const ENC: i32 = 0x02;
    pub const SSL: i32 = 0x04;
    pub const MFP: i32 = 0x08;
    pub const WRITE: i32 = 0x10;
    pub const HTTP2: i32 = 0x20;
}

/// RTMP_LF_* bits of `Link::lflags`.
#[allow(dead_code)] // the whole set of the C constants, used here or not
pub mod lf {
    pub const AUTH: i32 = 0x01;
    pub const LIVE: i32 = 0x02;
    pub const SWFV: i32 = 0x04;
    pub const PLST: i32 = 0x08;
    pub const BUFX: i32 = 0x10;
    pub const FTCU: i32 = 0x20;
    pub const FAPU: i32 = 0x40;
}

/// RTMP_READ_* flags and statuses of `ReadState`.
#[allow(dead_code)] // the whole set of the C constants, used here or not
pub mod readflag {
    pub const HEADER: u8 = 0x01;
    pub const RESUME: u8 = 0x02;
    pub const NO_IGNORE: u8 = 0x04;
    pub const GOTKF: u8 = 0x08;
    pub const GOTFLVK: u8 = 0x10;
    pub const SEEKING: u8 = 0x20;
    pub const COMPLETE: i8 = -3;
    pub const ERROR: i8 = -2;
    pub const EOF: i8 = -1;
    pub const IGNORE: i8 = 0;
}

/// Message types.
pub mod msg {
    pub const CHUNK_SIZE: u8 = 0x01;
    pub const ABORT: u8 = 0x02;
    pub const BYTES_READ: u8 = 0x03;
    pub const CONTROL: u8 = 0x04;
    pub const SERVER_BW: u8 = 0x05;
    pub const CLIENT_BW: u8 = 0x06;
    pub const AUDIO: u8 = 0x08;
    pub const VIDEO: u8 = 0x09;
    pub const FLEX_STREAM_SEND: u8 = 0x0F;
    pub const FLEX_SHARED_OBJECT: u8 = 0x10;
    pub const FLEX_MESSAGE: u8 = 0x11;
    pub const INFO: u8 = 0x12;
    pub const SHARED_OBJECT: u8 = 0x13;
    pub const INVOKE: u8 = 0x14;
    pub const FLASH_VIDEO: u8 = 0x16;
}

/// Connection parameters (librtmp's `RTMP_LNK`), as owned copies.
#[derive(Clone, Debug, Default)]
pub struct Link {
    pub protocol: i32,
    pub hostname: Vec<u8>,
    pub port: u16,
    pub sockshost: Vec<u8>,
    pub socksport: u16,
    pub playpath: Vec<u8>,
    pub tc_url: Vec<u8>,
    pub swf_url: Vec<u8>,
    pub page_url: Vec<u8>,
    pub app: Vec<u8>,
    pub auth: Vec<u8>,
    pub flash_ver: Vec<u8>,
    pub subscribe_path: Vec<u8>,
    pub usher_token: Vec<u8>,
    pub token: Vec<u8>,
    pub pub_user: Vec<u8>,
    pub pub_passwd: Vec<u8>,
    /// The `conn=` extras, already AMF0-encoded, appended to the connect command.
    pub extras: Vec<u8>,
    pub seek_time: i32,
    pub stop_time: i32,
    pub lflags: i32,
    pub swf_age: i32,
    /// Seconds; 0 or less means no timeout.
    pub timeout: i32,
    pub swf_size: u32,
    pub swf_hash: [u8; 32],
    /// Certificate checks for rtmps (options with no member in the C struct).
    pub tls: crate::transport::TlsConfig,
    /// The RTMPE handshake type RTMP_Serve answers with (`rtmpeType`; None: as the original).
    pub rtmpe_answer: Option<u8>,
    /// The Enhanced RTMP fields announced in the connect command object (none by default).
    pub enhanced: crate::enhanced::Capabilities,
}

impl Link {
    pub fn publishing(&self) -> bool {
        self.protocol & feature::WRITE != 0
    }
}

/// The public numeric members of librtmp's `RTMP`, which applications read and write between calls.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct State {
    pub in_chunk_size: i32,
    pub out_chunk_size: i32,
    pub bw_check_counter: i32,
    pub bytes_in: i32,
    pub bytes_in_sent: i32,
    pub buffer_ms: i32,
    pub stream_id: i32,
    pub media_channel: i32,
    pub media_stamp: u32,
    pub pause_stamp: u32,
    pub pausing: i32,
    pub server_bw: i32,
    pub client_bw: i32,
    pub client_bw2: u8,
    pub playing: bool,
    pub send_encoding: bool,
    pub send_counter: bool,
    pub num_invokes: i32,
    pub audio_codecs: f64,
    pub video_codecs: f64,
    pub encoding: f64,
    pub duration: f64,
    pub timed_out: bool,
}

/// `m_read`: the state of the FLV conversion in `RTMP_Read`.
#[derive(Clone, Debug, Default)]
pub struct ReadState {
    pub timestamp: u32,
    pub data_type: u8,
    pub flags: u8,
    pub status: i8,
    pub initial_frame_type: u8,
    pub resume_ts: u32,
    pub meta_header: Vec<u8>,
    pub initial_frame: Vec<u8>,
    pub ignored_frames: u32,
    pub ignored_flv_frames: u32,
    /// FLV bytes converted and not yet handed to the caller.
    pub pending: Vec<u8>,
    pub pending_pos: usize,
    /// A tag whose header went to the caller and whose body is still being read into the
    /// caller's buffers straight from the socket: (body length, body bytes still to deliver).
    pub open: Option<(usize, usize)>,
}

/// An invoke that waits for its `_result`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Call {
    pub name: Vec<u8>,
    pub txn: i32,
}

/// A complete message handed to the session (from the wire or from the C caller).
#[derive(Clone, Copy, Debug)]
pub struct Message<'a> {
    pub type_id: u8,
    pub csid: u32,
    pub timestamp: u32,
    pub stream_id: u32,
    pub body: &'a [u8],
}

/// A message that owns its body (one the caller keeps past the next read).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OwnedMessage {
    pub type_id: u8,
    pub csid: u32,
    pub timestamp: u32,
    pub stream_id: u32,
    pub body: Vec<u8>,
}

impl OwnedMessage {
    pub fn as_message(&self) -> Message<'_> {
        Message {
            type_id: self.type_id,
            csid: self.csid,
            timestamp: self.timestamp,
            stream_id: self.stream_id,
            body: &self.body,
        }
    }
}

impl From<&Message<'_>> for OwnedMessage {
    fn from(m: &Message<'_>) -> Self {
        OwnedMessage {
            type_id: m.type_id,
            csid: m.csid,
            timestamp: m.timestamp,
            stream_id: m.stream_id,
            body: m.body.to_vec(),
        }
    }
}

/// What changed during a call that a copy of the session's state kept elsewhere (the C struct)
/// cannot see by comparing values: whoever keeps the copy clears what it caught up with.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Changes {
    /// The queue of calls awaiting an answer (`calls`) changed.
    pub calls: bool,
    /// A close happened (`Some(reconnect)`): what the copy holds for the connection goes.
    pub closed: Option<bool>,
    /// Publisher authentication rewrote `link.app` and `link.tc_url`.
    pub link_rewritten: bool,
}

pub struct Session {
    pub link: Link,
    pub st: State,
    pub read: ReadState,
    pub calls: Vec<Call>,
    /// What a mirror of the session (the C struct) has to catch up with after a call.
    pub changes: Changes,
    pub conn: Option<Connection>,
    /// A connection that ended during a call (stream end, server close): shut down but not yet
    /// closed, so the descriptor number stays valid for callers that poll it (curl) until they
    /// call RTMP_Close.
    pub retired: Option<Connection>,
    /// The Enhanced RTMP fields of the server's answer to connect (None before it came).
    pub server_caps: Option<crate::enhanced::Capabilities>,
    /// The 42-byte SWF verification answer, ready after a digest handshake with a SWF hash.
    pub swf_response: Option<[u8; 42]>,
    /// Set by another thread that closes this handle while a call blocks (GStreamer's unlock): the
    /// call then ends as a normal end of stream, not as a broken connection.
    pub closing: std::sync::Arc<std::sync::atomic::AtomicBool>,
    /// A ReconnectRequest to follow (a publisher waits for its next keyframe).
    reconnect: Option<crate::enhanced::Target>,
    /// This session is the new connection of a reconnect, not yet started.
    switching: bool,
    /// A publisher's new connection waits for the old stream to end before it publishes.
    hold_publish: bool,
    /// The goodbye of a connection being left (a close, a switch) is being sent: a send that
    /// fails then does not close the session again.
    leaving: bool,
    /// A live player reconnected: the last FLV timestamp it delivered, to go on from.
    rebase_at: Option<u32>,
    /// A live player reconnected to the same timeline from earlier on (a server's GOP cache):
    /// media up to this FLV timestamp was delivered already and is dropped.
    drop_until: Option<u32>,
    /// What a publisher sends again after a reconnect.
    republish: reconnect::Republish,
    flv_in: crate::flv::FlvParser,
    scratch: Vec<u8>,
    interrupted: fn() -> bool,
}

impl core::fmt::Debug for Session {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Session").field("conn", &self.conn).field("st", &self.st).finish()
    }
}

impl Session {
    pub fn new(interrupted: fn() -> bool) -> Self {
        Session {
            link: Link::default(),
            st: State::default(),
            read: ReadState::default(),
            calls: Vec::new(),
            changes: Changes::default(),
            conn: None,
            retired: None,
            server_caps: None,
            swf_response: None,
            closing: Default::default(),
            reconnect: None,
            switching: false,
            hold_publish: false,
            leaving: false,
            rebase_at: None,
            drop_until: None,
            republish: Default::default(),
            flv_in: crate::flv::FlvParser::new(),
            scratch: Vec::new(),
            interrupted,
        }
    }

    pub fn is_connected(&self) -> bool {
        self.conn.is_some()
    }

    /// The receive/send timeout, and the deadline for connecting (`timeout=` seconds; none at 0).
    pub fn io_timeout(&self) -> Option<std::time::Duration> {
        (self.link.timeout > 0).then(|| std::time::Duration::from_secs(self.link.timeout as u64))
    }

    /// How long connecting may take: the timeout, or what the kernel would allow without one.
    fn connect_timeout(&self) -> std::time::Duration {
        self.io_timeout().unwrap_or(std::time::Duration::from_secs(120))
    }

    /// RTMP_Connect: resolves and connects (through the SOCKS proxy if one is set), then `start`.
    pub fn open(&mut self, own_connect: Option<Message<'_>>) -> Result<(), ConnError> {
        if self.link.hostname.is_empty() {
            log::error!("RTMP_Connect: no hostname to connect to");
            return Err(ConnError::Protocol("no hostname".into()));
        }
        let socks = !self.link.sockshost.is_empty();
        let (host, port) =
            if socks { (&self.link.sockshost, self.link.socksport) } else { (&self.link.hostname, self.link.port) };
        let host = String::from_utf8_lossy(host).into_owned();
        let tcp =
            crate::transport::Tcp::connect(&host, port, self.connect_timeout(), &self.interrupted).map_err(|e| {
                log::error!("RTMP_Connect0, failed to connect to {host}:{port}: {e}");
                ConnError::Io(e)
            })?;
        self.st.send_counter = true;
        self.attach(tcp, own_connect)
    }

    /// RTMP_Connect0 with an address the caller resolved.
    pub fn open_addr(&mut self, addr: std::net::SocketAddr) -> Result<crate::transport::Tcp, ConnError> {
        let deadline = std::time::Instant::now() + self.connect_timeout();
        crate::transport::Tcp::connect_addrs(&[addr], deadline, &self.interrupted).map_err(|e| {
            log::error!("RTMP_Connect0, failed to connect socket. {e}");
            ConnError::Io(e)
        })
    }

    /// RTMP_Connect1 on a connected socket: SOCKS negotiation if configured, TLS for rtmps,
    /// timeouts, then the handshake and connect command.
    pub fn attach(
        &mut self,
        mut tcp: crate::transport::Tcp,
        own_connect: Option<Message<'_>>,
    ) -> Result<(), ConnError> {
        use crate::transport::Transport;
        if !self.link.sockshost.is_empty() {
            let host = String::from_utf8_lossy(&self.link.hostname).into_owned();
            let _ = tcp.set_timeout(Some(self.connect_timeout()));
            if let Err(e) = crate::transport::socks4_connect(
                &mut tcp,
                &host,
                self.link.port,
                self.connect_timeout(),
                &self.interrupted,
            ) {
                log::error!("RTMP_Connect1, SOCKS negotiation failed: {e}");
                tcp.shutdown();
                return Err(ConnError::Io(e));
            }
            log::debug!(
                "SOCKS proxy {}:{} connected us to {host}:{}",
                String::from_utf8_lossy(&self.link.sockshost),
                self.link.socksport,
                self.link.port
            );
        }
        let mut transport: Box<dyn Transport> =
            if self.link.protocol & feature::SSL != 0 { self.tls(tcp)? } else { Box::new(tcp) };
        if self.link.protocol & feature::HTTP != 0 {
            let host = String::from_utf8_lossy(&self.link.hostname).into_owned();
            if let Err(e) = transport.set_timeout(self.io_timeout()) {
                log::warn!("cannot set the socket timeouts: {e}");
            }
            transport = match crate::transport::HttpTunnel::open(transport, &host, self.link.port, self.io_timeout()) {
                Ok(t) => Box::new(t),
                Err(e) => {
                    log::error!("RTMP_Connect1, HTTP tunnel: {e}");
                    return Err(ConnError::Io(e));
                }
            };
        }
        if let Err(e) = transport.set_timeout(self.io_timeout()) {
            log::warn!("cannot set the socket timeouts: {e}");
        }
        let mut conn = Connection::new(transport, self.interrupted);
        conn.set_stall_limit(self.io_timeout());
        self.start(conn, own_connect)
    }

    #[cfg(feature = "crypto")]
    fn tls(&mut self, tcp: crate::transport::Tcp) -> Result<Box<dyn crate::transport::Transport>, ConnError> {
        let host = String::from_utf8_lossy(&self.link.hostname).into_owned();
        match crate::transport::Tls::connect(tcp, &host, &self.link.tls, self.io_timeout()) {
            Ok(t) => Ok(Box::new(t)),
            Err(e) => {
                log::error!("RTMP_Connect1, TLS: {e}");
                Err(ConnError::Io(e))
            }
        }
    }

    #[cfg(not(feature = "crypto"))]
    fn tls(&mut self, tcp: crate::transport::Tcp) -> Result<Box<dyn crate::transport::Transport>, ConnError> {
        use crate::transport::Transport;
        log::error!("RTMP_Connect1: rtmps needs TLS, and this librtmp was built without it (CRYPTO=)");
        tcp.shutdown();
        Err(ConnError::Protocol("no TLS in this build".into()))
    }

    /// Starts the session on a connected transport: handshake, then the connect command (or the
    /// caller's own connect packet).
    pub fn start(&mut self, conn: Connection, own_connect: Option<Message<'_>>) -> Result<(), ConnError> {
        self.adopt(conn);
        let r = self.start_inner(own_connect);
        if let Err(e) = &r {
            log::error!("RTMP_Connect1, {e}");
            self.close(false);
            // RTMP_IsTimedout tells a silent server from a refusal, as after the original's ReadN.
            self.st.timed_out = matches!(e, ConnError::Timeout);
        }
        r
    }

    fn adopt(&mut self, conn: Connection) {
        self.conn = Some(conn);
        // A new peer starts at the default chunk sizes, whatever the struct says from before.
        self.st.in_chunk_size = DEFAULT_CHUNK_SIZE;
        self.st.out_chunk_size = DEFAULT_CHUNK_SIZE;
        self.st.timed_out = false;
        self.st.pausing = 0;
        self.st.duration = 0.0;
    }

    /// RTMP_Serve: the server end on an accepted transport. Only the handshake: the application
    /// reads the client's connect and answers it itself (RTMP_ReadPacket, RTMP_SendPacket).
    pub fn serve(&mut self, mut transport: Box<dyn crate::transport::Transport>) -> Result<(), ConnError> {
        if let Err(e) = transport.set_timeout(self.io_timeout()) {
            log::warn!("cannot set the socket timeouts: {e}");
        }
        let mut conn = Connection::new(transport, self.interrupted);
        conn.set_stall_limit(self.io_timeout());
        self.adopt(conn);
        let rtmpe_type = self.link.rtmpe_answer;
        match self.conn()?.server_handshake(crate::sys::now_ms(), rtmpe_type) {
            Ok(served) => {
                if served.encrypted {
                    self.link.protocol |= feature::ENC;
                }
                if served.http {
                    self.link.protocol |= feature::HTTP2;
                }
                log::debug!(
                    "RTMP_Serve, handshaked{}{}",
                    if served.http { " (rtmpt)" } else { "" },
                    if served.encrypted { " (RTMPE)" } else { "" }
                );
                Ok(())
            }
            Err(e) => {
                log::error!("RTMP_Serve, handshake failed: {e}");
                self.close(false);
                self.st.timed_out = matches!(e, ConnError::Timeout);
                Err(e)
            }
        }
    }

    fn start_inner(&mut self, own_connect: Option<Message<'_>>) -> Result<(), ConnError> {
        let encrypted = self.link.protocol & feature::ENC != 0;
        let digest = self.link.swf_size != 0 || encrypted;
        let uptime = crate::sys::now_ms();
        let conn = self.conn.as_mut().ok_or(ConnError::Closed)?;
        let outcome = conn.client_handshake(digest, encrypted, uptime)?;
        if let (Some(tail), true) = (outcome.s1_tail, self.link.swf_size != 0) {
            self.swf_response =
                Some(crate::handshake::swf_verification_response(self.link.swf_size, &self.link.swf_hash, &tail));
        }
        log::debug!("RTMP_Connect1, handshaked");
        match own_connect {
            Some(m) => self.send_packet(&m, true, true),
            None => self.send_connect(),
        }
    }

    /// Closes the connection (librtmp's CloseInternal): when connected and a stream is open, sends
    /// FCUnpublish (publishing) and deleteStream first; then resets the per-connection state.
    /// `reconnect` keeps what a transparent reconnect reuses.
    pub fn close(&mut self, reconnect: bool) {
        if self.conn.is_some() {
            // After RTMP_UserInterrupt no goodbye is sent: a peer that stopped reading would hold
            // the send until the timeout, which is what the user interrupted.
            if self.st.stream_id > 0 && !(self.interrupted)() {
                let id = self.st.stream_id;
                self.st.stream_id = 0;
                self.leaving = true;
                if self.link.publishing() {
                    let _ = self.send_fc_unpublish();
                }
                let _ = self.send_delete_stream(id);
                self.leaving = false;
            }
            if let Some(mut c) = self.conn.take() {
                if !(self.interrupted)() {
                    c.transport_mut().close_notify();
                }
                c.transport().shutdown();
                self.retired = Some(c);
            }
        }
        self.st.stream_id = -1;
        self.st.bw_check_counter = 0;
        self.st.bytes_in = 0;
        self.st.bytes_in_sent = 0;
        self.read.data_type = 0;
        self.read.flags = 0;
        self.read.status = 0;
        self.read.resume_ts = 0;
        self.read.ignored_frames = 0;
        self.read.ignored_flv_frames = 0;
        self.read.pending.clear();
        self.read.pending_pos = 0;
        self.read.open = None;
        if !self.calls.is_empty() {
            self.changes.calls = true;
        }
        self.calls.clear();
        self.st.num_invokes = 0;
        self.st.playing = false;
        self.flv_in = crate::flv::FlvParser::new();
        if !reconnect {
            self.link.lflags &= !(lf::FTCU | lf::FAPU);
        }
        // Several closes in one call: freeing wins over keeping (reconnect only if all were).
        self.changes.closed = Some(self.changes.closed.unwrap_or(true) && reconnect);
    }

    /// Closes the socket of a connection that ended earlier (RTMP_Close).
    pub fn release_socket(&mut self) {
        self.retired = None;
    }

    fn conn(&mut self) -> Result<&mut Connection, ConnError> {
        self.conn.as_mut().ok_or(ConnError::Closed)
    }

    /// Applies the chunk sizes the caller may have changed in the struct since the last call. A
    /// size below 1 (rtmpsrv stores a peer's Set Chunk Size unchecked) is refused once, with a
    /// warning, and the struct gets the size in force back.
    pub fn sync_chunk_sizes(&mut self) {
        let (inc, outc) = (self.st.in_chunk_size, self.st.out_chunk_size);
        if let Some(c) = self.conn.as_mut() {
            if inc <= 0 {
                log::warn!(
                    "m_inChunkSize is {inc}: a chunk size is 1 to 2^31-1 bytes; keeping {}",
                    c.reader.chunk_size()
                );
                self.st.in_chunk_size = c.reader.chunk_size() as i32;
            } else if c.reader.chunk_size() != inc as u32 {
                c.reader.set_chunk_size(inc as u32);
            }
            if outc <= 0 {
                log::warn!(
                    "m_outChunkSize is {outc}: a chunk size is 1 to 2^31-1 bytes; keeping {}",
                    c.writer.chunk_size()
                );
                self.st.out_chunk_size = c.writer.chunk_size() as i32;
            } else if c.writer.chunk_size() != outc as u32 {
                c.writer.set_chunk_size(outc as u32);
            }
        }
    }

    /// Counts received bytes and acknowledges them when the window (peer bandwidth / 10, as
    /// librtmp computes it) is exceeded.
    fn account_bytes(&mut self) -> Result<(), ConnError> {
        let Some(c) = self.conn.as_ref() else { return Ok(()) };
        self.st.bytes_in = c.bytes_in as u32 as i32;
        if self.st.send_counter {
            let window = (self.st.client_bw / 10).max(1) as i64;
            let unacked = i64::from(self.st.bytes_in.wrapping_sub(self.st.bytes_in_sent) as u32);
            if unacked > window {
                self.send_bytes_received()?;
            }
        }
        Ok(())
    }

    /// Reads the next chunk (RTMP_ReadPacket's unit); maintains counters and acknowledgements.
    pub fn read_chunk(&mut self) -> Result<crate::chunk::Chunk, ConnError> {
        self.st.timed_out = false;
        let r = self.conn()?.next_chunk();
        match r {
            Ok(c) => {
                if let Err(e) = self.account_bytes() {
                    // The chunk is dropped: its reassembled body must not leak into the next.
                    if c.complete {
                        if let Some(conn) = self.conn.as_mut() {
                            conn.reader.release(c.csid);
                        }
                    }
                    return Err(e);
                }
                Ok(c)
            }
            Err(e) => Err(self.read_failed(e)),
        }
    }

    /// Records why a read failed: a timeout sets `timed_out` (RTMP_IsTimedout) and keeps the
    /// connection; anything else closes it, as librtmp's ReadN does.
    fn read_failed(&mut self, e: ConnError) -> ConnError {
        match &e {
            ConnError::Timeout => {
                self.st.timed_out = true;
                if self.link.protocol & feature::HTTP2 != 0 {
                    // The server end of RTMPT: the client polled and sent nothing (not an error).
                    log::debug!("RTMP_ReadPacket: the rtmpt client polled; nothing to read");
                } else if let Some(part) = self.conn.as_ref().and_then(|c| c.unfinished()) {
                    log::error!("RTMP_ReadPacket: no data within {} s {part}", self.link.timeout);
                } else {
                    log::error!(
                        "RTMP_ReadPacket, failed to read RTMP packet header: no data within {} s",
                        self.link.timeout
                    );
                }
            }
            ConnError::Closed => log::debug!("RTMP_ReadPacket: the server closed the connection"),
            other => log::error!("RTMP_ReadPacket, {other}"),
        }
        if !matches!(e, ConnError::Timeout) {
            self.close(false);
        }
        e
    }

    /// Whether another thread closed this handle while the call was blocked.
    pub fn closed_locally(&self) -> bool {
        self.closing.load(std::sync::atomic::Ordering::Acquire)
    }

    /// Reads until a message is complete and copies it into the scratch buffer; returns its header.
    /// (Media in RTMP_Read takes a copy-free path instead.)
    pub fn next_message(&mut self) -> Result<Message<'_>, ConnError> {
        loop {
            let c = self.read_chunk()?;
            if !c.complete {
                continue;
            }
            let conn = self.conn.as_mut().ok_or(ConnError::Closed)?;
            self.scratch.clear();
            self.scratch.extend_from_slice(conn.message_body(&c));
            conn.reader.release(c.csid);
            return Ok(Message {
                type_id: c.message.type_id,
                csid: c.csid,
                timestamp: c.message.timestamp,
                stream_id: c.message.stream_id,
                body: &self.scratch,
            });
        }
    }

    /// RTMP_ConnectStream: processes replies until play or publish has started (or the connection
    /// ends); media arriving before that is dropped.
    pub fn connect_stream(&mut self, seek_time: i32) -> Result<(), Error> {
        if seek_time > 0 {
            self.link.seek_time = seek_time;
        }
        self.st.media_channel = 0;
        while !self.st.playing && self.is_connected() {
            let m = match self.next_message() {
                Ok(m) => OwnedMessage::from(&m),
                Err(_) => break,
            };
            if m.body.is_empty() {
                if m.type_id == msg::INVOKE {
                    log::warn!("an empty command message on chunk stream {}: ignored", m.csid);
                }
                continue;
            }
            if matches!(m.type_id, msg::AUDIO | msg::VIDEO | msg::INFO) {
                log::warn!("Received FLV packet before play()! Ignoring.");
                continue;
            }
            self.client_packet(&m.as_message());
        }
        if self.st.playing {
            Ok(())
        } else {
            Err(Error::StreamNotStarted)
        }
    }
}

#[cfg(test)]
mod tests;
