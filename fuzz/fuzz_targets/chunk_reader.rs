//! The chunk stream reader on whatever a server sends: the first byte picks the inbound chunk
//! size, the rest is the stream, parsed as the connection does (one chunk at a time, bodies
//! released once complete, a Set Chunk Size message applied).
#![no_main]
use libfuzzer_sys::fuzz_target;
use rtmp::chunk::ChunkReader;

fuzz_target!(|data: &[u8]| {
    // Failures are the point here: the log lines they cause would only slow the run down.
    rtmp::fuzzing::RTMP_LogSetLevel(0);
    let Some((&pick, mut input)) = data.split_first() else { return };
    let mut r = ChunkReader::new();
    r.set_chunk_size([1, 128, 4096, 65_536, 0x7fff_ffff][usize::from(pick) % 5]);
    while let Ok(Some(c)) = r.read(input) {
        assert!(c.consumed > 0 && c.consumed <= input.len(), "a chunk consumed {} of {} bytes", c.consumed, input.len());
        if c.complete {
            let body = if c.assembled { r.body(c.csid).to_vec() } else { input[c.data.clone()].to_vec() };
            assert_eq!(body.len() as u32, c.message.length);
            if c.message.type_id == 1 && body.len() >= 4 {
                let size = u32::from_be_bytes([body[0], body[1], body[2], body[3]]);
                if size > 0 && size <= 0x7fff_ffff {
                    r.set_chunk_size(size);
                }
            }
            if c.message.type_id == 2 && body.len() >= 4 {
                r.abort(u32::from_be_bytes([body[0], body[1], body[2], body[3]]));
            }
            r.release(c.csid);
        }
        input = &input[c.consumed..];
    }
});
