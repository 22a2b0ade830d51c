//! RTMP_Read: the stream as an FLV byte stream — the 13-byte header, then one tag per audio,
//! video and onMetaData message, aggregate messages passed through with their timestamps rebased,
//! and rtmpdump's resume logic (`m_read` with RTMP_READ_RESUME).
//!
//! Unlike the original, a call returns as many whole tags as fit in the caller's buffer and are
//! already received (not just one), keeps short video and audio messages (an Enhanced RTMP
//! end-of-sequence is 5 bytes), and reports the end of a stream (Play.Stop, Play.Complete,
//! UnpublishNotify, stream EOF) at once instead of after the receive timeout.

use super::{lf, msg, readflag, Error, Message, PacketKind, Session};
use crate::conn::ConnError;
use crate::flv;

/// How many messages a resume may ignore while looking for its keyframe before giving up.
const MAX_IGNORED_FRAMES: u32 = 50;
/// The header pass stops once this much FLV is collected even if no timestamp was seen yet.
const HEADER_PASS_LIMIT: usize = 128 * 1024;

/// What converting one message gave.
enum Step {
    /// This many bytes went to the caller's buffer (the rest, if any, to `pending`).
    Bytes(usize),
    /// Nothing for the caller; try the next message.
    Ignore,
    /// No complete message is buffered (non-blocking reads only).
    WouldBlock,
    End(i8),
}

impl Session {
    /// RTMP_Read: the count of bytes written to `out`, 0 at the end (see `read.status`).
    pub fn read_flv(&mut self, out: &mut [u8]) -> Result<usize, Error> {
        if self.read.status != 0 && self.read.pending_pos < self.read.pending.len() {
            // The stream ended with bytes still due (the zero-filled rest of a cut tag).
            return Ok(self.drain_pending(out));
        }
        match self.read.status {
            readflag::EOF | readflag::COMPLETE => return Ok(0),
            readflag::ERROR => return Err(Error::StreamBroken),
            _ => {}
        }
        if self.read.flags & readflag::HEADER == 0 {
            if self.read.flags & readflag::RESUME == 0 {
                if let Err(status) = self.header_pass() {
                    self.read.status = status;
                    return if status == readflag::ERROR { Err(Error::StreamBroken) } else { Ok(0) };
                }
            }
            self.read.flags |= readflag::HEADER;
        }
        if self.read.flags & readflag::SEEKING != 0 {
            self.read.pending.clear();
            self.read.pending_pos = 0;
        }
        let mut total = self.drain_pending(out);
        let mut blocking = total == 0;
        while total < out.len() {
            match self.read_one(&mut out[total..], blocking) {
                Step::Bytes(n) => {
                    total += n;
                    // Once something is ready for the caller, only what is already here is added.
                    blocking = false;
                    if !self.read.pending.is_empty() || self.read.status != 0 {
                        break;
                    }
                }
                Step::Ignore => continue,
                Step::WouldBlock => break,
                Step::End(status) => {
                    self.read.status = status;
                    if total == 0 && status == readflag::ERROR {
                        return Err(Error::StreamBroken);
                    }
                    break;
                }
            }
        }
        Ok(total)
    }

    fn drain_pending(&mut self, out: &mut [u8]) -> usize {
        let avail = self.read.pending.len() - self.read.pending_pos;
        let n = avail.min(out.len());
        out[..n].copy_from_slice(&self.read.pending[self.read.pending_pos..self.read.pending_pos + n]);
        self.read.pending_pos += n;
        if self.read.pending_pos == self.read.pending.len() {
            self.read.pending.clear();
            self.read.pending_pos = 0;
        }
        n
    }

    /// The first call: the FLV header, then messages until one has a non-zero timestamp or both
    /// audio and video were seen, so the header's flags byte can say which the stream has.
    fn header_pass(&mut self) -> Result<(), i8> {
        let mut collected = flv::file_header(false, false).to_vec();
        let mut scratch = vec![0u8; 0];
        while self.read.timestamp == 0 && collected.len() < HEADER_PASS_LIMIT {
            match self.read_one(&mut scratch, true) {
                Step::Bytes(_) => {
                    let p = std::mem::take(&mut self.read.pending);
                    collected.extend_from_slice(&p[self.read.pending_pos..]);
                    self.read.pending = p;
                    self.read.pending.clear();
                    self.read.pending_pos = 0;
                    if self.read.data_type == 5 {
                        break;
                    }
                }
                Step::Ignore | Step::WouldBlock => continue,
                Step::End(status) => return Err(status),
            }
        }
        collected[4] = self.read.data_type;
        self.read.pending = collected;
        self.read.pending_pos = 0;
        Ok(())
    }

