//! RTMP_Write: an FLV byte stream in, messages out. The input may be cut anywhere (the original
//! over-reads on a tag header split across calls); script data is sent as `@setDataFrame`.

use super::{msg, Error, Message, Session};

/// Audio on chunk stream 4 (where librtmp sends everything), video on 6, so that timestamps on
/// each chunk stream only go forward and headers stay small.
pub(super) const AUDIO_CSID: u32 = 4;
pub(super) const VIDEO_CSID: u32 = 6;
/// The chunk size announced before the first media message.
const PUBLISH_CHUNK_SIZE: i32 = 4096;

impl Session {
    /// Sends every complete tag in `data`; a partial tag waits for the next call. Returns
    /// `data.len()`.
    pub fn write_flv(&mut self, data: &[u8]) -> Result<usize, Error> {
        // Only a publisher that announced Reconnect listens to the server while it writes.
        let reconnects = self.link.enhanced.has(crate::enhanced::caps::RECONNECT);
        if reconnects {
            self.poll_server();
        }
        // Larger chunks cost far fewer headers and syscalls (OBS and FFmpeg announce 4096 too);
        // an application that sent its own Set Chunk Size keeps the size it chose.
        let announced = self.conn.as_ref().is_some_and(|c| c.chunk_size_announced);
        if self.st.out_chunk_size == crate::session::DEFAULT_CHUNK_SIZE && !announced && self.is_connected() {
            if let Err(e) = self.send_chunk_size(PUBLISH_CHUNK_SIZE) {
                log::error!("RTMP_Write: cannot set the chunk size: {e}");
                return Err(e.into());
            }
        }
        let mut parser = std::mem::take(&mut self.flv_in);
        let mut frame = Vec::new();
        let r = parser.feed(data, |tag| {
            if reconnects {
                self.before_publishing(tag.tag_type, tag.timestamp, tag.body);
            }
            let stream_id = self.st.stream_id.max(0) as u32;
            let (csid, body): (u32, &[u8]) = match tag.tag_type {
                msg::INFO => {
                    // "@setDataFrame" + the original script body, as librtmp and FFmpeg send it.
                    frame.clear();
                    let _ = crate::amf::encode::string(&mut frame, b"@setDataFrame");
                    frame.extend_from_slice(tag.body);
                    (AUDIO_CSID, &frame)
                }
                msg::VIDEO => (VIDEO_CSID, tag.body),
                _ => (AUDIO_CSID, tag.body),
            };
            // Full headers where librtmp uses them: A/V at timestamp 0 and all script data.
            let large =
                tag.tag_type == msg::INFO || (matches!(tag.tag_type, msg::AUDIO | msg::VIDEO) && tag.timestamp == 0);
            let m = Message { type_id: tag.tag_type, csid, timestamp: tag.timestamp, stream_id, body };
            self.send_packet(&m, large, false)
        });
        self.flv_in = parser;
        r.map(|()| data.len()).map_err(Error::from)
    }
}
