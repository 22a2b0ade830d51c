//! What the client does with each message from the server (RTMP_ClientPacket): protocol control,
//! user control, replies to its commands, status events, and metadata.

use super::{lf, msg, readflag, Message, OwnedMessage, Session};
use crate::amf::{amf0, Object, Value};
use crate::conn::ConnError;

/// RTMP_ClientPacket's result.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PacketKind {
    /// Nothing for the caller (control, replies).
    None = 0,
    /// Audio, video, an aggregate, or onMetaData.
    Media = 1,
    /// The stream ended (Play.Complete/Stop, UnpublishNotify, onFCUnsubscribe).
    StreamEnd = 2,
}

fn be32(b: &[u8], at: usize) -> Option<u32> {
    b.get(at..at + 4).map(|s| u32::from_be_bytes([s[0], s[1], s[2], s[3]]))
}

/// Whether a protocol control message has the bytes its kind needs; a short one is named in a
/// warning (and then ignored, as the original ignores it, silently).
fn long_enough(body: &[u8], need: usize, what: &str) -> bool {
    if body.len() >= need {
        return true;
    }
    log::warn!("{what} of {} bytes is too short (it needs {need}): ignored", body.len());
    false
}

fn status_strings<'o>(obj: &'o Object<'_>) -> (&'o [u8], &'o [u8], &'o [u8]) {
    let info = obj.props.get(3).and_then(|p| p.value.as_object());
    let get = |n: &[u8]| info.and_then(|o| o.get(n)).and_then(|p| p.value.as_str()).unwrap_or(b"");
    (get(b"code"), get(b"level"), get(b"description"))
}

impl Session {
    /// Handles one complete message and says what kind it was.
    /// RTMP_GetNextMediaPacket: the next media message (audio, video, metadata, aggregate),
    /// handling every other message on the way. After a toggle, media the server sends again
    /// up to where the stream stopped is dropped. A read that times out while the stream plays
    /// records where it stopped, for the next toggle.
    pub fn next_media(&mut self) -> Result<(PacketKind, OwnedMessage), ConnError> {
        loop {
            let m = match self.next_message() {
                Ok(m) => OwnedMessage::from(&m),
                Err(e) => {
                    if self.st.timed_out && self.st.pausing == 0 {
                        self.st.pause_stamp = self.media_channel_timestamp();
                    }
                    return Err(e);
                }
            };
            if m.body.is_empty() {
                continue;
            }
            match self.client_packet(&m.as_message()) {
                PacketKind::None => continue,
                kind => {
                    if self.st.pausing == 3 {
                        if m.timestamp <= self.st.media_stamp {
                            continue;
                        }
                        self.st.pausing = 0;
                    }
                    self.st.playing = true;
                    return Ok((kind, m));
                }
            }
        }
    }