    /// Gets the next message for the reader (GetNextMediaPacket's filtering included) and
    /// converts it (Read_1_Packet).
    fn read_one(&mut self, out: &mut [u8], blocking: bool) -> Step {
        if self.read.open.is_some() {
            return self.continue_open_tag(out);
        }
        loop {
            if let Some((m, body)) = self.conn.as_mut().and_then(|c| c.deferred.pop_front()) {
                match self.deliver(m.type_id, m.csid, m.timestamp, m.stream_id, &body, out) {
                    Some(step) => return step,
                    None => continue,
                }
            }
            let c = if blocking {
                match self.read_chunk() {
                    Ok(c) => c,
                    Err(e) => return self.read_end(e),
                }
            } else {
                let r = self.conn.as_mut().map(|c| c.try_next_chunk());
                match r {
                    Some(Ok(Some(c))) => {
                        if let Err(e) = self.account_bytes() {
                            if c.complete {
                                self.release(c.csid);
                            }
                            return self.read_end(e);
                        }
                        c
                    }
                    Some(Ok(None)) => return Step::WouldBlock,
                    Some(Err(e)) => {
                        let e = self.read_failed_quiet(e);
                        return self.read_end(e);
                    }
                    None => return Step::End(readflag::EOF),
                }
            };
            if !c.complete {
                // A large audio or video message: the rest of it goes straight to the caller.
                match self.start_open_tag(&c, out) {
                    Some(step) => return step,
                    None => continue,
                }
            }
            if c.message.length == 0 {
                continue;
            }
            let (type_id, csid, ts, sid) = (c.message.type_id, c.csid, c.message.timestamp, c.message.stream_id);
            if matches!(type_id, msg::AUDIO | msg::VIDEO) {
                // The copy-free path: the body stays in the connection's buffer.
                self.note_media_public(csid, ts);
                if self.skip_while_unpausing(ts) {
                    self.release(csid);
                    continue;
                }
                self.st.playing = true;
                let Session { conn, read, link, .. } = self;
                let Some(conn) = conn.as_ref() else { return Step::End(readflag::EOF) };
                let body = conn.message_body(&c);
                let step = convert(read, link.lflags, type_id, ts, body, out);
                self.release(csid);
                return step;
            }
            // Everything else is handled like RTMP_ClientPacket, from a copy.
            let conn = self.conn.as_mut().expect("a chunk was just read");
            let body = conn.message_body(&c).to_vec();
            conn.reader.release(csid);
            if let Some(step) = self.deliver(type_id, csid, ts, sid, &body, out) {
                return step;
            }
        }
    }

    /// A complete message held in its own buffer: a command, control or data message (handled
    /// like RTMP_ClientPacket), or media that waited behind a direct read. None: nothing for the
    /// caller, go on.
    fn deliver(&mut self, type_id: u8, csid: u32, ts: u32, sid: u32, body: &[u8], out: &mut [u8]) -> Option<Step> {
        if body.is_empty() {
            return None;
        }
        if matches!(type_id, msg::AUDIO | msg::VIDEO) {
            self.note_media_public(csid, ts);
        }
        let kind = if matches!(type_id, msg::AUDIO | msg::VIDEO) {
            PacketKind::Media
        } else {
            self.client_packet(&Message { type_id, csid, timestamp: ts, stream_id: sid, body })
        };
        match kind {
            PacketKind::StreamEnd => {
                log::debug!("Got Play.Complete or Play.Stop from server. Assuming stream is complete");
                Some(Step::End(readflag::COMPLETE))
            }
            PacketKind::None => {
                if !self.is_connected() {
                    return Some(Step::End(readflag::EOF));
                }
                if type_id == msg::CONTROL && self.stream_eof(body) {
                    // Ends like Play.Stop does in librtmp: the connection closes, so callers
                    // that loop while RTMP_IsConnected stop too.
                    log::debug!("Stream EOF from the server: the stream is complete");
                    self.close(false);
                    return Some(Step::End(readflag::COMPLETE));
                }
                None
            }
            PacketKind::Media => {
                if self.skip_while_unpausing(ts) {
                    return None;
                }
                self.st.playing = true;
                let Session { read, link, .. } = self;
                Some(convert(read, link.lflags, type_id, ts, body, out))
            }
        }
    }

