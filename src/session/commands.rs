//! Commands the client sends, byte for byte as librtmp sends them (chunk stream, header type,
//! message stream, the queued-for-`_result` flag), plus the generic send used for C packets.

use super::{lf, msg, Call, Message, Session};
use crate::amf::encode;
use crate::chunk::OutMessage;
use crate::conn::ConnError;

/// Invoke bodies are small; a few that embed user strings may reach the original's 4 KiB limit.
const MAX_CONNECT_BODY: usize = 4096;

fn enc_err(e: impl core::fmt::Debug) -> ConnError {
    ConnError::Protocol(format!("cannot encode command: {e:?}"))
}

/// `name`, transaction id and a null command object: the start of every invoke.
fn invoke(name: &[u8], txn: f64) -> Vec<u8> {
    let mut b = Vec::with_capacity(64);
    let _ = encode::string(&mut b, name);
    let _ = encode::number(&mut b, txn);
    b.push(0x05);
    b
}

fn push_string(b: &mut Vec<u8>, s: &[u8]) -> Result<(), ConnError> {
    encode::string(b, s).map_err(enc_err)
}

impl Session {
    fn next_txn(&mut self) -> f64 {
        self.st.num_invokes += 1;
        f64::from(self.st.num_invokes)
    }

    /// Sends `m`. Invokes with `queue` are remembered until their `_result` (RTMP_SendPacket).
    pub fn send_packet(&mut self, m: &Message<'_>, force_large: bool, queue: bool) -> Result<(), ConnError> {
        if m.type_id == msg::INVOKE {
            if let Ok((obj, _)) = crate::amf::amf0::decode_object(m.body, false, &mut ()) {
                let name = obj.props.first().and_then(|p| p.value.as_str()).unwrap_or(b"");
                log::debug!("Invoking {}", String::from_utf8_lossy(name));
                if queue {
                    let txn = obj.props.get(1).and_then(|p| p.value.as_number()).unwrap_or(0.0);
                    self.calls.push(Call { name: name.to_vec(), txn: txn as i32 });
                    self.changes.calls = true;
                }
            }
        }
        let out = OutMessage {
            csid: m.csid,
            timestamp: m.timestamp,
            type_id: m.type_id,
            stream_id: m.stream_id,
            payload: m.body,
        };
        let r = self.conn()?.send_message(&out, force_large);
        if let Err(e) = &r {
            if self.leaving {
                log::warn!("RTMP_SendPacket: {e} (saying goodbye on a connection being left)");
            } else {
                log::error!("RTMP_SendPacket: {e}; closing the connection");
                // As the original: a failed send ends the connection. Part of the message may be
                // on the wire, so nothing more can follow it there, not even deleteStream.
                self.st.stream_id = 0;
                self.close(false);
            }
        }
        r
    }

    // Every argument is a field of the message librtmp builds; a struct would only rename them.
    #[allow(clippy::too_many_arguments)]
    fn send(
        &mut self,
        csid: u32,
        type_id: u8,
        stream_id: i32,
        timestamp: u32,
        body: &[u8],
        force_large: bool,
        queue: bool,
    ) -> Result<(), ConnError> {
        self.send_packet(&Message { type_id, csid, timestamp, stream_id: stream_id as u32, body }, force_large, queue)
    }