    pub fn client_packet(&mut self, m: &Message<'_>) -> PacketKind {
        match m.type_id {
            msg::CHUNK_SIZE => {
                if let Some(size) =
                    long_enough(m.body, 4, "a Set Chunk Size message").then(|| be32(m.body, 0)).flatten()
                {
                    let size = size as i32;
                    if size <= 0 {
                        // The original stores any value; a non-positive chunk size would make the
                        // stream unreadable, so it is refused and the connection ends.
                        log::error!("server sent an invalid chunk size {size}; closing");
                        self.close(false);
                        return PacketKind::None;
                    }
                    log::debug!("received: chunk size change to {size}");
                    self.st.in_chunk_size = size;
                    if let Some(c) = self.conn.as_mut() {
                        c.reader.set_chunk_size(size as u32);
                    }
                }
            }
            msg::ABORT => {
                if let (true, Some(csid), Some(c)) =
                    (long_enough(m.body, 4, "an Abort message"), be32(m.body, 0), self.conn.as_mut())
                {
                    c.reader.abort(csid);
                }
            }
            msg::BYTES_READ => {
                if long_enough(m.body, 4, "an Acknowledgement") {
                    log::debug!("received: bytes read report");
                }
            }
            msg::CONTROL => self.handle_ctrl(m.body),
            msg::SERVER_BW => {
                if let Some(v) =
                    long_enough(m.body, 4, "a Window Acknowledgement Size message").then(|| be32(m.body, 0)).flatten()
                {
                    self.st.server_bw = v as i32;
                    log::debug!("server BW = {}", self.st.server_bw);
                }
            }
            msg::CLIENT_BW => {
                if let Some(v) =
                    long_enough(m.body, 4, "a Set Peer Bandwidth message").then(|| be32(m.body, 0)).flatten()
                {
                    self.st.client_bw = v as i32;
                    self.st.client_bw2 = m.body.get(4).copied().unwrap_or(0xff);
                    log::debug!("client BW = {} {}", self.st.client_bw, self.st.client_bw2 as i8);
                }
            }
            msg::AUDIO | msg::VIDEO => {
                self.note_media(m.csid, m.timestamp);
                return PacketKind::Media;
            }
            msg::FLEX_STREAM_SEND => {
                log::debug!("flex stream send, size {} bytes, not supported, ignoring", m.body.len())
            }
            msg::FLEX_SHARED_OBJECT => {
                log::debug!("flex shared object, size {} bytes, not supported, ignoring", m.body.len())
            }
            msg::FLEX_MESSAGE => {
                log::debug!("flex message, size {} bytes, not fully supported", m.body.len());
                if m.body.len() > 1 && self.handle_invoke(&m.body[1..]) {
                    return PacketKind::StreamEnd;
                }
            }
            msg::INFO => {
                log::debug!("received: notify {} bytes", m.body.len());
                if self.handle_metadata(m.body) {
                    return PacketKind::Media;
                }
            }
            msg::SHARED_OBJECT => log::debug!("shared object, not supported, ignoring"),
            msg::INVOKE => {
                log::debug!("received: invoke {} bytes", m.body.len());
                if self.handle_invoke(m.body) {
                    return PacketKind::StreamEnd;
                }
            }
            msg::FLASH_VIDEO => {
                let mut ts = m.timestamp;
                let mut pos = 0usize;
                let b = m.body;
                while pos + 11 < b.len() {
                    let size =
                        (usize::from(b[pos + 1]) << 16) | (usize::from(b[pos + 2]) << 8) | usize::from(b[pos + 3]);
                    if pos + 11 + size + 4 > b.len() {
                        log::warn!("Stream corrupt?!");
                        break;
                    }
                    match b[pos] {
                        msg::INFO => {
                            self.handle_metadata(&b[pos + 11..pos + 11 + size]);
                        }
                        msg::AUDIO | msg::VIDEO => {
                            ts = (u32::from(b[pos + 7]) << 24)
                                | (u32::from(b[pos + 4]) << 16)
                                | (u32::from(b[pos + 5]) << 8)
                                | u32::from(b[pos + 6]);
                        }
                        _ => {}
                    }
                    pos += 11 + size + 4;
                }
                if self.st.pausing == 0 {
                    self.st.media_stamp = ts;
                }
                return PacketKind::Media;
            }
            other => log::warn!("unknown packet type received: 0x{other:02x} (ignored)"),
        }
        PacketKind::None
    }

    fn note_media(&mut self, csid: u32, timestamp: u32) {
        if self.st.media_channel == 0 {
            self.st.media_channel = csid as i32;
        }
        if self.st.pausing == 0 {
            self.st.media_stamp = timestamp;
        }
    }

    /// The absolute timestamp of the last message on the media chunk stream (m_channelTimestamp).
    pub fn media_channel_timestamp(&self) -> u32 {
        let ch = self.st.media_channel.max(0) as u32;
        self.conn.as_ref().and_then(|c| c.reader.stream(ch)).map_or(0, |s| s.last_timestamp)
    }

