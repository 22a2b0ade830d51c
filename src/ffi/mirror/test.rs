//! The mirror tables against the header: every member of the structs applications see is in a
//! table or named below with how it is handled, and every row survives a pull and a push.

use super::*;

/// `c` converted to the Rust type of `_like` and back.
pub(super) fn normalized<C, R: Mirrored<C>>(c: C, _like: &R) -> C {
    R::from_c(c).to_c()
}

/// A value of its own for the `i`-th row (booleans can only be true).
pub(super) trait Sample {
    fn sample(i: usize) -> Self;
}

impl Sample for i32 {
    fn sample(i: usize) -> i32 {
        1000 + i as i32
    }
}

impl Sample for u32 {
    fn sample(i: usize) -> u32 {
        0x8000_0000 + i as u32
    }
}

impl Sample for i8 {
    fn sample(i: usize) -> i8 {
        1 + (i % 100) as i8
    }
}

impl Sample for u8 {
    fn sample(_: usize) -> u8 {
        1
    }
}

impl Sample for f64 {
    fn sample(i: usize) -> f64 {
        0.5 + i as f64
    }
}

/// Members handled by plain code after the tables, or deliberately not mirrored, and why.
const OTHERWISE: &[(&str, &str)] = &[
    ("m_numCalls", "the method queue: rebuilt from the session when it changed (cmem::set_method_calls)"),
    ("m_methodCalls", "the method queue, as m_numCalls"),
    ("m_channelsAllocatedIn", "the chunk-stream arrays, grown and filled from the reader (mirror_channels)"),
    ("m_channelsAllocatedOut", "the chunk-stream arrays, as above"),
    ("m_vecChannelsIn", "the chunk-stream arrays, as above"),
    ("m_vecChannelsOut", "the chunk-stream arrays, as above"),
    ("m_channelTimestamp", "the chunk-stream arrays, as above"),
    ("m_msgCounter", "the HTTP tunnel's state, pushed when the transport is a tunnel"),
    ("m_polling", "the HTTP tunnel's state, as above"),
    ("m_resplen", "the HTTP tunnel's state, as above"),
    ("m_unackd", "the HTTP tunnel's state, as above"),
    ("m_clientID", "the HTTP tunnel's session id, a library-owned string (cmem::set_client_id)"),
    ("m_read", "a struct: its members are listed on their own"),
    ("m_write", "RTMP_Write's packet on the C side: reset and freed by RTMP_Close only"),
    ("m_sb", "a struct: its members are listed on their own"),
    ("Link", "a struct: its members are listed on their own"),
    ("m_read.buf", "RTMP_Read's FLV header buffer, on the C side"),
    ("m_read.bufpos", "RTMP_Read's FLV header buffer, on the C side"),
    ("m_read.buflen", "RTMP_Read's FLV header buffer, on the C side"),
    ("m_read.metaHeader", "resume: copied once into the session when RTMP_READ_RESUME is set"),
    ("m_read.initialFrame", "resume, as above"),
    ("m_read.nMetaHeaderSize", "resume, as above"),
    ("m_read.nInitialFrameSize", "resume, as above"),
    ("m_sb.sb_socket", "the connection's socket, pushed from the transport"),
    ("m_sb.sb_size", "the bytes the connection holds unread, pushed"),
    ("m_sb.sb_start", "the C socket buffer, used by RTMPSockBuf_Fill on sockets the library does not own"),
    ("m_sb.sb_buf", "the C socket buffer, as above"),
    ("m_sb.sb_ssl", "the original's TLS session pointer: ours lives in the transport"),
    ("Link.playpath0", "RTMP_SetupURL's own playpath copy, on the C side (freed by RTMP_Close)"),
    ("Link.extras", "the conn= properties, encoded to AMF0 at connect (mirror::extras)"),
    ("Link.edepth", "the nesting depth while conn= options are parsed, on the C side"),
    ("Link.lFlags", "pulled by the table; pushed through a mask keeping the library's FTCU/FAPU bits"),
    ("Link.swfAge", "read at connect (pull_link)"),
    ("Link.pFlags", "unused by the original and by us"),
    ("Link.socksport", "read at connect (pull_link)"),
    ("Link.port", "read at connect (pull_link)"),
    ("Link.dh", "the original's RTMPE Diffie-Hellman state: ours lives in the handshake"),
    ("Link.rc4keyIn", "the original's RC4 state: ours lives in the transport"),
    ("Link.rc4keyOut", "as rc4keyIn"),
    ("Link.SWFSize", "SWF verification, read at connect (pull_link)"),
    ("Link.SWFHash", "SWF verification, read at connect (pull_link)"),
    ("Link.SWFVerificationResponse", "built by the handshake from SWFHash and SWFSize"),
];

