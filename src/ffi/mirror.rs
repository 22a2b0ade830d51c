//! Mirroring between the caller's `RTMP` struct and the Rust session. Applications read and write
//! the public members between calls (rtmpdump sets `m_read` for resume, curl sets `Link.protocol`,
//! rtmpsuck reads `m_channelTimestamp`), so every call pulls them in first and pushes them back
//! after. The plain members are rows of one table (`members!`), each with its direction and a
//! conversion chosen by its types; the link strings are rows of another, keyed by the option that
//! sets them. What is not a plain copy (masked flags, resume buffers, channel arrays, the method
//! queue, the publisher-auth rewrite, the socket) is plain code after the tables. A test checks
//! that every member of the header's structs is in a table or named as handled otherwise.

use super::abi::amf::{AMFObjectProperty, AVal};
use super::abi::rtmp::{RTMP, RTMP_LNK};
use super::cmem;
use crate::options::Target;
use crate::session::{Call, Link, Session};
use core::ffi::{c_char, c_int};

/// How a member converts between its C type and its Rust type.
trait Mirrored<C>: Sized {
    fn from_c(c: C) -> Self;
    fn to_c(&self) -> C;
}

impl<T: Copy> Mirrored<T> for T {
    fn from_c(c: T) -> T {
        c
    }
    fn to_c(&self) -> T {
        *self
    }
}

/// C's `uint8_t` booleans.
impl Mirrored<u8> for bool {
    fn from_c(c: u8) -> bool {
        c != 0
    }
    fn to_c(&self) -> u8 {
        u8::from(*self)
    }
}

/// C's `int` booleans.
impl Mirrored<c_int> for bool {
    fn from_c(c: c_int) -> bool {
        c != 0
    }
    fn to_c(&self) -> c_int {
        c_int::from(*self)
    }
}

/// Which way a member is copied.
#[cfg(test)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Dir {
    /// Pulled before each call and pushed after it.
    Both,
    /// Pulled only: the application's setting, which the library never changes.
    Pull,
}

macro_rules! members {
    ($( $dir:ident $($c:ident).+ => $($rs:ident).+ ;)*) => {
        fn pull_members(r: &RTMP, s: &mut Session) {
            $( s.$($rs).+ = Mirrored::from_c(r.$($c).+); )*
        }

        fn push_members(s: &Session, r: &mut RTMP) {
            $( members!(@push $dir r.$($c).+, s.$($rs).+); )*
        }

        /// The table's rows: the C member's path and direction.
        #[cfg(test)]
        const MEMBERS: &[(&str, Dir)] = &[$( (stringify!($($c).+), Dir::$dir) ),*];

        #[cfg(test)]
        /// Gives every member of the table a value of its own in `r`.
        fn fill_members(r: &mut RTMP) {
            let mut i = 0;
            $( i += 1; r.$($c).+ = test::Sample::sample(i); )*
        }

        #[cfg(test)]
        /// The members of `b` that differ from `a`'s: pushed ones compare with the struct they
        /// came back to, pulled-only ones with the session that took them.
        fn differences(a: &RTMP, b: &RTMP, s: &Session) -> Vec<&'static str> {
            let mut out = Vec::new();
            $(
                // What the member reads as after a conversion there and back (a boolean's 1000 is 1).
                let want = test::normalized(a.$($c).+, &s.$($rs).+);
                let same = match Dir::$dir {
                    Dir::Both => want == b.$($c).+,
                    Dir::Pull => want == Mirrored::to_c(&s.$($rs).+),
                };
                if !same {
                    out.push(stringify!($($c).+));
                }
            )*
            out
        }
    };
    (@push Both $c:expr, $rs:expr) => { $c = Mirrored::to_c(&$rs) };
    (@push Pull $c:expr, $rs:expr) => {};
}

