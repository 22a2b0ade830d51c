//! Following a server's ReconnectRequest (E-RTMP v2): the server asks the client to move to
//! another tcUrl (a server being drained, a better edge). Only a client that announced Reconnect
//! in `capsEx` follows it; any other logs it and stays, as before.
//!
//! The new connection is a whole session of its own until it has started the stream: if it
//! fails, the old connection serves on (the spec asks the old server to wait for the client to
//! leave) and the failure is logged. Once it has started, the old stream is deleted, the old
//! connection closed, and the new one takes its place under the same handle.
//! - A player switches at once. A recorded stream is played again from where it stopped (what the
//!   server sends again up to there is dropped); a live stream's timestamps are shifted, if need
//!   be, so that RTMP_Read's FLV never goes back in time. The FLV goes on with no second header.
//! - A publisher keeps writing on the old connection up to the next video keyframe (the next
//!   audio tag when it has sent no video), publishes the same name on the new one, sends the last
//!   metadata and the latest sequence header of every codec and track there, then the keyframe.
//!   Sent back to the same server, app and name (a request without tcUrl), it cannot publish
//!   beside itself: servers take one publisher per name. The new connection is then made up to
//!   createStream, the old stream ended and its connection closed (waiting for the server to
//!   close its side, so that it has let the name go), and only then is the name published again.

use super::{feature, lf, msg, Session};
use crate::amf::Object;
use crate::enhanced::{caps, resolve_tc_url, tag, Target};

/// What a publisher keeps to start again on another server.
#[derive(Debug, Default)]
pub struct Republish {
    /// The body of the last script data tag (sent again behind `@setDataFrame`).
    metadata: Option<Vec<u8>>,
    /// The latest sequence header of each codec and track: (key, tag type, body).
    headers: Vec<(Vec<u8>, u8, Vec<u8>)>,
    seen_video: bool,
}

impl Session {
    /// onStatus NetConnection.Connect.ReconnectRequest; `info` is its information object.
    pub(super) fn on_reconnect_request(&mut self, info: &Object<'_>) {
        let tc_url = info.get(b"tcUrl").and_then(|p| p.value.as_str());
        let why = info.get(b"description").and_then(|p| p.value.as_str()).unwrap_or(b"");
        let why = String::from_utf8_lossy(why);
        let whither = tc_url.map_or("here again".into(), |t| format!("to {}", String::from_utf8_lossy(t)));
        if !self.link.enhanced.has(caps::RECONNECT) {
            log::info!(
                "the server asks us to reconnect {whither} ({why}): ignored, capsEx does not announce Reconnect"
            );
            return;
        }
        if self.switching {
            log::warn!("a ReconnectRequest while reconnecting: ignored");
            return;
        }
        match resolve_tc_url(&self.link.tc_url, tc_url) {
            Ok(t) => {
                let when = if self.link.publishing() { " at the next keyframe" } else { "" };
                log::info!(
                    "the server asks us to reconnect ({why}): moving to {}{when}",
                    String::from_utf8_lossy(&t.tc_url)
                );
                self.reconnect = Some(t);
                if !self.link.publishing() {
                    self.switch_player();
                }
            }
            Err(e) => log::warn!("ReconnectRequest: {e}: ignored"),
        }
    }

    /// Connects to `t` as this session would (same options, same stream) and starts the stream
    /// there; the new session, or why not. `hold`: a publisher stops short of publishing, its
    /// stream created (`publish_held` goes on).
    fn open_elsewhere(&self, t: &Target, hold: bool) -> Result<Session, String> {
        let mut new = Session::new(self.interrupted);
        new.switching = true;
        new.hold_publish = hold;
        // (createStream's answer sets it: `await_stream_created` waits for that)
        new.st.stream_id = -1;
        new.link = self.link.clone();
        new.link.protocol = t.protocol | (self.link.protocol & feature::WRITE);
        new.link.hostname = t.host.clone();
        new.link.port = t.port;
        new.link.app = t.app.clone();
        new.link.tc_url = t.tc_url.clone();
        new.link.lflags &= !(lf::FTCU | lf::FAPU);
        new.st.audio_codecs = self.st.audio_codecs;
        new.st.video_codecs = self.st.video_codecs;
        new.st.encoding = self.st.encoding;
        new.st.send_encoding = self.st.send_encoding;
        new.st.buffer_ms = self.st.buffer_ms;
        let recorded = !self.link.publishing() && self.link.lflags & lf::LIVE == 0;
        if recorded {
            new.link.seek_time = self.st.media_stamp as i32;
        }
        new.open(None).map_err(|e| format!("cannot connect: {e}"))?;
        if hold {
            new.await_stream_created().map_err(|e| format!("no stream was created there: {e}"))?;
        } else {
            new.connect_stream(0).map_err(|e| format!("the stream did not start there: {e}"))?;
        }
        Ok(new)
    }