    /// The default connect command (channel 3, full header, queued), with the original's
    /// properties in the original's order, then the auth arguments and the `conn=` extras.
    pub fn send_connect(&mut self) -> Result<(), ConnError> {
        let txn = self.next_txn();
        let l = &self.link;
        let mut b = Vec::with_capacity(512);
        push_string(&mut b, b"connect")?;
        encode::number(&mut b, txn).map_err(enc_err)?;
        b.push(0x03);
        let named = |b: &mut Vec<u8>, n: &[u8], v: &[u8]| encode::named_string(b, n, v).map_err(enc_err);
        named(&mut b, b"app", &l.app)?;
        if l.publishing() {
            named(&mut b, b"type", b"nonprivate")?;
        }
        if !l.flash_ver.is_empty() {
            named(&mut b, b"flashVer", &l.flash_ver)?;
        }
        if !l.swf_url.is_empty() {
            named(&mut b, b"swfUrl", &l.swf_url)?;
        }
        if !l.tc_url.is_empty() {
            named(&mut b, b"tcUrl", &l.tc_url)?;
        }
        if !l.publishing() {
            encode::named_boolean(&mut b, b"fpad", false).map_err(enc_err)?;
            encode::named_number(&mut b, b"capabilities", 15.0).map_err(enc_err)?;
            encode::named_number(&mut b, b"audioCodecs", self.st.audio_codecs).map_err(enc_err)?;
            encode::named_number(&mut b, b"videoCodecs", self.st.video_codecs).map_err(enc_err)?;
            encode::named_number(&mut b, b"videoFunction", 1.0).map_err(enc_err)?;
            if !l.page_url.is_empty() {
                named(&mut b, b"pageUrl", &l.page_url)?;
            }
        }
        if self.st.encoding != 0.0 || self.st.send_encoding {
            encode::named_number(&mut b, b"objectEncoding", self.st.encoding).map_err(enc_err)?;
        }
        // E-RTMP's fields belong to the command object itself (conn= data comes after it).
        l.enhanced.encode_fields(&mut b).map_err(enc_err)?;
        b.extend_from_slice(&[0, 0, 0x09]);
        if !l.auth.is_empty() {
            encode::boolean(&mut b, l.lflags & lf::AUTH != 0).map_err(enc_err)?;
            push_string(&mut b, &l.auth)?;
        }
        b.extend_from_slice(&l.extras);
        log::debug!(
            "connect: app '{}', tcUrl '{}', {} bytes of extra arguments",
            String::from_utf8_lossy(&l.app),
            String::from_utf8_lossy(&l.tc_url),
            l.extras.len()
        );
        if b.len() > MAX_CONNECT_BODY {
            return Err(ConnError::Protocol(format!("connect command too large ({} bytes)", b.len())));
        }
        self.send(3, msg::INVOKE, 0, 0, &b, true, true)
    }

    pub fn send_create_stream(&mut self) -> Result<(), ConnError> {
        let b = invoke(b"createStream", self.next_txn());
        self.send(3, msg::INVOKE, 0, 0, &b, false, true)
    }

    fn send_playpath_command(&mut self, name: &[u8], queue: bool) -> Result<(), ConnError> {
        let mut b = invoke(name, self.next_txn());
        push_string(&mut b, &self.link.playpath.clone())?;
        self.send(3, msg::INVOKE, 0, 0, &b, false, queue)
    }

    pub fn send_release_stream(&mut self) -> Result<(), ConnError> {
        self.send_playpath_command(b"releaseStream", false)
    }

    pub fn send_fc_publish(&mut self) -> Result<(), ConnError> {
        self.send_playpath_command(b"FCPublish", false)
    }

    pub fn send_fc_unpublish(&mut self) -> Result<(), ConnError> {
        self.send_playpath_command(b"FCUnpublish", false)
    }

    pub fn send_delete_stream(&mut self, stream_id: i32) -> Result<(), ConnError> {
        let mut b = invoke(b"deleteStream", self.next_txn());
        encode::number(&mut b, f64::from(stream_id)).map_err(enc_err)?;
        self.send(3, msg::INVOKE, 0, 0, &b, false, false)
    }

    pub fn send_publish(&mut self) -> Result<(), ConnError> {
        let mut b = invoke(b"publish", self.next_txn());
        push_string(&mut b, &self.link.playpath.clone())?;
        push_string(&mut b, b"live")?;
        let id = self.st.stream_id;
        self.send(4, msg::INVOKE, id, 0, &b, true, true)
    }

    pub fn send_fc_subscribe(&mut self, path: &[u8]) -> Result<(), ConnError> {
        let mut b = invoke(b"FCSubscribe", self.next_txn());
        push_string(&mut b, path)?;
        self.send(3, msg::INVOKE, 0, 0, &b, false, true)
    }