    /// `c` began a large audio or video message: its tag header goes to the caller now and its
    /// body follows as it is read from the socket straight into the caller's buffer (this call's
    /// and the next ones'), so its bytes are never copied. None: it goes the usual way.
    fn start_open_tag(&mut self, c: &crate::chunk::Chunk, out: &mut [u8]) -> Option<Step> {
        let len = c.message.length as usize;
        if !matches!(c.message.type_id, msg::AUDIO | msg::VIDEO)
            || self.read.flags & (readflag::RESUME | readflag::SEEKING) != 0
            || out.len() <= flv::TAG_HEADER_LEN
        {
            return None;
        }
        let p = self.conn.as_mut()?.begin_payload(c.csid)?;
        self.note_media_public(c.csid, p.timestamp);
        if self.skip_while_unpausing(p.timestamp) {
            self.conn.as_mut()?.cancel_payload();
            return None;
        }
        self.st.playing = true;
        let type_id = c.message.type_id;
        let read = &mut self.read;
        read.data_type |= (u8::from(type_id == msg::AUDIO) << 2) | u8::from(type_id == msg::VIDEO);
        let last_ts = read.resume_ts.wrapping_add(p.timestamp);
        read.timestamp = if self.link.lflags & lf::LIVE != 0 { p.timestamp } else { last_ts };
        out[..flv::TAG_HEADER_LEN].copy_from_slice(&flv::tag_header(type_id, len as u32, last_ts));
        read.open = Some((len, len));
        Some(match self.continue_open_tag(&mut out[flv::TAG_HEADER_LEN..]) {
            Step::Bytes(n) => Step::Bytes(flv::TAG_HEADER_LEN + n),
            other => other,
        })
    }

    /// Reads more of the open tag's body into `out`, and its trailer once the body is complete.
    fn continue_open_tag(&mut self, out: &mut [u8]) -> Step {
        let Some((len, left)) = self.read.open else { return Step::Ignore };
        let n = left.min(out.len());
        let r = match self.conn.as_mut() {
            Some(c) => c.read_payload(&mut out[..n]),
            None => return Step::End(readflag::EOF),
        };
        if let Err(e) = r {
            // Part of the tag is with the caller already and the stream cannot go on from here.
            // The tag is completed with zeros and its trailer, so that what the caller writes
            // stays a well-formed FLV (rtmpdump's --resume reads it back tag by tag); the end of
            // the stream is reported after them.
            self.read.open = None;
            log::error!(
                "RTMP_Read: {e} in the middle of a {len}-byte message; the rest of its tag ({left} bytes) is \
                 zero-filled"
            );
            let e = self.read_failed_quiet(e);
            if self.is_connected() {
                self.close(false);
            }
            let end = self.read_end(e);
            if let Step::End(status) = end {
                self.read.status = status;
            }
            let mut fill = vec![0u8; left];
            fill.extend_from_slice(&flv::prev_tag_size(len as u32));
            let k = fill.len().min(out.len());
            out[..k].copy_from_slice(&fill[..k]);
            self.read.pending.clear();
            self.read.pending_pos = 0;
            self.read.pending.extend_from_slice(&fill[k..]);
            return Step::Bytes(k);
        }
        if let Err(e) = self.account_bytes() {
            self.read.open = None;
            return self.read_end(e);
        }
        if n < left {
            self.read.open = Some((len, left - n));
            return Step::Bytes(n);
        }
        self.read.open = None;
        let trailer = flv::prev_tag_size(len as u32);
        let k = trailer.len().min(out.len() - n);
        out[n..n + k].copy_from_slice(&trailer[..k]);
        self.read.pending.extend_from_slice(&trailer[k..]);
        Step::Bytes(n + k)
    }

    fn release(&mut self, csid: u32) {
        if let Some(c) = self.conn.as_mut() {
            c.reader.release(csid);
        }
    }

    fn note_media_public(&mut self, csid: u32, ts: u32) {
        if self.rebase_at.is_some() {
            self.rebase_after_switch(ts);
        }
        if self.st.media_channel == 0 {
            self.st.media_channel = csid as i32;
        }
        if self.st.pausing == 0 {
            self.st.media_stamp = ts;
        }
    }

    /// After the pause/unpause trick the server resends what was already delivered: drop media
    /// up to the last timestamp seen (GetNextMediaPacket with m_pausing == 3). Likewise after a
    /// live player's switch to a server that starts from earlier on the same timeline.
    fn skip_while_unpausing(&mut self, ts: u32) -> bool {
        if self.st.pausing == 3 {
            if ts <= self.st.media_stamp {
                return true;
            }
            self.st.pausing = 0;
        }
        if let Some(until) = self.drop_until {
            let out = ts.wrapping_add(self.read.resume_ts);
            if out <= until {
                return true;
            }
            // (audio and video interleave a little out of order: a second past, all is new)
            if out > until.saturating_add(1000) {
                self.drop_until = None;
            }
        }
        false
    }

