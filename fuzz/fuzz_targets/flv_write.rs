//! RTMP_Write's input: FLV bytes cut anywhere. The parser gets the input in pieces whose sizes
//! the first bytes choose, and must hand out the same tags as from one piece.
#![no_main]
use libfuzzer_sys::fuzz_target;
use rtmp::flv::FlvParser;

fn tags(pieces: &[&[u8]]) -> Vec<(u8, u32, Vec<u8>)> {
    let mut p = FlvParser::new();
    let mut out = Vec::new();
    for piece in pieces {
        let _ = p.feed::<()>(piece, |t| {
            out.push((t.tag_type, t.timestamp, t.body.to_vec()));
            Ok(())
        });
    }
    out
}

fuzz_target!(|data: &[u8]| {
    // Failures are the point here: the log lines they cause would only slow the run down.
    rtmp::fuzzing::RTMP_LogSetLevel(0);
    if data.len() < 2 {
        return;
    }
    let (cuts, input) = data.split_at(2);
    let whole = tags(&[input]);
    let step = usize::from(cuts[0]).max(1) + usize::from(cuts[1]) * 7;
    let pieces: Vec<&[u8]> = input.chunks(step).collect();
    assert_eq!(tags(&pieces), whole, "the tags depend on how the input was cut");
});