    pub fn send_usher_token(&mut self, token: &[u8]) -> Result<(), ConnError> {
        let mut b = invoke(b"NetStream.Authenticate.UsherToken", self.next_txn());
        push_string(&mut b, token)?;
        self.send(3, msg::INVOKE, 0, 0, &b, false, false)
    }

    pub fn send_secure_token_response(&mut self, resp: &[u8]) -> Result<(), ConnError> {
        let mut b = invoke(b"secureTokenResponse", 0.0);
        push_string(&mut b, resp)?;
        self.send(3, msg::INVOKE, 0, 0, &b, false, false)
    }

    /// play(playpath, start, [len]) on chunk stream 8 of the new stream: start is -1000 for live,
    /// else the seek position; len is sent only with a stop time.
    pub fn send_play(&mut self) -> Result<(), ConnError> {
        let mut b = invoke(b"play", self.next_txn());
        push_string(&mut b, &self.link.playpath.clone())?;
        let start = if self.link.lflags & lf::LIVE != 0 {
            -1000.0
        } else if self.link.seek_time > 0 {
            f64::from(self.link.seek_time)
        } else {
            0.0
        };
        encode::number(&mut b, start).map_err(enc_err)?;
        if self.link.stop_time != 0 {
            encode::number(&mut b, f64::from(self.link.stop_time.wrapping_sub(self.link.seek_time)))
                .map_err(enc_err)?;
        }
        let id = self.st.stream_id;
        self.send(8, msg::INVOKE, id, 0, &b, true, true)
    }

    pub fn send_playlist(&mut self) -> Result<(), ConnError> {
        let mut b = invoke(b"set_playlist", 0.0);
        b.extend_from_slice(&[0x08, 0, 0, 0, 0x03]);
        encode::named_string(&mut b, b"0", &self.link.playpath).map_err(enc_err)?;
        b.extend_from_slice(&[0, 0, 0x09]);
        let id = self.st.stream_id;
        self.send(8, msg::INVOKE, id, 0, &b, true, true)
    }

    pub fn send_check_bw(&mut self) -> Result<(), ConnError> {
        let b = invoke(b"_checkbw", self.next_txn());
        self.send(3, msg::INVOKE, 0, 0, &b, true, false)
    }

    pub fn send_check_bw_result(&mut self, txn: f64) -> Result<(), ConnError> {
        let mut b = invoke(b"_result", txn);
        let counter = self.st.bw_check_counter;
        self.st.bw_check_counter += 1;
        encode::number(&mut b, f64::from(counter)).map_err(enc_err)?;
        self.send(3, msg::INVOKE, 0, 0x16 * counter as u32, &b, false, false)
    }

    pub fn send_pong(&mut self, txn: f64) -> Result<(), ConnError> {
        let b = invoke(b"pong", txn);
        let ts = 0x16 * self.st.bw_check_counter as u32;
        self.send(3, msg::INVOKE, 0, ts, &b, false, false)
    }

    /// pause(doPause, ms) on chunk stream 8 (the play stream's), queued.
    pub fn send_pause(&mut self, pause: bool, ms: i32) -> Result<(), ConnError> {
        let mut b = invoke(b"pause", self.next_txn());
        encode::boolean(&mut b, pause).map_err(enc_err)?;
        encode::number(&mut b, f64::from(ms)).map_err(enc_err)?;
        let id = self.st.stream_id;
        self.send(8, msg::INVOKE, id, 0, &b, false, true)
    }

    /// RTMP_Pause: pausing records where the media stopped.
    pub fn pause(&mut self, pause: bool, media_channel_ts: Option<u32>) -> Result<(), ConnError> {
        if pause {
            self.st.pause_stamp = media_channel_ts.unwrap_or(0);
        }
        self.send_pause(pause, self.st.pause_stamp as i32)
    }