    /// A Stream EOF user control for our stream while neither pausing nor seeking: a recorded
    /// stream has ended (nginx-rtmp sends it without Play.Stop when a VOD file ends, and also when
    /// it stops the stream to pause or seek).
    fn stream_eof(&self, body: &[u8]) -> bool {
        body.len() >= 6
            && body[0..2] == [0, 1]
            && self.st.pausing == 0
            && self.read.flags & readflag::SEEKING == 0
            && self.st.stream_id > 0
            && u32::from_be_bytes([body[2], body[3], body[4], body[5]]) == self.st.stream_id as u32
            && self.link.lflags & lf::LIVE == 0
    }

    fn read_failed_quiet(&mut self, e: ConnError) -> ConnError {
        if matches!(e, ConnError::Timeout) {
            self.st.timed_out = true;
        }
        e
    }

    /// A read that ended. A timeout is the end of the stream (EOF, with `timed_out` set), as in
    /// librtmp. A connection that breaks while playing, without the server having said the stream
    /// ended (Play.Stop/Complete, UnpublishNotify, Stream EOF), is an error: the original reported
    /// it as a normal end, so a truncated download looked complete.
    fn read_end(&mut self, e: ConnError) -> Step {
        if !matches!(e, ConnError::Timeout) && self.is_connected() {
            self.close(false);
        }
        if self.st.timed_out && self.st.pausing == 0 {
            self.st.pause_stamp = self.media_channel_timestamp();
        }
        match e {
            ConnError::Timeout | ConnError::Interrupted => Step::End(readflag::EOF),
            _ if self.closed_locally() => {
                log::debug!("RTMP_Read: the handle was closed by another thread");
                Step::End(readflag::EOF)
            }
            other => {
                log::error!("RTMP_Read: the connection broke off before the stream ended: {other}");
                Step::End(readflag::ERROR)
            }
        }
    }
}

/// Read_1_Packet's conversion of one media message into FLV, into `out` when it fits (the rest of
/// a bigger tag goes to `read.pending`).
fn convert(read: &mut super::ReadState, lflags: i32, type_id: u8, ts: u32, body: &[u8], out: &mut [u8]) -> Step {
    read.data_type |= (u8::from(type_id == msg::AUDIO) << 2) | u8::from(type_id == msg::VIDEO);
    if read.flags & readflag::SEEKING != 0 {
        return Step::Ignore;
    }
    let mut body = body;
    if read.flags & readflag::RESUME != 0 {
        if let Some(step) = resume_filter(read, type_id, ts, &mut body) {
            return step;
        }
    }

    let mut tmp = Vec::new();
    let last_ts;
    if type_id == msg::FLASH_VIDEO {
        let base = ts.wrapping_add(read.resume_ts);
        for pos in tag_positions(body) {
            read.data_type |= (u8::from(body[pos] == msg::AUDIO) << 2) | u8::from(body[pos] == msg::VIDEO);
        }
        match flv::rebase_aggregate(body, base, &mut tmp) {
            Some(t) => last_ts = t,
            None => {
                log::error!("Wrong data size in an aggregate message, stream corrupted, aborting!");
                return Step::End(readflag::ERROR);
            }
        }
    } else {
        last_ts = read.resume_ts.wrapping_add(ts);
    }
    read.timestamp = if lflags & lf::LIVE != 0 { ts } else { last_ts };

    if type_id == msg::FLASH_VIDEO {
        return place(read, out, &[&tmp]);
    }
    let header = flv::tag_header(type_id, body.len() as u32, last_ts);
    let trailer = flv::prev_tag_size(body.len() as u32);
    place(read, out, &[&header, body, &trailer])
}

/// Copies `parts` to `out`, what does not fit to the pending buffer.
fn place(read: &mut super::ReadState, out: &mut [u8], parts: &[&[u8]]) -> Step {
    let mut written = 0;
    for part in parts {
        let n = part.len().min(out.len() - written);
        out[written..written + n].copy_from_slice(&part[..n]);
        written += n;
        if n < part.len() {
            read.pending.extend_from_slice(&part[n..]);
        }
    }
    Step::Bytes(written)
}