/// The members of `typedef struct NAME { ... } NAME;` in the header, both sides of any #if.
fn header_members(header: &str, name: &str) -> Vec<String> {
    let open = format!("typedef struct {name} {{");
    let start = header.find(&open).unwrap_or_else(|| panic!("no struct {name} in the header")) + open.len();
    let end = start + header[start..].find(&format!("}} {name};")).expect("end of struct");
    let mut body = header[start..end].to_string();
    while let Some(a) = body.find("/*") {
        let b = a + body[a..].find("*/").expect("comment end") + 2;
        body.replace_range(a..b, "");
    }
    body.lines()
        .map(str::trim)
        .filter(|l| l.ends_with(';'))
        .map(|l| {
            let decl = l.trim_end_matches(';');
            let decl = decl.split('[').next().unwrap_or(decl);
            decl.split_whitespace().last().unwrap_or("").trim_start_matches('*').to_string()
        })
        .collect()
}

#[test]
fn every_member_of_the_header_is_mirrored_or_named() {
    let header = include_str!("../../../include/librtmp/rtmp.h");
    let mut all = Vec::new();
    for (name, prefix) in [("RTMP", ""), ("RTMP_READ", "m_read."), ("RTMPSockBuf", "m_sb."), ("RTMP_LNK", "Link.")] {
        all.extend(header_members(header, name).into_iter().map(|m| format!("{prefix}{m}")));
    }
    assert!(all.len() > 80, "the header parse found only {} members", all.len());
    let mut known: Vec<String> = MEMBERS.iter().map(|(m, _)| m.replace(' ', "")).collect();
    known.extend(LINK_STRINGS.iter().map(|m| format!("Link.{m}")));
    let otherwise: Vec<&str> = OTHERWISE.iter().map(|o| o.0).collect();
    let missing: Vec<_> = all.iter().filter(|m| !known.contains(m) && !otherwise.contains(&m.as_str())).collect();
    assert!(missing.is_empty(), "members neither mirrored nor named as handled otherwise: {missing:?}");
    let stale: Vec<_> = known
        .iter()
        .map(String::as_str)
        .chain(otherwise.iter().copied())
        .filter(|m| !all.iter().any(|a| a == m))
        .collect();
    assert!(stale.is_empty(), "rows naming no member of the header: {stale:?}");
    let twice: Vec<_> =
        known.iter().filter(|m| otherwise.contains(&m.as_str()) && m.as_str() != "Link.lFlags").collect();
    assert!(twice.is_empty(), "members both in a table and named as handled otherwise: {twice:?}");
}

#[test]
fn every_row_survives_a_pull_and_a_push() {
    // SAFETY: all-zero is a valid RTMP (integers and pointers only).
    let mut a: RTMP = unsafe { core::mem::zeroed() };
    fill_members(&mut a);
    let mut s = Session::new(|| false);
    pull(&a, &mut s);
    // SAFETY: as above.
    let mut b: RTMP = unsafe { core::mem::zeroed() };
    push(&mut s, &mut b);
    let diff = differences(&a, &b, &s);
    assert!(diff.is_empty(), "members that did not come back: {diff:?}");
    assert_eq!(MEMBERS.iter().filter(|m| m.1 == Dir::Pull).count(), 5, "the pulled-only rows changed");
}

#[test]
fn link_strings_and_options_agree() {
    // SAFETY: as above.
    let mut r: RTMP = unsafe { core::mem::zeroed() };
    let mut text = *b"rtmp://example/app\0";
    for target in [Target::App, Target::TcUrl, Target::PubPasswd] {
        let m = link_text_mut(&mut r.Link, target).expect("a string target has a member");
        *m = AVal { av_val: text.as_mut_ptr() as *mut c_char, av_len: 18 };
    }
    assert!(link_text_mut(&mut r.Link, Target::Timeout).is_none());
    let mut s = Session::new(|| false);
    pull_link(&r, &mut s);
    assert_eq!(s.link.app, b"rtmp://example/app");
    assert_eq!(s.link.tc_url, b"rtmp://example/app");
    assert_eq!(s.link.pub_passwd, b"rtmp://example/app");
    assert!(s.link.hostname.is_empty());
}