members! {
    Both m_inChunkSize => st.in_chunk_size;
    Both m_outChunkSize => st.out_chunk_size;
    Both m_nBWCheckCounter => st.bw_check_counter;
    Both m_nBytesIn => st.bytes_in;
    Both m_nBytesInSent => st.bytes_in_sent;
    Both m_nBufferMS => st.buffer_ms;
    Both m_stream_id => st.stream_id;
    Both m_mediaChannel => st.media_channel;
    Both m_mediaStamp => st.media_stamp;
    Both m_pauseStamp => st.pause_stamp;
    Both m_pausing => st.pausing;
    Both m_nServerBW => st.server_bw;
    Both m_nClientBW => st.client_bw;
    Both m_nClientBW2 => st.client_bw2;
    Both m_bPlaying => st.playing;
    Both m_bSendEncoding => st.send_encoding;
    Both m_bSendCounter => st.send_counter;
    Both m_numInvokes => st.num_invokes;
    Both m_fAudioCodecs => st.audio_codecs;
    Both m_fVideoCodecs => st.video_codecs;
    Both m_fEncoding => st.encoding;
    Both m_fDuration => st.duration;
    Both m_sb.sb_timedout => st.timed_out;
    Both m_read.timestamp => read.timestamp;
    Both m_read.dataType => read.data_type;
    Both m_read.flags => read.flags;
    Both m_read.status => read.status;
    Pull m_read.initialFrameType => read.initial_frame_type;
    Both m_read.nResumeTS => read.resume_ts;
    Both m_read.nIgnoredFrameCounter => read.ignored_frames;
    Both m_read.nIgnoredFlvFrameCounter => read.ignored_flv_frames;
    Both Link.protocol => link.protocol;
    Pull Link.lFlags => link.lflags;
    Pull Link.seekTime => link.seek_time;
    Pull Link.stopTime => link.stop_time;
    Pull Link.timeout => link.timeout;
}

macro_rules! link_strings {
    ($( $target:expr, $c:ident => $rs:ident ;)*) => {
        /// The link string member an option sets (RTMP_SetOpt), if it sets one.
        pub(crate) fn link_text_mut(l: &mut RTMP_LNK, target: Target) -> Option<&mut AVal> {
            $( if $target == Some(target) { return Some(&mut l.$c); } )*
            None
        }

        fn pull_link_strings(l: &RTMP_LNK, k: &mut Link) {
            $( k.$rs = aval(&l.$c); )*
        }

        #[cfg(test)]
        const LINK_STRINGS: &[&str] = &[$( stringify!($c) ),*];
    };
}

link_strings! {
    None, hostname => hostname;
    Some(Target::SocksHost), sockshost => sockshost;
    Some(Target::Playpath), playpath => playpath;
    Some(Target::TcUrl), tcUrl => tc_url;
    Some(Target::SwfUrl), swfUrl => swf_url;
    Some(Target::PageUrl), pageUrl => page_url;
    Some(Target::App), app => app;
    None, auth => auth;
    Some(Target::FlashVer), flashVer => flash_ver;
    Some(Target::SubscribePath), subscribepath => subscribe_path;
    Some(Target::UsherToken), usherToken => usher_token;
    Some(Target::Token), token => token;
    Some(Target::PubUser), pubUser => pub_user;
    Some(Target::PubPasswd), pubPasswd => pub_passwd;
}

/// The integer link member an option sets (RTMP_SetOpt), if it sets one.
pub(crate) fn link_int_mut(r: &mut RTMP, target: Target) -> Option<&mut c_int> {
    Some(match target {
        Target::SwfAge => &mut r.Link.swfAge,
        Target::SeekTime => &mut r.Link.seekTime,
        Target::StopTime => &mut r.Link.stopTime,
        Target::BufferMs => &mut r.m_nBufferMS,
        Target::Timeout => &mut r.Link.timeout,
        _ => return None,
    })
}

/// The bytes of a C string member (empty for NULL), copied.
pub(crate) fn aval(v: &AVal) -> Vec<u8> {
    super::boundary::aval(v).to_vec()
}

