//! Mirroring between the caller's `RTMP` struct and the Rust session. Applications read and write
//! the public members between calls (rtmpdump sets `m_read` for resume, curl sets `Link.protocol`,
//! rtmpsuck reads `m_channelTimestamp`), so every call pulls them in first and pushes them back
//! after; memory the struct points to is libc memory, as in the original.

use super::abi::amf::{AMFObjectProperty, AVal};
use super::abi::rtmp::{RTMPPacket, RTMP, RTMP_METHOD};
use crate::session::{Call, Link, Session};
use core::ffi::{c_char, c_int, c_void};

/// The bytes of a C string member (empty for NULL).
pub fn aval(v: &AVal) -> Vec<u8> {
    if v.av_val.is_null() || v.av_len <= 0 {
        return Vec::new();
    }
    // SAFETY: AVals in the struct point to `av_len` bytes that the caller keeps alive.
    unsafe { std::slice::from_raw_parts(v.av_val as *const u8, v.av_len as usize) }.to_vec()
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
pub fn pull_link(r: &RTMP, s: &mut Session) {
    let l = &r.Link;
    let side = super::side::get(r as *const RTMP as usize);
    s.link = Link {
        protocol: l.protocol,
        hostname: aval(&l.hostname),
        port: l.port,
        sockshost: aval(&l.sockshost),
        socksport: l.socksport,
        playpath: aval(&l.playpath),
        tc_url: aval(&l.tcUrl),
        swf_url: aval(&l.swfUrl),
        page_url: aval(&l.pageUrl),
        app: aval(&l.app),
        auth: aval(&l.auth),
        flash_ver: aval(&l.flashVer),
        subscribe_path: aval(&l.subscribepath),
        usher_token: aval(&l.usherToken),
        token: aval(&l.token),
        pub_user: aval(&l.pubUser),
        pub_passwd: aval(&l.pubPasswd),
        extras: extras(r),
        seek_time: l.seekTime,
        stop_time: l.stopTime,
        lflags: l.lFlags,
        swf_age: l.swfAge,
        timeout: l.timeout,
        #[cfg(feature = "crypto")]
        swf_size: l.SWFSize,
        #[cfg(not(feature = "crypto"))]
        swf_size: 0,
        #[cfg(feature = "crypto")]
        swf_hash: l.SWFHash,
        #[cfg(not(feature = "crypto"))]
        swf_hash: [0; 32],
        tls: side.tls,
        rtmpe_answer: side.rtmpe_answer,
    };
}

/// Reads what applications may change between calls.
pub fn pull(r: &RTMP, s: &mut Session) {
    let st = &mut s.st;
    st.in_chunk_size = r.m_inChunkSize;
    st.out_chunk_size = r.m_outChunkSize;
    st.bw_check_counter = r.m_nBWCheckCounter;
    st.bytes_in = r.m_nBytesIn;
    st.bytes_in_sent = r.m_nBytesInSent;
    st.buffer_ms = r.m_nBufferMS;
    st.stream_id = r.m_stream_id;
    st.media_channel = r.m_mediaChannel;
    st.media_stamp = r.m_mediaStamp;
    st.pause_stamp = r.m_pauseStamp;
    st.pausing = r.m_pausing;
    st.server_bw = r.m_nServerBW;
    st.client_bw = r.m_nClientBW;
    st.client_bw2 = r.m_nClientBW2;
    st.playing = r.m_bPlaying != 0;
    st.send_encoding = r.m_bSendEncoding != 0;
    st.send_counter = r.m_bSendCounter != 0;
    st.num_invokes = r.m_numInvokes;
    st.audio_codecs = r.m_fAudioCodecs;
    st.video_codecs = r.m_fVideoCodecs;
    st.encoding = r.m_fEncoding;
    st.duration = r.m_fDuration;
    st.timed_out = r.m_sb.sb_timedout != 0;

    let m = &r.m_read;
    let rd = &mut s.read;
    rd.timestamp = m.timestamp;
    rd.data_type = m.dataType;
    rd.flags = m.flags;
    rd.status = m.status;
    rd.initial_frame_type = m.initialFrameType;
    rd.resume_ts = m.nResumeTS;
    rd.ignored_frames = m.nIgnoredFrameCounter;
    rd.ignored_flv_frames = m.nIgnoredFlvFrameCounter;
    if m.flags & crate::session::readflag::RESUME != 0 {
        copy_once(&mut rd.meta_header, m.metaHeader, m.nMetaHeaderSize);
        copy_once(&mut rd.initial_frame, m.initialFrame, m.nInitialFrameSize);
    }
    s.link.lflags = r.Link.lFlags;
    s.link.protocol = r.Link.protocol;
    s.link.seek_time = r.Link.seekTime;
    s.link.stop_time = r.Link.stopTime;
    s.link.timeout = r.Link.timeout;
    s.sync_chunk_sizes();
}

fn copy_once(dst: &mut Vec<u8>, src: *mut c_char, len: u32) {
    if src.is_null() || len == 0 || dst.len() == len as usize {
        return;
    }
    // SAFETY: rtmpdump points these at `len` bytes it keeps for the whole download.
    *dst = unsafe { std::slice::from_raw_parts(src as *const u8, len as usize) }.to_vec();
}

/// Writes the session's state back into the struct.
pub fn push(s: &mut Session, r: &mut RTMP) {
    if s.link_rewritten {
        push_auth_link(s, r);
    }
    let st = &s.st;
    r.m_inChunkSize = st.in_chunk_size;
    r.m_outChunkSize = st.out_chunk_size;
    r.m_nBWCheckCounter = st.bw_check_counter;
    r.m_nBytesIn = st.bytes_in;
    r.m_nBytesInSent = st.bytes_in_sent;
    r.m_nBufferMS = st.buffer_ms;
    r.m_stream_id = st.stream_id;
    r.m_mediaChannel = st.media_channel;
    r.m_mediaStamp = st.media_stamp;
    r.m_pauseStamp = st.pause_stamp;
    r.m_pausing = st.pausing;
    r.m_nServerBW = st.server_bw;
    r.m_nClientBW = st.client_bw;
    r.m_nClientBW2 = st.client_bw2;
    r.m_bPlaying = u8::from(st.playing);
    r.m_bSendEncoding = u8::from(st.send_encoding);
    r.m_bSendCounter = u8::from(st.send_counter);
    r.m_numInvokes = st.num_invokes;
    r.m_fAudioCodecs = st.audio_codecs;
    r.m_fVideoCodecs = st.video_codecs;
    r.m_fEncoding = st.encoding;
    r.m_fDuration = st.duration;
    r.m_sb.sb_timedout = c_int::from(st.timed_out);

    let rd = &s.read;
    let m = &mut r.m_read;
    m.timestamp = rd.timestamp;
    m.dataType = rd.data_type;
    m.flags = rd.flags;
    m.status = rd.status;
    m.nResumeTS = rd.resume_ts;
    m.nIgnoredFrameCounter = rd.ignored_frames;
    m.nIgnoredFlvFrameCounter = rd.ignored_flv_frames;

    r.Link.lFlags = (r.Link.lFlags & (crate::session::lf::FTCU | crate::session::lf::FAPU))
        | (s.link.lflags & !(crate::session::lf::FTCU | crate::session::lf::FAPU));
    r.Link.protocol = s.link.protocol;

    match s.conn.as_ref() {
        Some(c) => {
            r.m_sb.sb_socket = c.transport().raw_socket();
            r.m_sb.sb_size = c.buffered().min(i32::MAX as usize) as c_int;
            if let Some(h) = c.transport().http_state() {
                mirror_http(&h, r);
            }
            mirror_channels(s, r);
        }
        None => {
            r.m_sb.sb_socket = -1;
            r.m_sb.sb_size = 0;
        }
    }
    if s.calls_dirty {
        mirror_calls(&s.calls, r);
        s.calls_dirty = false;
    }
}

/// The HTTP tunnel's members (`m_clientID` is a libc string the library owns, as in the original,
/// and freed by RTMP_Close).
fn mirror_http(h: &crate::transport::HttpState, r: &mut RTMP) {
    r.m_msgCounter = h.msg_counter as c_int;
    r.m_polling = c_int::from(h.polling);
    r.m_resplen = h.resplen.min(i32::MAX as usize) as c_int;
    r.m_unackd = h.unackd as c_int;
    if r.m_clientID.av_val.is_null() && !h.client_id.is_empty() {
        // SAFETY: a fresh libc buffer for the id and its NUL.
        let p = unsafe { libc::malloc(h.client_id.len() + 1) } as *mut c_char;
        if !p.is_null() {
            // SAFETY: `p` has room for the bytes and the NUL.
            unsafe {
                core::ptr::copy_nonoverlapping(h.client_id.as_ptr() as *const c_char, p, h.client_id.len());
                *p.add(h.client_id.len()) = 0;
            }
            r.m_clientID = AVal { av_val: p, av_len: h.client_id.len() as c_int };
        }
    }
}

/// Grows a libc array of `*mut T`-sized slots to `n` entries, zeroing the new ones.
fn grow<T>(arr: &mut *mut T, have: &mut c_int, n: usize) -> bool {
    if (*have as usize) >= n {
        return true;
    }
    let n = n + 10;
    // SAFETY: `arr` is NULL or a libc array of `have` elements; realloc keeps them.
    let p = unsafe { libc::realloc(*arr as *mut c_void, n * core::mem::size_of::<T>()) } as *mut T;
    if p.is_null() {
        return false;
    }
    // SAFETY: the new tail lies within the reallocated block.
    unsafe { core::ptr::write_bytes(p.add(*have as usize), 0, n - *have as usize) };
    *arr = p;
    *have = n as c_int;
    true
}

/// `m_channelTimestamp`, `m_vecChannelsIn` and `m_vecChannelsOut` reflect the chunk streams.
fn mirror_channels(s: &Session, r: &mut RTMP) {
    let Some(c) = s.conn.as_ref() else { return };
    let n_in = c.reader.streams_len();
    if n_in > 0 {
        // The two arrays share one count: grow them one after the other, storing each new pointer
        // at once (a failed second realloc must not leave the first one dangling).
        if (r.m_channelsAllocatedIn as usize) < n_in {
            let mut have = r.m_channelsAllocatedIn;
            if !grow(&mut r.m_channelTimestamp, &mut have, n_in) {
                return;
            }
            let mut have2 = r.m_channelsAllocatedIn;
            if !grow(&mut r.m_vecChannelsIn, &mut have2, n_in) {
                return;
            }
            r.m_channelsAllocatedIn = have.min(have2);
        }
        let (ts, vec) = (r.m_channelTimestamp, r.m_vecChannelsIn);
        for (csid, st) in c.reader.seen_streams() {
            // SAFETY: csid < n_in <= allocated entries.
            unsafe {
                *ts.add(csid as usize) = st.last_timestamp as c_int;
                let slot = vec.add(csid as usize);
                let p = ensure_packet(slot);
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
    let outs: Vec<_> = c.writer.last_headers().collect();
    if let Some(max) = outs.iter().map(|o| o.0 as usize + 1).max() {
        let mut have = r.m_channelsAllocatedOut;
        let mut vec = r.m_vecChannelsOut;
        if !grow(&mut vec, &mut have, max) {
            return;
        }
        r.m_vecChannelsOut = vec;
        r.m_channelsAllocatedOut = have;
        for (csid, ts, len, ty, sid) in outs {
            // SAFETY: csid < max <= allocated entries.
            unsafe {
                if let Some(p) = ensure_packet(vec.add(csid as usize)).as_mut() {
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

/// The packet in `slot`, allocated (zeroed, libc) if missing.
///
/// # Safety
/// `slot` must be a valid slot of a channel array.
unsafe fn ensure_packet(slot: *mut *mut RTMPPacket) -> *mut RTMPPacket {
    // SAFETY: per the contract.
    unsafe {
        if (*slot).is_null() {
            *slot = libc::calloc(1, core::mem::size_of::<RTMPPacket>()) as *mut RTMPPacket;
        }
        *slot
    }
}

/// Rebuilds the C method-call queue (names are libc copies, as the original's).
fn mirror_calls(calls: &[Call], r: &mut RTMP) {
    super::lifecycle::clear_method_calls(r);
    if calls.is_empty() {
        return;
    }
    // SAFETY: a fresh libc array for `calls.len()` entries.
    let arr = unsafe { libc::calloc(calls.len(), core::mem::size_of::<RTMP_METHOD>()) } as *mut RTMP_METHOD;
    if arr.is_null() {
        return;
    }
    for (i, c) in calls.iter().enumerate() {
        // SAFETY: a libc copy of the name, NUL-terminated like the original's.
        let name = unsafe { libc::malloc(c.name.len() + 1) } as *mut c_char;
        if !name.is_null() {
            // SAFETY: `name` has room for the bytes and the NUL.
            unsafe {
                core::ptr::copy_nonoverlapping(c.name.as_ptr() as *const c_char, name, c.name.len());
                *name.add(c.name.len()) = 0;
                *arr.add(i) = RTMP_METHOD { name: AVal { av_val: name, av_len: c.name.len() as c_int }, num: c.txn };
            }
        }
    }
    r.m_methodCalls = arr;
    r.m_numCalls = calls.len() as c_int;
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

/// Publisher authentication lengthened app and tcUrl: the struct gets library-owned copies
/// (RTMP_LF_FAPU, RTMP_LF_FTCU; freed by RTMP_Close), as the original's PublisherAuth does.
fn push_auth_link(s: &mut Session, r: &mut RTMP) {
    use crate::session::lf::{FAPU, FTCU};
    let (Some(app), Some(tc)) = (super::url::malloc_copy(&s.link.app), super::url::malloc_copy(&s.link.tc_url)) else {
        log::error!("publisher authentication: out of memory for the new app and tcUrl");
        return;
    };
    for (field, flag, new) in [(&mut r.Link.app, FAPU, app), (&mut r.Link.tcUrl, FTCU, tc)] {
        if r.Link.lFlags & flag != 0 {
            // SAFETY: the flag says the library allocated this string with libc.
            unsafe { libc::free(field.av_val as *mut c_void) };
        }
        *field = new;
        r.Link.lFlags |= flag;
    }
    s.link_rewritten = false;
}
