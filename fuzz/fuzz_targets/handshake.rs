//! The handshakes on a peer's bytes: the client end (simple, FP9 digest, RTMPE) given S0, S1 and
//! S2, and the server end given C0, C1 and C2. Any answer is fine; no panic, no overrun.
#![no_main]
use libfuzzer_sys::fuzz_target;
use rtmp::handshake::{ClientHandshake, HandshakeOutcome, ServerHandshake, SIG_SIZE};

fn sig(data: &[u8], at: usize) -> [u8; SIG_SIZE] {
    let mut s = [0u8; SIG_SIZE];
    if at < data.len() {
        let n = (data.len() - at).min(SIG_SIZE);
        s[..n].copy_from_slice(&data[at..at + n]);
    }
    s
}

fuzz_target!(|data: &[u8]| {
    // Failures are the point here: the log lines they cause would only slow the run down.
    rtmp::fuzzing::RTMP_LogSetLevel(0);
    let Some(&first) = data.first() else { return };
    let (a, b) = (sig(data, 1), sig(data, 1 + SIG_SIZE));
    // Client: the low bits of the first byte choose the variant, the byte itself is S0.
    let (digest, encrypted) = (first & 1 != 0, first & 2 != 0);
    if let Ok(mut c) = ClientHandshake::new(digest, encrypted, 0) {
        let mut o = HandshakeOutcome::default();
        if c.respond(first, &a, &mut o).is_ok() {
            let _ = c.verify_s2(&b);
            let _ = c.take_rc4();
        }
    }
    // Server: the first byte is C0; its high bits choose the RTMPE type the server answers with.
    let answer_type = [None, Some(6), Some(8), Some(9)][usize::from(first >> 6)];
    if let Ok((mut s, answer)) = ServerHandshake::answer(first, &a, 0, answer_type) {
        assert_eq!(answer.len(), 1 + 2 * SIG_SIZE);
        s.check_c2(&b);
        let _ = s.take_rc4();
    }
});