    fn handle_ctrl(&mut self, body: &[u8]) {
        if !long_enough(body, 2, "a User Control message") {
            return;
        }
        let kind = i32::from(i16::from_be_bytes([body[0], body[1]]));
        log::debug!("received ctrl. type: {kind}, len: {}", body.len());
        // Every event but the SWF verification request carries a 4-byte value.
        if kind != 0x1A && body.len() < 6 {
            log::warn!("a User Control event {kind} of {} bytes is too short (it needs 6): ignored", body.len());
        }
        if body.len() >= 6 {
            let v = be32(body, 2).unwrap_or(0);
            match kind {
                0 => log::debug!("Stream Begin {v}"),
                1 => {
                    log::debug!("Stream EOF {v}");
                    if self.st.pausing == 1 {
                        self.st.pausing = 2;
                    }
                }
                2 => log::debug!("Stream Dry {v}"),
                4 => log::debug!("Stream IsRecorded {v}"),
                6 => {
                    log::debug!("Ping {v}");
                    let _ = self.send_ctrl(7, v, 0);
                }
                31 => {
                    log::debug!("Stream BufferEmpty {v}");
                    if self.link.lflags & lf::BUFX != 0 {
                        // Pause and unpause at once: the server then sends its next buffer without
                        // waiting for it to play out (rtmpdump downloads as fast as it can).
                        if self.st.pausing == 0 {
                            self.st.pause_stamp = self.media_channel_timestamp();
                            let _ = self.send_pause(true, self.st.pause_stamp as i32);
                            self.st.pausing = 1;
                        } else if self.st.pausing == 2 {
                            let _ = self.send_pause(false, self.st.pause_stamp as i32);
                            self.st.pausing = 3;
                        }
                    }
                }
                32 => log::debug!("Stream BufferReady {v}"),
                _ => log::debug!("Stream xx {v}"),
            }
        }
        if kind == 0x1A {
            log::debug!("SWFVerification ping received");
            if body.len() > 2 && body[2] > 1 {
                log::error!("SWFVerification Type {} request not supported!", body[2]);
            } else if self.swf_response.is_some() {
                let _ = self.send_ctrl(0x1B, 0, 0);
            } else {
                log::error!("Ignoring SWFVerification request, use --swfVfy!");
            }
        }
    }

    /// Decodes onMetaData: duration, and which of audio/video the stream has. True if it was
    /// onMetaData (which RTMP_Read then passes on as a script tag).
    fn handle_metadata(&mut self, body: &[u8]) -> bool {
        let Ok((obj, _)) = amf0::decode_object(body, false, &mut ()) else {
            log::error!("error decoding meta data packet");
            return false;
        };
        if obj.props.first().and_then(|p| p.value.as_str()) != Some(b"onMetaData") {
            return false;
        }
        log::info!("Metadata:");
        dump_metadata(&obj);
        if let Some(Value::Number(d)) = obj.find_first(b"duration").map(|p| &p.value) {
            self.st.duration = *d;
        }
        if obj.find_prefix(b"video").is_some() {
            self.read.data_type |= 1;
        }
        if obj.find_prefix(b"audio").is_some() {
            self.read.data_type |= 4;
        }
        true
    }

    /// Finds and removes the queued call with transaction `txn`.
    fn take_call(&mut self, txn: i32) -> Option<Vec<u8>> {
        let i = self.calls.iter().position(|c| c.txn == txn)?;
        self.changes.calls = true;
        Some(self.calls.remove(i).name)
    }

    fn drop_call_named(&mut self, name: &[u8]) {
        if let Some(i) = self.calls.iter().position(|c| c.name == name) {
            self.calls.remove(i);
            self.changes.calls = true;
        }
    }