    /// Reads the server's messages until it has answered createStream.
    fn await_stream_created(&mut self) -> Result<(), super::Error> {
        while self.is_connected() && self.st.stream_id < 0 {
            let m = match self.next_message() {
                Ok(m) => super::OwnedMessage::from(&m),
                Err(_) => break,
            };
            if !m.body.is_empty() {
                self.client_packet(&m.as_message());
            }
        }
        if self.is_connected() && self.st.stream_id >= 0 {
            Ok(())
        } else {
            Err(super::Error::StreamNotStarted)
        }
    }

    /// The held publish of `open_elsewhere`, once the old stream has ended.
    fn publish_held(&mut self) -> Result<(), String> {
        self.hold_publish = false;
        self.send_publish().map_err(|e| format!("cannot publish: {e}"))?;
        self.connect_stream(0).map_err(|e| format!("the stream did not start there: {e}"))
    }

    /// Says goodbye on the current connection (FCUnpublish, deleteStream) and closes it; `wait`:
    /// until the server has closed its side too (bounded by the timeout, at most 5 s).
    fn leave_connection(&mut self, wait: bool) {
        let id = self.st.stream_id;
        if id > 0 {
            self.leaving = true;
            if self.link.publishing() {
                let _ = self.send_fc_unpublish();
            }
            let _ = self.send_delete_stream(id);
            self.leaving = false;
        }
        if let Some(mut old) = self.conn.take() {
            let limit = std::time::Duration::from_secs(5);
            if wait && !old.close_and_wait(self.io_timeout().map_or(limit, |t| t.min(limit))) {
                log::warn!("the old connection was not closed by the server in time; publishing again anyway");
            } else if !wait {
                old.transport_mut().close_notify();
                old.transport().shutdown();
            }
        }
    }

    /// Leaves the old connection, if it is still there, and goes on with the new one's.
    fn adopt_elsewhere(&mut self, mut new: Session) {
        self.leave_connection(false);
        self.conn = new.conn.take();
        let n = &new.st;
        self.st.in_chunk_size = n.in_chunk_size;
        self.st.out_chunk_size = n.out_chunk_size;
        self.st.stream_id = n.stream_id;
        self.st.server_bw = n.server_bw;
        self.st.client_bw = n.client_bw;
        self.st.client_bw2 = n.client_bw2;
        self.st.bytes_in = n.bytes_in;
        self.st.bytes_in_sent = n.bytes_in_sent;
        self.st.num_invokes = n.num_invokes;
        self.st.bw_check_counter = n.bw_check_counter;
        self.st.playing = true;
        self.st.timed_out = false;
        self.calls = std::mem::take(&mut new.calls);
        self.changes.calls = true;
        self.link.protocol = new.link.protocol;
        self.link.hostname = std::mem::take(&mut new.link.hostname);
        self.link.port = new.link.port;
        self.link.app = std::mem::take(&mut new.link.app);
        self.link.tc_url = std::mem::take(&mut new.link.tc_url);
        self.changes.link_rewritten = true;
        // What the C struct holds of the old connection (its chunk streams, its calls) goes.
        self.changes.closed = Some(self.changes.closed.unwrap_or(true));
        self.server_caps = new.server_caps.take();
        log::info!("reconnected to {}", String::from_utf8_lossy(&self.link.tc_url));
    }

    /// A player follows the request at once.
    fn switch_player(&mut self) {
        let Some(t) = self.reconnect.take() else { return };
        match self.open_elsewhere(&t, false) {
            Ok(new) => {
                let live = self.link.lflags & lf::LIVE != 0;
                let last_out =
                    if live { self.read.timestamp.wrapping_add(self.read.resume_ts) } else { self.read.timestamp };
                self.adopt_elsewhere(new);
                if live {
                    self.rebase_at = Some(last_out);
                } else {
                    // The server plays from the keyframe before where we stopped: what we had
                    // already delivered is dropped as after an unpause.
                    self.st.pausing = 3;
                }
            }
            Err(e) => log::error!(
                "ReconnectRequest: {} failed ({e}); staying on {}",
                String::from_utf8_lossy(&t.tc_url),
                String::from_utf8_lossy(&self.link.tc_url)
            ),
        }
    }

    /// The first media message on a live stream's new connection, against the last FLV timestamp
    /// delivered: a little earlier (up to SAME_TIMELINE_MS) is the same stream from a server's GOP
    /// cache, whose repeat is dropped, so that a decoder goes on without a seam; much earlier is
    /// another timeline (the stream started again there), shifted to go on from here; later is a
    /// gap, passed as it is.
    pub(super) fn rebase_after_switch(&mut self, ts: u32) {
        const SAME_TIMELINE_MS: u32 = 10_000;
        if let Some(last) = self.rebase_at.take() {
            let out = ts.wrapping_add(self.read.resume_ts);
            if out < last.saturating_sub(SAME_TIMELINE_MS) {
                self.read.resume_ts = last.wrapping_sub(ts);
                log::debug!("reconnected: live timestamps shifted by {} ms", self.read.resume_ts);
            } else if out <= last {
                log::debug!("reconnected: the new connection repeats {} ms already delivered: dropped", last - out);
                self.drop_until = Some(last);
            }
        }
    }