/// Encodes the `conn=` extras (an AMFObject of properties) as AMF0 bytes.
fn extras(r: &RTMP) -> Vec<u8> {
    let e = &r.Link.extras;
    if e.o_props.is_null() || e.o_num <= 0 {
        return Vec::new();
    }
    let mut buf = vec![0u8; 64 * 1024];
    let mut used = 0usize;
    for i in 0..e.o_num as usize {
        // SAFETY: o_num properties live at o_props (built by RTMP_SetOpt or by the application).
        let prop: *mut AMFObjectProperty = unsafe { e.o_props.add(i) };
        let start = buf[used..].as_mut_ptr() as *mut c_char;
        // SAFETY: the buffer has buf.len() - used writable bytes after `start`.
        let end = unsafe { start.add(buf.len() - used) };
        // SAFETY: a valid property and buffer, as above.
        let next = unsafe { super::amf::AMFProp_Encode(prop, start, end) };
        if next.is_null() {
            log::error!("connect: extra property {i} cannot be encoded; ignoring the rest");
            break;
        }
        used += next as usize - start as usize;
    }
    buf.truncate(used);
    buf
}

/// Reads the connection parameters (at connect time).
pub(crate) fn pull_link(r: &RTMP, s: &mut Session) {
    let l = &r.Link;
    let side = super::registry::side(r as *const RTMP as usize);
    s.link = Link::default();
    pull_link_strings(l, &mut s.link);
    let k = &mut s.link;
    k.protocol = l.protocol;
    k.port = l.port;
    k.socksport = l.socksport;
    k.extras = extras(r);
    k.seek_time = l.seekTime;
    k.stop_time = l.stopTime;
    k.lflags = l.lFlags;
    k.swf_age = l.swfAge;
    k.timeout = l.timeout;
    #[cfg(feature = "crypto")]
    {
        k.swf_size = l.SWFSize;
        k.swf_hash = l.SWFHash;
    }
    #[cfg(not(feature = "crypto"))]
    {
        k.swf_size = 0;
        k.swf_hash = [0; 32];
    }
    k.tls = side.tls;
    k.rtmpe_answer = side.rtmpe_answer;
    k.enhanced = side.enhanced;
}

/// Reads what applications may change between calls.
pub(crate) fn pull(r: &RTMP, s: &mut Session) {
    pull_members(r, s);
    let m = &r.m_read;
    if m.flags & crate::session::readflag::RESUME != 0 {
        copy_once(&mut s.read.meta_header, m.metaHeader, m.nMetaHeaderSize);
        copy_once(&mut s.read.initial_frame, m.initialFrame, m.nInitialFrameSize);
    }
    s.sync_chunk_sizes();
}

fn copy_once(dst: &mut Vec<u8>, src: *mut c_char, len: u32) {
    if src.is_null() || len == 0 || dst.len() == len as usize {
        return;
    }
    // SAFETY: rtmpdump points these at `len` bytes it keeps for the whole download.
    *dst = unsafe { super::boundary::bytes(src, len as usize) }.to_vec();
}

/// Writes the session's state back into the struct.
pub(crate) fn push(s: &mut Session, r: &mut RTMP) {
    if s.changes.link_rewritten {
        push_auth_link(s, r);
    }
    push_members(s, r);
    // The library's own bits (which strings it allocated) stay the struct's.
    use crate::session::lf::{FAPU, FTCU};
    r.Link.lFlags = (r.Link.lFlags & (FTCU | FAPU)) | (s.link.lflags & !(FTCU | FAPU));
    match s.conn.as_ref() {
        Some(c) => {
            r.m_sb.sb_socket = c.transport().raw_socket();
            r.m_sb.sb_size = c.buffered().min(i32::MAX as usize) as c_int;
            if let Some(h) = c.transport().http_state() {
                r.m_msgCounter = h.msg_counter as c_int;
                r.m_polling = c_int::from(h.polling);
                r.m_resplen = h.resplen.min(i32::MAX as usize) as c_int;
                r.m_unackd = h.unackd as c_int;
                cmem::set_client_id(r, &h.client_id);
            }
            mirror_channels(s, r);
        }
        None => {
            r.m_sb.sb_socket = crate::sys::NO_SOCKET;
            r.m_sb.sb_size = 0;
        }
    }
    if s.changes.calls {
        cmem::set_method_calls(r, s.calls.iter().map(|c| (c.name.as_slice(), c.txn)));
        s.changes.calls = false;
    }
}