    /// Handles an invoke (or AMF3 command after its first byte). True when it ended the stream.
    fn handle_invoke(&mut self, body: &[u8]) -> bool {
        if body.first() != Some(&0x02) {
            log::warn!("HandleInvoke, Sanity failed. no string method in invoke packet");
            return false;
        }
        let Ok((obj, _)) = amf0::decode_object(body, false, &mut ()) else {
            log::error!("HandleInvoke, error decoding invoke packet");
            return false;
        };
        let method = obj.props.first().and_then(|p| p.value.as_str()).unwrap_or(b"").to_vec();
        let txn = obj.props.get(1).and_then(|p| p.value.as_number()).unwrap_or(0.0);
        log::debug!("HandleInvoke, server invoking <{}>", String::from_utf8_lossy(&method));
        match &method[..] {
            b"_result" => {
                let Some(invoked) = self.take_call(txn as i32) else {
                    log::debug!("HandleInvoke, received result id {txn:.6} without matching request");
                    return false;
                };
                log::debug!("HandleInvoke, received result for method call <{}>", String::from_utf8_lossy(&invoked));
                match &invoked[..] {
                    b"connect" => self.on_connected(&obj),
                    b"createStream" => {
                        let id = obj.props.get(3).and_then(|p| p.value.as_number()).unwrap_or(0.0);
                        // (The original casts whatever came: NaN or -1 became a stream id.)
                        if !(0.0..=f64::from(i32::MAX)).contains(&id) {
                            log::error!("createStream answered with {id}, which is not a stream id; closing");
                            self.close(false);
                            return false;
                        }
                        self.st.stream_id = id as i32;
                        if self.link.publishing() {
                            if !self.hold_publish {
                                let _ = self.send_publish();
                            }
                        } else {
                            if self.link.lflags & lf::PLST != 0 {
                                let _ = self.send_playlist();
                            }
                            let _ = self.send_play();
                            let (id, ms) = (self.st.stream_id as u32, self.st.buffer_ms as u32);
                            let _ = self.send_ctrl(3, id, ms);
                        }
                    }
                    b"play" | b"publish" => self.st.playing = true,
                    _ => {}
                }
            }
            b"onBWDone" => {
                if self.st.bw_check_counter == 0 {
                    let _ = self.send_check_bw();
                }
            }
            b"onFCSubscribe" => {}
            b"onFCUnsubscribe" => {
                self.close(false);
                return true;
            }
            b"ping" => {
                let _ = self.send_pong(txn);
            }
            b"_onbwcheck" => {
                let _ = self.send_check_bw_result(txn);
            }
            b"_onbwdone" => self.drop_call_named(b"_checkbw"),
            b"_error" => {
                let invoked = if self.link.publishing() { self.take_call(txn as i32) } else { None };
                let (code, _, description) = status_strings(&obj);
                if invoked.as_deref() == Some(b"connect") && super::auth::method_of(description).is_some() {
                    return self.publisher_auth(description);
                }
                match invoked {
                    Some(name) => log::error!(
                        "rtmp server sent error for {}: {} {}",
                        String::from_utf8_lossy(&name),
                        String::from_utf8_lossy(code),
                        String::from_utf8_lossy(description)
                    ),
                    None if code.is_empty() => log::error!("rtmp server sent error"),
                    None => log::error!(
                        "rtmp server sent error: {} {}",
                        String::from_utf8_lossy(code),
                        String::from_utf8_lossy(description)
                    ),
                }
            }
            b"close" => {
                log::error!("rtmp server requested close");
                self.close(false);
            }
            b"onStatus" => return self.on_status(&obj),
            b"playlist_ready" => self.drop_call_named(b"set_playlist"),
            other => log::debug!("HandleInvoke, unhandled method <{}>", String::from_utf8_lossy(other)),
        }
        false
    }

    /// The server refused a publisher's connect asking for authentication: reconnects with the
    /// answer appended to app and tcUrl (the reply to that connect may be the next challenge,
    /// handled here again), or closes when there is no answer. True when the stream ended.
    fn publisher_auth(&mut self, description: &[u8]) -> bool {
        match super::auth::answer(description, &self.link.app, &self.link.pub_user, &self.link.pub_passwd) {
            Ok(token) => {
                self.link.app.extend_from_slice(&token);
                self.link.tc_url.extend_from_slice(&token);
                self.changes.link_rewritten = true;
                let step =
                    if token.starts_with(b"?") { "the method and user name" } else { "the answer to the challenge" };
                log::info!("publisher authentication: reconnecting with {step}");
                self.close(true);
                if self.open(None).is_err() {
                    return true;
                }
                // The replies to this connect, including a further refusal, are handled by the
                // caller's loop (RTMP_ConnectStream) as they come.
                false
            }
            Err(e) => {
                log::error!("publisher authentication: {e}");
                self.close(false);
                true
            }
        }
    }

    /// After connect's `_result`: the secure token answer, then releaseStream/FCPublish or the
    /// window size and buffer length, createStream, and FCSubscribe for live streams.
    fn on_connected(&mut self, obj: &Object<'_>) {
        self.note_server_caps(obj);
        if !self.link.token.is_empty() {
            if let Some(Value::String(challenge)) = obj.find_first(b"secureToken").map(|p| &p.value) {
                let resp = crate::crypto::secure_token_decrypt(&self.link.token, challenge);
                let _ = self.send_secure_token_response(&resp);
            }
        }
        if self.link.publishing() {
            let _ = self.send_release_stream();
            let _ = self.send_fc_publish();
        } else {
            let _ = self.send_server_bw();
            let _ = self.send_ctrl(3, 0, 300);
        }
        let _ = self.send_create_stream();
        if !self.link.publishing() {
            if !self.link.usher_token.is_empty() {
                let t = self.link.usher_token.clone();
                let _ = self.send_usher_token(&t);
            }
            if !self.link.subscribe_path.is_empty() {
                let p = self.link.subscribe_path.clone();
                let _ = self.send_fc_subscribe(&p);
            } else if self.link.lflags & lf::LIVE != 0 {
                let p = self.link.playpath.clone();
                let _ = self.send_fc_subscribe(&p);
            }
        }
    }