/// Offsets of the tags inside an aggregate body (stops at the first that does not fit).
fn tag_positions(body: &[u8]) -> Vec<usize> {
    let mut v = Vec::new();
    let mut pos = 0;
    while pos + 11 < body.len() {
        let size = (usize::from(body[pos + 1]) << 16) | (usize::from(body[pos + 2]) << 8) | usize::from(body[pos + 3]);
        if pos + 11 + size > body.len() {
            break;
        }
        v.push(pos);
        pos += 11 + size + 4;
    }
    v
}

/// rtmpdump's resume (-e): the server restarts at the keyframe the partial file ends with; check
/// the metadata and that keyframe, then skip what the file already has. `None`: convert `body`
/// (possibly shortened); `Some(step)`: stop here.
fn resume_filter(read: &mut super::ReadState, type_id: u8, ts: u32, body: &mut &[u8]) -> Option<Step> {
    if ts == 0 {
        if !read.meta_header.is_empty() && type_id == msg::INFO {
            let is_meta = crate::amf::amf0::decode_object(body, false, &mut ())
                .ok()
                .and_then(|(o, _)| o.props.first().and_then(|p| p.value.as_str()).map(|s| s == b"onMetaData"))
                .unwrap_or(false);
            if is_meta && read.meta_header[..] != body[..] {
                log::error!("Resume: the stream's metadata differs from the file's: cannot resume");
                return Some(Step::End(readflag::ERROR));
            }
        }
        if !read.initial_frame.is_empty() {
            if type_id == read.initial_frame_type
                && read.initial_frame.len() == body.len()
                && read.initial_frame[..] == body[..]
            {
                log::debug!("Checked keyframe successfully!");
                read.flags |= readflag::GOTKF;
                return Some(Step::Ignore);
            }
            if type_id == msg::FLASH_VIDEO {
                let mut found = false;
                let mut last = 0u32;
                for pos in tag_positions(body) {
                    let size = (usize::from(body[pos + 1]) << 16)
                        | (usize::from(body[pos + 2]) << 8)
                        | usize::from(body[pos + 3]);
                    let t = (u32::from(body[pos + 7]) << 24)
                        | (u32::from(body[pos + 4]) << 16)
                        | (u32::from(body[pos + 5]) << 8)
                        | u32::from(body[pos + 6]);
                    last = t;
                    if body[pos] == read.initial_frame_type {
                        if t == read.resume_ts {
                            log::debug!("Found keyframe with resume-keyframe timestamp!");
                            if read.initial_frame[..] != body[pos + 11..pos + 11 + size] {
                                log::error!("FLV Stream: Keyframe doesn't match!");
                                return Some(Step::End(readflag::ERROR));
                            }
                            read.flags |= readflag::GOTFLVK;
                            let skip = pos + 11 + size + 4;
                            if skip > body.len() {
                                log::warn!("Non skipable packet since it doesn't end with chunk, stream corrupt!");
                                return Some(Step::End(readflag::ERROR));
                            }
                            *body = &body[skip..];
                            found = true;
                            break;
                        } else if read.resume_ts < t {
                            break;
                        }
                    }
                }
                if !found && last < read.resume_ts {
                    log::error!(
                        "First packet does not contain keyframe, all timestamps are smaller than the keyframe \
                         timestamp; probably the resume seek failed?"
                    );
                }
                if read.flags & readflag::GOTFLVK == 0 {
                    log::error!("Couldn't find the seeked keyframe in this chunk!");
                    return Some(Step::Ignore);
                }
            }
        }
    }
    if ts > 0 && read.flags & (readflag::GOTKF | readflag::GOTFLVK) != 0 {
        read.flags |= readflag::GOTKF | readflag::GOTFLVK;
    }
    if read.flags & readflag::GOTKF == 0 && type_id != msg::FLASH_VIDEO {
        log::warn!("Stream does not start with requested frame, ignoring data... ");
        read.ignored_frames += 1;
        return Some(if read.ignored_frames > MAX_IGNORED_FRAMES { Step::End(readflag::ERROR) } else { Step::Ignore });
    }
    if read.flags & readflag::GOTFLVK == 0 && type_id == msg::FLASH_VIDEO {
        log::warn!("Stream does not start with requested FLV frame, ignoring data... ");
        read.ignored_flv_frames += 1;
        return Some(if read.ignored_flv_frames > MAX_IGNORED_FRAMES {
            Step::End(readflag::ERROR)
        } else {
            Step::Ignore
        });
    }
    if read.flags & readflag::NO_IGNORE == 0 && type_id != msg::FLASH_VIDEO {
        if ts == 0 {
            return Some(Step::Ignore);
        }
        read.flags |= readflag::NO_IGNORE;
    }
    None
}