    /// A publisher with Reconnect in capsEx looks at what the server sent, without waiting: the
    /// only way it sees a ReconnectRequest, since RTMP_Write never reads.
    pub(super) fn poll_server(&mut self) {
        loop {
            let r = match self.conn.as_mut() {
                Some(c) => c.try_next_chunk(),
                None => return,
            };
            match r {
                Ok(Some(c)) => {
                    if let Err(e) = self.account_bytes() {
                        log::warn!("RTMP_Write: cannot acknowledge what the server sent: {e}");
                    }
                    if c.complete {
                        let Some(conn) = self.conn.as_mut() else { return };
                        let body = conn.message_body(&c).to_vec();
                        conn.reader.release(c.csid);
                        let m = super::Message {
                            type_id: c.message.type_id,
                            csid: c.csid,
                            timestamp: c.message.timestamp,
                            stream_id: c.message.stream_id,
                            body: &body,
                        };
                        if !body.is_empty() {
                            self.client_packet(&m);
                        }
                    }
                }
                Ok(None) => match self.conn.as_mut().map(|c| c.fill_if_ready()) {
                    Some(Ok(true)) => continue,
                    Some(Ok(false)) | None => return,
                    Some(Err(e)) => {
                        // The write that follows meets the same broken connection and reports it.
                        log::debug!("RTMP_Write: reading what the server sent: {e}");
                        return;
                    }
                },
                Err(e) => {
                    log::warn!("RTMP_Write: what the server sent cannot be read: {e}");
                    return;
                }
            }
        }
    }

    /// Before a publisher sends tag (`tag_type`, `body`): keeps its sequence headers and metadata,
    /// and switches servers when a ReconnectRequest waits and this tag is where to.
    pub(super) fn before_publishing(&mut self, tag_type: u8, timestamp: u32, body: &[u8]) {
        if tag_type == msg::INFO {
            self.republish.metadata = Some(body.to_vec());
            return;
        }
        let info = tag::classify(tag_type, body);
        if let Some(key) = info.header {
            let r = &mut self.republish.headers;
            match r.iter_mut().find(|h| h.0 == key) {
                Some(h) => h.2 = body.to_vec(),
                None => r.push((key, tag_type, body.to_vec())),
            }
        }
        let boundary = info.keyframe || (tag_type == msg::AUDIO && !self.republish.seen_video);
        self.republish.seen_video |= tag_type == msg::VIDEO;
        if !boundary || self.reconnect.is_none() {
            return;
        }
        let Some(t) = self.reconnect.take() else { return };
        let same_stream =
            t.host.eq_ignore_ascii_case(&self.link.hostname) && t.port == self.link.port && t.app == self.link.app;
        match self.open_elsewhere(&t, same_stream) {
            Ok(mut new) => {
                let chunk_size = self.st.out_chunk_size;
                if same_stream {
                    self.leave_connection(true);
                    if let Err(e) = new.publish_held() {
                        log::error!(
                            "ReconnectRequest: {} failed ({e}) after the old stream had ended there; the stream is lost",
                            String::from_utf8_lossy(&t.tc_url)
                        );
                        self.close(false);
                        return;
                    }
                }
                self.adopt_elsewhere(new);
                if let Err(e) = self.replay_headers(chunk_size, timestamp) {
                    log::error!("reconnected, but the stream's headers could not be sent again: {e}");
                }
            }
            Err(e) => log::error!(
                "ReconnectRequest: {} failed ({e}); publishing on to {}",
                String::from_utf8_lossy(&t.tc_url),
                String::from_utf8_lossy(&self.link.tc_url)
            ),
        }
    }

    /// On the new connection: the chunk size in use, the metadata and every sequence header, all
    /// at the switch's timestamp so that no stream goes back in time.
    fn replay_headers(&mut self, chunk_size: i32, ts: u32) -> Result<(), crate::conn::ConnError> {
        if chunk_size != super::DEFAULT_CHUNK_SIZE {
            self.send_chunk_size(chunk_size)?;
        }
        let id = self.st.stream_id.max(0) as u32;
        let meta = self.republish.metadata.clone();
        if let Some(body) = meta {
            let mut frame = Vec::with_capacity(body.len() + 16);
            let _ = crate::amf::encode::string(&mut frame, b"@setDataFrame");
            frame.extend_from_slice(&body);
            let m = super::Message {
                type_id: msg::INFO,
                csid: super::write::AUDIO_CSID,
                timestamp: ts,
                stream_id: id,
                body: &frame,
            };
            self.send_packet(&m, true, false)?;
        }
        let headers = self.republish.headers.clone();
        for (_, tag_type, body) in &headers {
            let csid = if *tag_type == msg::VIDEO { super::write::VIDEO_CSID } else { super::write::AUDIO_CSID };
            let m = super::Message { type_id: *tag_type, csid, timestamp: ts, stream_id: id, body };
            self.send_packet(&m, true, false)?;
        }
        log::debug!("reconnected: sent again the metadata and {} sequence headers", headers.len());
        Ok(())
    }
}