/// `m_channelTimestamp`, `m_vecChannelsIn` and `m_vecChannelsOut` reflect the chunk streams.
fn mirror_channels(s: &Session, r: &mut RTMP) {
    let Some(c) = s.conn.as_ref() else { return };
    let (n_in, seen) = c.streams_in();
    if n_in > 0 {
        if !cmem::ensure_channels_in(r, n_in) {
            return;
        }
        let (ts, vec) = (r.m_channelTimestamp, r.m_vecChannelsIn);
        for (csid, st) in seen {
            // SAFETY: csid < n_in <= allocated entries.
            unsafe {
                *ts.add(csid as usize) = st.last_timestamp as c_int;
                let slot = vec.add(csid as usize);
                let p = cmem::ensure_packet(slot);
                if let Some(p) = p.as_mut() {
                    p.m_nChannel = csid as c_int;
                    p.m_packetType = st.type_id;
                    p.m_nBodySize = st.length;
                    p.m_nTimeStamp = st.ts_field;
                    p.m_nInfoField2 = st.stream_id as i32;
                    p.m_nBytesRead = st.received;
                }
            }
        }
    }
    let outs: Vec<_> = c.last_headers_out().collect();
    if let Some(max) = outs.iter().map(|o| o.0 as usize + 1).max() {
        if !cmem::ensure_channels_out(r, max) {
            return;
        }
        let vec = r.m_vecChannelsOut;
        for (csid, ts, len, ty, sid) in outs {
            // SAFETY: csid < max <= allocated entries.
            unsafe {
                if let Some(p) = cmem::ensure_packet(vec.add(csid as usize)).as_mut() {
                    p.m_nChannel = csid as c_int;
                    p.m_nTimeStamp = ts;
                    p.m_nBodySize = len;
                    p.m_packetType = ty;
                    p.m_nInfoField2 = sid as i32;
                }
            }
        }
    }
}

/// Reads the C method-call queue (after RTMP_DropRequest, or a queue the application built).
pub fn pull_calls(r: &RTMP, s: &mut Session) {
    let mut calls = Vec::new();
    if !r.m_methodCalls.is_null() {
        for i in 0..r.m_numCalls.max(0) as usize {
            // SAFETY: m_numCalls entries.
            let m = unsafe { &*r.m_methodCalls.add(i) };
            calls.push(Call { name: aval(&m.name), txn: m.num });
        }
    }
    s.calls = calls;
}

/// Publisher authentication lengthened app and tcUrl, or a reconnect moved them: the struct gets
/// library-owned copies (RTMP_LF_FAPU, RTMP_LF_FTCU; freed by RTMP_Close), as the original's
/// PublisherAuth does.
fn push_auth_link(s: &mut Session, r: &mut RTMP) {
    use crate::session::lf::{FAPU, FTCU};
    let l = &mut r.Link;
    let app = cmem::replace_owned(&mut l.app, l.lFlags & FAPU != 0, &s.link.app);
    if app {
        l.lFlags |= FAPU;
    }
    if !app || !cmem::replace_owned(&mut l.tcUrl, l.lFlags & FTCU != 0, &s.link.tc_url) {
        log::error!("out of memory for the new app and tcUrl");
        return;
    }
    l.lFlags |= FTCU;
    s.changes.link_rewritten = false;
}

#[cfg(test)]
mod test;