    /// RTMP_ToggleStream: after a read timeout, rtmpdump nudges a server that stopped sending by
    /// pausing and unpausing the stream where it stopped (a second apart, as the original). A
    /// stream already paused is only unpaused. Media at or before the pause point is dropped
    /// afterwards (`next_media`).
    pub fn toggle_stream(&mut self) -> Result<(), ConnError> {
        if self.st.pausing == 0 {
            if self.st.timed_out && self.read.status == super::readflag::EOF {
                self.read.status = 0;
            }
            self.send_pause(true, self.st.pause_stamp as i32)?;
            self.st.pausing = 1;
            std::thread::sleep(std::time::Duration::from_secs(1));
        }
        let r = self.send_pause(false, self.st.pause_stamp as i32);
        self.st.pausing = 3;
        r
    }

    /// seek(ms): data is dropped until the server confirms with NetStream.Seek.Notify.
    pub fn send_seek(&mut self, ms: i32) -> Result<(), ConnError> {
        let mut b = invoke(b"seek", self.next_txn());
        encode::number(&mut b, f64::from(ms)).map_err(enc_err)?;
        self.read.flags |= super::readflag::SEEKING;
        self.read.resume_ts = 0;
        let id = self.st.stream_id;
        self.send(8, msg::INVOKE, id, 0, &b, false, true)
    }

    /// User control message (RTMP_SendCtrl): 10 bytes for SetBufferLength, 3 for the SWF
    /// verification request, 44 for its response, 6 otherwise.
    pub fn send_ctrl(&mut self, kind: i16, object: u32, time: u32) -> Result<(), ConnError> {
        let mut b = Vec::with_capacity(44);
        b.extend_from_slice(&kind.to_be_bytes());
        match kind {
            0x1B => match self.swf_response {
                Some(resp) => b.extend_from_slice(&resp),
                None => b.extend_from_slice(&[0u8; 42]),
            },
            0x1A => b.push(object as u8),
            3 => {
                log::debug!("SetBufferLength: stream {object}, {time} ms");
                b.extend_from_slice(&object.to_be_bytes());
                b.extend_from_slice(&time.to_be_bytes());
            }
            _ => b.extend_from_slice(&object.to_be_bytes()),
        }
        self.send(2, msg::CONTROL, 0, 0, &b, false, false)
    }

    pub fn send_server_bw(&mut self) -> Result<(), ConnError> {
        let b = (self.st.server_bw as u32).to_be_bytes();
        self.send(2, msg::SERVER_BW, 0, 0, &b, true, false)
    }

    pub fn send_client_bw(&mut self) -> Result<(), ConnError> {
        let mut b = (self.st.client_bw as u32).to_be_bytes().to_vec();
        b.push(self.st.client_bw2);
        self.send(2, msg::CLIENT_BW, 0, 0, &b, true, false)
    }

    pub fn send_bytes_received(&mut self) -> Result<(), ConnError> {
        let b = (self.st.bytes_in as u32).to_be_bytes();
        self.st.bytes_in_sent = self.st.bytes_in;
        self.send(2, msg::BYTES_READ, 0, 0, &b, false, false)
    }

    /// Set Chunk Size for what we send (publishing announces 4096, as OBS and FFmpeg do).
    pub fn send_chunk_size(&mut self, size: i32) -> Result<(), ConnError> {
        let b = (size as u32).to_be_bytes();
        self.send(2, msg::CHUNK_SIZE, 0, 0, &b, true, false)?;
        self.conn()?.writer.set_chunk_size(size as u32);
        self.st.out_chunk_size = size;
        Ok(())
    }

    /// RTMP_DeleteStream.
    pub fn delete_stream(&mut self) {
        if self.st.stream_id < 0 {
            return;
        }
        self.st.playing = false;
        let id = self.st.stream_id;
        let _ = self.send_delete_stream(id);
        self.st.stream_id = -1;
    }

    /// RTMP_ReconnectStream: a new stream on the same connection, from `seek_time`.
    pub fn reconnect_stream(&mut self, seek_time: i32) -> Result<(), super::Error> {
        self.delete_stream();
        let _ = self.send_create_stream();
        self.connect_stream(seek_time)
    }
}