    /// Keeps what the server said of Enhanced RTMP in connect's `_result` (its properties or its
    /// information object), and says it at INFO when we asked (or it told us anyway).
    fn note_server_caps(&mut self, obj: &Object<'_>) {
        let objs: Vec<&Object<'_>> = obj
            .props
            .iter()
            .skip(2)
            .filter_map(|p| match &p.value {
                Value::Object(o) | Value::EcmaArray(o) => Some(o),
                _ => None,
            })
            .collect();
        let caps = crate::enhanced::Capabilities::from_objects(&objs);
        if !caps.is_empty() {
            log::info!("the server's Enhanced RTMP: {}", caps.describe());
        } else if !self.link.enhanced.is_empty() {
            log::info!("the server's Enhanced RTMP: it answered none of the fields we announced");
        }
        self.server_caps = Some(caps);
    }

    fn on_status(&mut self, obj: &Object<'_>) -> bool {
        if obj.props.get(3).and_then(|p| p.value.as_object()).is_none() {
            log::warn!("onStatus without an info object: ignored");
            return false;
        }
        let (code, level, description) = status_strings(obj);
        log::debug!("HandleInvoke, onStatus: {}", String::from_utf8_lossy(code));
        match code {
            b"NetStream.Failed"
            | b"NetStream.Play.Failed"
            | b"NetStream.Play.StreamNotFound"
            | b"NetConnection.Connect.InvalidApp" => {
                self.st.stream_id = -1;
                let code = String::from_utf8_lossy(code).into_owned();
                self.close(false);
                log::error!("Closing connection: {code}");
            }
            b"NetStream.Play.Start" | b"NetStream.Play.PublishNotify" => {
                self.st.playing = true;
                self.drop_call_named(b"play");
            }
            b"NetStream.Publish.Start" => {
                self.st.playing = true;
                self.drop_call_named(b"publish");
            }
            b"NetStream.Play.Stop" if self.read.flags & readflag::SEEKING != 0 => {
                // nginx-rtmp stops the stream to seek (Stream EOF, Play.Stop, Seek.Notify, then
                // Play.Start): not the end. librtmp closed here, so seeking never worked with it.
                log::debug!("HandleInvoke, Play.Stop while seeking: waiting for the new position");
            }
            b"NetStream.Play.Complete" | b"NetStream.Play.Stop" | b"NetStream.Play.UnpublishNotify" => {
                self.close(false);
                return true;
            }
            b"NetConnection.Connect.ReconnectRequest" => {
                if let Some(info) = obj.props.get(3).and_then(|p| p.value.as_object()) {
                    self.on_reconnect_request(info);
                }
            }
            b"NetStream.Seek.Notify" => self.read.flags &= !readflag::SEEKING,
            b"NetStream.Pause.Notify" => {
                if self.st.pausing == 1 || self.st.pausing == 2 {
                    let _ = self.send_pause(false, self.st.pause_stamp as i32);
                    self.st.pausing = 3;
                }
            }
            _ => {
                // Errors the original lets pass silently (Publish.BadName, Connect.Rejected, …)
                // are at least logged, so the caller's failure has a reason.
                if level == b"error" {
                    log::error!("{}: {}", String::from_utf8_lossy(code), String::from_utf8_lossy(description));
                    if self.link.publishing() && code == b"NetStream.Publish.BadName" {
                        self.close(false);
                    }
                }
            }
        }
        false
    }
}

/// The "Metadata:" block librtmp logs at INFO (rtmpdump shows it): numbers with two decimals,
/// booleans as TRUE/FALSE, nested objects by name.
fn dump_metadata(obj: &Object<'_>) {
    for p in &obj.props {
        let name = String::from_utf8_lossy(p.name);
        let text = match &p.value {
            Value::Object(o) | Value::EcmaArray(o) | Value::StrictArray(o) => {
                if !p.name.is_empty() {
                    log::info!("{name}:");
                }
                dump_metadata(o);
                continue;
            }
            Value::Number(n) => format!("{n:.2}"),
            Value::Boolean(b) => (if *b { "TRUE" } else { "FALSE" }).to_string(),
            Value::String(s) => {
                let s = String::from_utf8_lossy(&s[..s.len().min(255)]).into_owned();
                s.strip_suffix('\n').map(str::to_string).unwrap_or(s)
            }
            Value::Date { millis, .. } => format!("timestamp:{millis:.2}"),
            other => format!("INVALID TYPE 0x{:02x}", other.type_code() as u8),
        };
        if !text.is_empty() && !p.name.is_empty() {
            log::info!("  {:<22}{}", name, text);
        }
    }
}
