//! The options of `RTMP_SetupURL` / `RTMP_SetOpt`: the table, how values are read, the `conn=` AMF
//! mini-language, and the splitter that takes `url name=value …` apart in place.
//!
//! Nothing here touches C memory. Values are read with the C library's lenience (`strtol`,
//! `strcasecmp`, …) because the original does, and scripts in the wild depend on it (`buffer=0x10`,
//! `live=TRUE`, `flashVer=FMLE/3.0\20(compatible)`).

use crate::url::cscan;
use std::ops::Range;

/// `RTMP_LF_LIVE`: the stream is live.
pub const LF_LIVE: i32 = 0x02;
/// `RTMP_LF_SWFV`: verify the player SWF.
pub const LF_SWFV: i32 = 0x04;
/// `RTMP_LF_PLST`: send `set_playlist` before `play`.
pub const LF_PLST: i32 = 0x08;

/// How an option's value is read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OptType {
    /// Kept as given: the stored string points into the caller's buffer.
    Str,
    /// `strtol(value, NULL, 0)`, truncated to `int`.
    Int,
    /// A truth word sets the target; anything else leaves it alone (nothing can clear it).
    Bool,
    /// One `conn=` item, appended to the connect command's extra arguments.
    Amf,
}

impl OptType {
    /// The type's name in the option list.
    pub fn name(self) -> &'static str {
        match self {
            OptType::Str => "string",
            OptType::Int => "integer",
            OptType::Bool => "boolean",
            OptType::Amf => "AMF",
        }
    }
}

/// Where a value goes. All of the original's targets are members of `RTMP` / `RTMP_LNK`; an option
/// that is not (a TLS setting, say) gets a variant of its own, which the C layer stores wherever
/// it keeps such state.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    SocksHost,
    App,
    TcUrl,
    PageUrl,
    SwfUrl,
    FlashVer,
    Extras,
    Playpath,
    /// A bit of `Link.lFlags`.
    LinkFlag(i32),
    SubscribePath,
    UsherToken,
    Token,
    SwfAge,
    SeekTime,
    StopTime,
    BufferMs,
    Timeout,
    PubUser,
    PubPasswd,
    /// rtmps certificate checks (kept outside the struct): on unless set to a false word.
    TlsVerify,
    TlsCaFile,
    TlsCaPath,
    /// RTMP_Serve's answer to RTMPE clients (kept outside the struct).
    RtmpeType,
    /// Enhanced RTMP fields of the connect command object (kept outside the struct).
    FourCcList,
    VideoFourCcInfoMap,
    AudioFourCcInfoMap,
    CapsEx,
}

/// One row of the option table.
#[derive(Clone, Copy, Debug)]
pub struct OptSpec {
    /// Matched case-insensitively, whole name only.
    pub name: &'static str,
    pub kind: OptType,
    pub target: Target,
    pub help: &'static str,
}

const fn opt(name: &'static str, kind: OptType, target: Target, help: &'static str) -> OptSpec {
    OptSpec { name, kind, target, help }
}

/// The options, in the original's order (the order the option list is printed in).
pub static OPTIONS: &[OptSpec] = &[
    opt("socks", OptType::Str, Target::SocksHost, "SOCKS4 proxy to connect through, as host[:port]"),
    opt("app", OptType::Str, Target::App, "Application to connect to on the server"),
    opt("tcUrl", OptType::Str, Target::TcUrl, "Target URL announced in the connect request"),
    opt("pageUrl", OptType::Str, Target::PageUrl, "Address of the web page that embeds the player"),
    opt("swfUrl", OptType::Str, Target::SwfUrl, "Address of the player's SWF file"),
    opt("flashver", OptType::Str, Target::FlashVer, "Flash Player version to announce, e.g. LNX 10,0,32,18"),
    opt(
        "conn",
        OptType::Amf,
        Target::Extras,
        "Extra AMF value for the connect request (B:, S:, N:, Z:, O:, NB:/NS:/NN:/NO:)",
    ),
    opt("playpath", OptType::Str, Target::Playpath, "Stream to play or publish, instead of the URL's"),
    opt("playlist", OptType::Bool, Target::LinkFlag(LF_PLST), "Send set_playlist before play"),
    opt("live", OptType::Bool, Target::LinkFlag(LF_LIVE), "Live stream: no seeking, no resuming"),
    opt("subscribe", OptType::Str, Target::SubscribePath, "Stream name for FCSubscribe"),
    opt("jtv", OptType::Str, Target::UsherToken, "Justin.tv usher token"),
    opt("token", OptType::Str, Target::Token, "Key answering the server's SecureToken challenge"),
    opt("swfVfy", OptType::Bool, Target::LinkFlag(LF_SWFV), "Answer SWF verification (needs swfUrl)"),
    opt("swfAge", OptType::Int, Target::SwfAge, "Days a cached SWF hash stays valid"),
    opt("start", OptType::Int, Target::SeekTime, "Position to start at, in milliseconds"),
    opt("stop", OptType::Int, Target::StopTime, "Position to stop at, in milliseconds"),
    opt("buffer", OptType::Int, Target::BufferMs, "Client buffer length, in milliseconds"),
    opt("timeout", OptType::Int, Target::Timeout, "Network timeout, in seconds"),
    opt("pubUser", OptType::Str, Target::PubUser, "User name for publishing authentication"),
    opt("pubPasswd", OptType::Str, Target::PubPasswd, "Password for publishing authentication"),
    // Ours, not the original's: rtmps verifies the server's certificate.
    opt(
        "tlsVerify",
        OptType::Bool,
        Target::TlsVerify,
        "Check the rtmps server's certificate (default 1; 0 is insecure)",
    ),
    opt("cafile", OptType::Str, Target::TlsCaFile, "PEM file of trusted CAs for rtmps, instead of the system store"),
    opt("capath", OptType::Str, Target::TlsCaPath, "Directory of trusted CAs (c_rehash) for rtmps"),
    // Ours too, for servers: the original answers an RTMPE client with 8 when its C1 says Flash
    // Player 10 (version byte 128), with the client's own type otherwise.
    opt(
        "rtmpeType",
        OptType::Int,
        Target::RtmpeType,
        "Server: the RTMPE handshake type RTMP_Serve answers with (6, 8 XTEA, 9 Blowfish)",
    ),
    // Enhanced RTMP (E-RTMP v2), named as its spec names them; none is sent unless set.
    opt(
        "fourCcList",
        OptType::Str,
        Target::FourCcList,
        "E-RTMP: codecs to announce at connect, e.g. hvc1,av01,vp09,Opus (* for any)",
    ),
    opt(
        "videoFourCcInfoMap",
        OptType::Str,
        Target::VideoFourCcInfoMap,
        "E-RTMP: video codec:flags at connect (CanDecode 1, CanEncode 2, CanForward 4), e.g. hvc1:3,*:4",
    ),
    opt(
        "audioFourCcInfoMap",
        OptType::Str,
        Target::AudioFourCcInfoMap,
        "E-RTMP: audio codec:flags at connect, e.g. Opus:1,fLaC:1",
    ),
    opt(
        "capsEx",
        OptType::Int,
        Target::CapsEx,
        "E-RTMP: extended capabilities (Reconnect 1, Multitrack 2, ModEx 4, TimestampNanoOffset 8)",
    ),
];

/// Words that switch a boolean option on, matched case-insensitively and whole.
const TRUTH: [&str; 4] = ["1", "on", "yes", "true"];

/// The table row for `name`, compared as `strcasecmp` with equal lengths.
pub fn lookup(name: &[u8]) -> Option<&'static OptSpec> {
    OPTIONS.iter().find(|o| name.eq_ignore_ascii_case(o.name.as_bytes()))
}

/// The option list logged after an unknown option: a heading, then one line per option.
pub fn usage_lines() -> Vec<String> {
    let mut lines = vec!["Valid RTMP options are:".to_string()];
    lines.extend(OPTIONS.iter().map(|o| format!("{:>10} {:<7}  {}", o.name, o.kind.name(), o.help)));
    lines
}

/// An option value as the original sees it: `len` counted bytes (the `av_len`), while the C string
/// functions it also applies (`strtol`, `strcasecmp`, `strchr`, …) read on to the terminating NUL.
/// The two differ after in-place unescaping: `\41` becomes `A` but the stale bytes behind it stay
/// in front of the NUL.
#[derive(Clone, Copy, Debug)]
pub struct Value<'a> {
    bytes: &'a [u8],
    len: usize,
}

impl<'a> Value<'a> {
    /// A value that is exactly its counted bytes (a C caller's `AVal`).
    pub fn counted(bytes: &'a [u8]) -> Self {
        Value { bytes, len: bytes.len() }
    }

    /// `len` counted bytes at the start of `bytes`, which run on to the terminating NUL (excluded).
    pub fn with_tail(bytes: &'a [u8], len: usize) -> Self {
        Value { bytes, len: len.min(bytes.len()) }
    }

    /// The counted bytes.
    pub fn text(&self) -> &'a [u8] {
        &self.bytes[..self.len]
    }

    pub fn len(&self) -> usize {
        self.len
    }

    #[allow(dead_code)] // clippy's len_without_is_empty: a len() wants an is_empty()
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// What a C string function sees: everything up to the first NUL.
    pub fn c_str(&self) -> &'a [u8] {
        let end = self.bytes.iter().position(|&b| b == 0).unwrap_or(self.bytes.len());
        &self.bytes[..end]
    }
}

/// A boolean option's verdict: one of the truth words, with the counted length of the word.
pub fn is_truth(value: Value) -> bool {
    TRUTH.iter().any(|w| value.len() == w.len() && value.c_str().eq_ignore_ascii_case(w.as_bytes()))
}

/// An integer option's value: `strtol(value, NULL, 0)` stored into an `int`.
pub fn parse_int(value: Value) -> i32 {
    cscan::strtol(value.c_str(), 0) as i32
}

/// What applying an option amounts to; the C layer carries it out on the `RTMP` struct.
#[derive(Clone, Debug, PartialEq)]
pub enum Setting {
    /// Store the value (the caller's `AVal`, by value) in the target.
    Text(Target),
    Int(Target, i32),
    /// `true`: set the target; `false`: leave it as it is.
    Bool(Target, bool),
    Conn(ConnOp),
}

/// How option `spec` reads `value`. `depth` is the number of `conn` objects now open.
pub fn interpret(spec: &OptSpec, value: Value, depth: i32) -> Result<Setting, ConnError> {
    Ok(match spec.kind {
        OptType::Str => Setting::Text(spec.target),
        OptType::Int => Setting::Int(spec.target, parse_int(value)),
        OptType::Bool => Setting::Bool(spec.target, is_truth(value)),
        OptType::Amf => Setting::Conn(parse_conn(value, depth)?),
    })
}

/// A `conn` value. Ranges are into the option value: strings stay in the caller's buffer.
#[derive(Clone, Debug, PartialEq)]
pub enum ConnValue {
    /// Kept as the `atoi` number: the original stores it in the property's number, and only
    /// the AMF encoder reduces it to true/false.
    Boolean(i32),
    Number(f64),
    String(Range<usize>),
    Null,
    /// Opens an object: the following items go into it until `O:0`.
    Object,
}

/// One property for the connect command's extra arguments.
#[derive(Clone, Debug, PartialEq)]
pub struct ConnProp {
    /// Only inside objects.
    pub name: Option<Range<usize>>,
    pub value: ConnValue,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ConnOp {
    /// Append to the innermost open object (or the top level).
    Add(ConnProp),
    /// `O:0`: close the innermost object.
    EndObject,
}

impl ConnOp {
    /// The number of open objects once this item is applied. Like the original this may go below
    /// zero (an `O:0` too many), after which named items are accepted at the top level.
    pub fn depth_after(&self, depth: i32) -> i32 {
        match self {
            ConnOp::Add(ConnProp { value: ConnValue::Object, .. }) => depth.wrapping_add(1),
            ConnOp::Add(_) => depth,
            ConnOp::EndObject => depth.wrapping_sub(1),
        }
    }
}

/// Why a `conn` value was refused (`RTMP_SetOpt` then fails).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConnError {
    /// A type letter other than B, S, N, Z, O (or, named, B, S, N, O).
    UnknownType(u8),
    /// Neither `T:` nor `NT:name:`.
    Malformed,
    /// A named item while no object is open.
    NamedOutsideObject,
}

impl std::fmt::Display for ConnError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ConnError::UnknownType(t) => write!(f, "unknown AMF type '{}'", t.escape_ascii()),
            ConnError::Malformed => f.write_str("expected T:value or NT:name:value"),
            ConnError::NamedOutsideObject => f.write_str("named value outside an object"),
        }
    }
}

impl std::error::Error for ConnError {}

/// One `conn` item: `B:`, `S:`, `N:`, `Z:`, `O:1`/`O:0`, and inside objects `NB:`, `NS:`, `NN:`,
/// `NO:` with a name (`NO:name:0` opens an object too: only `O:0` closes one).
pub fn parse_conn(value: Value, depth: i32) -> Result<ConnOp, ConnError> {
    let c = value.c_str();
    let at = |i: usize| c.get(i).copied().unwrap_or(0);
    if at(1) == b':' {
        let body = &c[2..];
        let value = match at(0) {
            b'B' => ConnValue::Boolean(cscan::atoi(body)),
            b'S' => ConnValue::String(2..value.len().max(2)),
            b'N' => ConnValue::Number(cscan::strtod(body)),
            b'Z' => ConnValue::Null,
            b'O' if cscan::atoi(body) != 0 => ConnValue::Object,
            b'O' => return Ok(ConnOp::EndObject),
            other => return Err(ConnError::UnknownType(other)),
        };
        return Ok(ConnOp::Add(ConnProp { name: None, value }));
    }
    if at(0) == b'N' && at(2) == b':' {
        let colon = c[3..].iter().position(|&b| b == b':').map(|i| i + 3).ok_or(ConnError::Malformed)?;
        if depth == 0 {
            return Err(ConnError::NamedOutsideObject);
        }
        let start = colon + 1;
        let body = &c[start..];
        let value = match at(1) {
            b'B' => ConnValue::Boolean(cscan::atoi(body)),
            // The original subtracts without looking; a negative length is not kept.
            b'S' => ConnValue::String(start..value.len().max(start)),
            b'N' => ConnValue::Number(cscan::strtod(body)),
            b'O' => ConnValue::Object,
            other => return Err(ConnError::UnknownType(other)),
        };
        return Ok(ConnOp::Add(ConnProp { name: Some(3..colon), value }));
    }
    Err(ConnError::Malformed)
}

/// The SOCKS option split into host and port, from what a C string reader sees of it: the host
/// is the text before the first `:` (its length is returned), the port the `atoi` of the rest,
/// stored in an `unsigned short`; 1080 without a `:`.
pub fn split_socks(text: &[u8]) -> (usize, u16) {
    match text.iter().position(|&b| b == b':') {
        Some(colon) => (colon, cscan::atoi(&text[colon + 1..]) as u16),
        None => (text.len(), 1080),
    }
}

/// A `\` escape in an option value lacks its two characters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BadEscape;

impl std::fmt::Display for BadEscape {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("incomplete \\XX escape in an option value")
    }
}

impl std::error::Error for BadEscape {}

/// Ends the URL proper at the first space of `buf` (the C string without its NUL) by writing a
/// NUL there. Returns where, if there was a space: the options follow it.
pub fn cut_url(buf: &mut [u8]) -> Option<usize> {
    let space = buf.iter().position(|&b| b == b' ')?;
    buf[space] = 0;
    Some(space)
}

/// One `name=value` pair cut out of the option string, as ranges into the buffer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RawOption {
    /// The name, NUL-terminated in the buffer.
    pub name: Range<usize>,
    /// The unescaped value.
    pub value: Range<usize>,
    /// Where the NUL that ends the value sits (the buffer's length for the last one): after
    /// unescaping, stale bytes lie between `value.end` and here.
    pub value_end: usize,
    /// The cursor for the next pair, if more text follows.
    pub next: Option<usize>,
}

impl RawOption {
    /// The value, with the bytes a C string reader would also see.
    pub fn value_in<'a>(&self, buf: &'a [u8]) -> Value<'a> {
        Value::with_tail(&buf[self.value.start..self.value_end], self.value.len())
    }
}

/// Cuts the next pair out of `buf` after `cursor` (a space that ended the URL or the previous
/// value), editing in place as the original does: NULs over the space, the `=` and the space that
/// ends the value, NULs over further spaces after a value, `\XX` unescaped in place.
///
/// `Ok(None)` when no `=` follows: the rest is ignored. Extra spaces before the first pair are
/// not skipped; they become part of its name.
pub fn next_option(buf: &mut [u8], cursor: usize) -> Result<Option<RawOption>, BadEscape> {
    buf[cursor] = 0;
    let start = cursor + 1;
    let Some(eq) = buf[start..].iter().position(|&b| b == b'=').map(|i| start + i) else {
        return Ok(None);
    };
    buf[eq] = 0;
    let value_start = eq + 1;
    let (value_end, next) = match buf[value_start..].iter().position(|&b| b == b' ') {
        Some(i) => {
            let space = value_start + i;
            let mut last = space;
            while buf.get(last + 1) == Some(&b' ') {
                buf[last] = 0;
                last += 1;
            }
            buf[space] = 0;
            (space, Some(last))
        }
        None => (buf.len(), None),
    };
    let len = unescape_in_place(&mut buf[value_start..value_end])?;
    Ok(Some(RawOption { name: start..eq, value: value_start..value_start + len, value_end, next }))
}

/// Decodes `\XX` (read as `sscanf("%02x")`) in place and returns the new length. The bytes after
/// it are left as they were.
pub fn unescape_in_place(value: &mut [u8]) -> Result<usize, BadEscape> {
    let (mut read, mut write) = (0, 0);
    // An unreadable \XX leaves the original's variable as it was (undefined at first); this version
    // repeats the last decoded byte, or writes 0.
    let mut last = 0u8;
    while read < value.len() {
        if value[read] == b'\\' {
            if value.len() - read < 3 {
                return Err(BadEscape);
            }
            if let Some(v) = cscan::hex2(&value[read + 1..]) {
                last = v as u8;
            }
            value[write] = last;
            read += 3;
        } else {
            value[write] = value[read];
            read += 1;
        }
        write += 1;
    }
    Ok(write)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> Value<'_> {
        Value::counted(s.as_bytes())
    }

    #[test]
    fn table_is_the_originals() {
        // The original's 21, in its order, then ours.
        assert_eq!(OPTIONS.len(), 29);
        let names: Vec<_> = OPTIONS.iter().map(|o| o.name).collect();
        assert_eq!(
            names,
            [
                "socks",
                "app",
                "tcUrl",
                "pageUrl",
                "swfUrl",
                "flashver",
                "conn",
                "playpath",
                "playlist",
                "live",
                "subscribe",
                "jtv",
                "token",
                "swfVfy",
                "swfAge",
                "start",
                "stop",
                "buffer",
                "timeout",
                "pubUser",
                "pubPasswd",
                "tlsVerify",
                "cafile",
                "capath",
                "rtmpeType",
                "fourCcList",
                "videoFourCcInfoMap",
                "audioFourCcInfoMap",
                "capsEx"
            ]
        );
        let kinds: String = OPTIONS
            .iter()
            .map(|o| match o.kind {
                OptType::Str => 's',
                OptType::Int => 'i',
                OptType::Bool => 'b',
                OptType::Amf => 'a',
            })
            .collect();
        assert_eq!(kinds, "ssssssasbbsssbiiiiissbssisssi");
        for o in OPTIONS {
            let flag_or_ours = matches!(o.target, Target::LinkFlag(_) | Target::TlsVerify);
            assert_eq!(o.kind == OptType::Bool, flag_or_ours, "{}", o.name);
            assert!(!o.help.is_empty());
        }
    }

    #[test]
    fn lookup_is_case_insensitive_and_whole() {
        assert_eq!(lookup(b"flashVer").unwrap().target, Target::FlashVer);
        assert_eq!(lookup(b"FLASHVER").unwrap().target, Target::FlashVer);
        assert_eq!(lookup(b"swfurl").unwrap().target, Target::SwfUrl);
        assert_eq!(lookup(b"LIVE").unwrap().target, Target::LinkFlag(LF_LIVE));
        assert!(lookup(b"liv").is_none());
        assert!(lookup(b"lives").is_none());
        assert!(lookup(b" live").is_none());
        assert!(lookup(b"").is_none());
        assert!(lookup(b"live\0").is_none());
        for absent in ["swfhash", "swfsize", "auth", "protocol", "host", "port", "usherToken", "realtime"] {
            assert!(lookup(absent.as_bytes()).is_none(), "{absent}");
        }
    }

    #[test]
    fn usage_has_a_line_per_option() {
        let lines = usage_lines();
        assert_eq!(lines.len(), 30);
        assert_eq!(&lines[1][..19], "     socks string  ");
        assert!(lines[7].starts_with("      conn AMF      "));
        assert!(lines[21].starts_with(" pubPasswd string  "));
    }

    #[test]
    fn truth_words() {
        for yes in ["1", "on", "ON", "yes", "Yes", "true", "TRUE", "tRuE"] {
            assert!(is_truth(v(yes)), "{yes}");
        }
        for no in ["0", "off", "no", "false", "", "y", "2", "yes ", " 1", "truee", "o"] {
            assert!(!is_truth(v(no)), "{no}");
        }
        // The C comparison sees past the counted length after unescaping.
        assert!(!is_truth(Value::with_tail(b"131", 1)));
        assert!(is_truth(Value::with_tail(b"1\0zz", 1)));
        assert!(!is_truth(Value::counted(b"o\0")));
    }

    #[test]
    fn integers_like_strtol() {
        assert_eq!(parse_int(v("0x10")), 16);
        assert_eq!(parse_int(v("010")), 8);
        assert_eq!(parse_int(v("-5")), -5);
        assert_eq!(parse_int(v("  +12ms")), 12);
        assert_eq!(parse_int(v("")), 0);
        assert_eq!(parse_int(v("abc")), 0);
        // strtol() then a cut to int: what a long holds differs by ABI, as in the original.
        let expect = if core::mem::size_of::<core::ffi::c_long>() == 8 { 0 } else { i32::MAX };
        assert_eq!(parse_int(v("4294967296")), expect);
        assert_eq!(parse_int(Value::with_tail(b"1232", 2)), 1232);
    }

    #[test]
    fn interpret_by_type() {
        let o = |n: &str| lookup(n.as_bytes()).unwrap();
        assert_eq!(interpret(o("app"), v("x"), 0), Ok(Setting::Text(Target::App)));
        assert_eq!(interpret(o("buffer"), v("0x10"), 0), Ok(Setting::Int(Target::BufferMs, 16)));
        assert_eq!(interpret(o("swfvfy"), v("on"), 0), Ok(Setting::Bool(Target::LinkFlag(LF_SWFV), true)));
        assert_eq!(interpret(o("playlist"), v("0"), 0), Ok(Setting::Bool(Target::LinkFlag(LF_PLST), false)));
        assert_eq!(
            interpret(o("conn"), v("Z:"), 0),
            Ok(Setting::Conn(ConnOp::Add(ConnProp { name: None, value: ConnValue::Null })))
        );
        assert_eq!(interpret(o("conn"), v("X:1"), 0), Err(ConnError::UnknownType(b'X')));
    }

    fn add(name: Option<Range<usize>>, value: ConnValue) -> Result<ConnOp, ConnError> {
        Ok(ConnOp::Add(ConnProp { name, value }))
    }

    #[test]
    fn conn_unnamed() {
        use ConnValue::*;
        assert_eq!(parse_conn(v("B:1"), 0), add(None, Boolean(1)));
        assert_eq!(parse_conn(v("B:0"), 0), add(None, Boolean(0)));
        assert_eq!(parse_conn(v("B:7x"), 0), add(None, Boolean(7)));
        assert_eq!(parse_conn(v("B:"), 0), add(None, Boolean(0)));
        assert_eq!(parse_conn(v("S:str"), 0), add(None, String(2..5)));
        assert_eq!(parse_conn(v("S:"), 0), add(None, String(2..2)));
        assert_eq!(parse_conn(v("S:a:b c"), 0), add(None, String(2..7)));
        assert_eq!(parse_conn(v("N:42"), 0), add(None, Number(42.0)));
        assert_eq!(parse_conn(v("N:-1.5e2"), 0), add(None, Number(-150.0)));
        assert_eq!(parse_conn(v("N:x"), 0), add(None, Number(0.0)));
        assert_eq!(parse_conn(v("Z:"), 0), add(None, Null));
        assert_eq!(parse_conn(v("Z:whatever"), 0), add(None, Null));
        assert_eq!(parse_conn(v("O:1"), 0), add(None, Object));
        assert_eq!(parse_conn(v("O:-3"), 0), add(None, Object));
        assert_eq!(parse_conn(v("O:0"), 1), Ok(ConnOp::EndObject));
        assert_eq!(parse_conn(v("O:"), 1), Ok(ConnOp::EndObject));
        assert_eq!(parse_conn(v("O:x"), 0), Ok(ConnOp::EndObject));
    }

    #[test]
    fn conn_named_only_inside_objects() {
        use ConnValue::*;
        assert_eq!(parse_conn(v("NN:num:42"), 1), add(Some(3..6), Number(42.0)));
        assert_eq!(parse_conn(v("NS:k:v:w"), 2), add(Some(3..4), String(5..8)));
        assert_eq!(parse_conn(v("NS:k:"), 1), add(Some(3..4), String(5..5)));
        assert_eq!(parse_conn(v("NB:b:1"), 1), add(Some(3..4), Boolean(1)));
        assert_eq!(parse_conn(v("NO:o:1"), 1), add(Some(3..4), Object));
        assert_eq!(parse_conn(v("NO:o:0"), 1), add(Some(3..4), Object));
        assert_eq!(parse_conn(v("NS::x"), 1), add(Some(3..3), String(4..5)));
        // A negative depth (one O:0 too many) lets named items in at the top level.
        assert_eq!(parse_conn(v("NB:b:1"), -1), add(Some(3..4), Boolean(1)));
        assert_eq!(parse_conn(v("NN:num:42"), 0), Err(ConnError::NamedOutsideObject));
        assert_eq!(parse_conn(v("NZ:z:"), 1), Err(ConnError::UnknownType(b'Z')));
        assert_eq!(parse_conn(v("NS:noval"), 1), Err(ConnError::Malformed));
    }

    #[test]
    fn conn_refusals() {
        for bad in ["", "B", "S", "N", "NS", "X:1", "b:1", "s:x", "1:1", "BB:x", ":x", "N:"] {
            let r = parse_conn(v(bad), 1);
            if bad == "N:" {
                assert_eq!(r, add(None, ConnValue::Number(0.0)));
            } else {
                assert!(r.is_err(), "{bad:?} gave {r:?}");
            }
        }
        assert_eq!(parse_conn(v("X:1"), 0), Err(ConnError::UnknownType(b'X')));
        assert_eq!(parse_conn(v("Q"), 0), Err(ConnError::Malformed));
        // An escaped NUL ends what the C reader sees.
        assert_eq!(parse_conn(Value::counted(b"NS:a\0:b"), 1), Err(ConnError::Malformed));
    }

    #[test]
    fn conn_reads_numbers_past_the_count() {
        // conn=N:1\32 unescapes to "N:12" followed by the stale "32".
        assert_eq!(parse_conn(Value::with_tail(b"N:1232", 4), 0), add(None, ConnValue::Number(1232.0)));
        // The string itself is counted.
        assert_eq!(parse_conn(Value::with_tail(b"S:ab32", 4), 0), add(None, ConnValue::String(2..4)));
    }

    #[test]
    fn depth_tracking() {
        let open = parse_conn(v("O:1"), 0).unwrap();
        let close = parse_conn(v("O:0"), 1).unwrap();
        let item = parse_conn(v("S:x"), 0).unwrap();
        assert_eq!(open.depth_after(0), 1);
        assert_eq!(open.depth_after(-1), 0);
        assert_eq!(close.depth_after(1), 0);
        assert_eq!(close.depth_after(0), -1);
        assert_eq!(item.depth_after(3), 3);
    }

    #[test]
    fn socks_split() {
        assert_eq!(split_socks(b"127.0.0.1:9050"), (9, 9050));
        assert_eq!(split_socks(b"proxy"), (5, 1080));
        assert_eq!(split_socks(b"proxy:"), (5, 0));
        assert_eq!(split_socks(b"p:70000"), (1, 4464));
        assert_eq!(split_socks(b"p:1:2"), (1, 1));
    }

    /// The pairs found, how the split ended, and the buffer afterwards.
    type Split = (Vec<(String, String)>, Result<(), BadEscape>, Vec<u8>);

    /// Runs the splitter over `s`.
    fn split(s: &str) -> Split {
        let mut buf = s.as_bytes().to_vec();
        let mut pairs = Vec::new();
        let mut cursor = cut_url(&mut buf);
        let mut result = Ok(());
        while let Some(c) = cursor {
            match next_option(&mut buf, c) {
                Ok(Some(o)) => {
                    let text = |r: Range<usize>| String::from_utf8_lossy(&buf[r]).into_owned();
                    pairs.push((text(o.name.clone()), text(o.value.clone())));
                    cursor = o.next;
                }
                Ok(None) => break,
                Err(e) => {
                    result = Err(e);
                    break;
                }
            }
        }
        (pairs, result, buf)
    }

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect()
    }

    #[test]
    fn splitting() {
        let (p, r, buf) = split("rtmp://h/a/s live=1 buffer=5");
        assert_eq!(p, pairs(&[("live", "1"), ("buffer", "5")]));
        assert_eq!(r, Ok(()));
        assert_eq!(buf, b"rtmp://h/a/s\0live\x001\0buffer\x005");

        let (p, _, buf) = split("u a=1   b=2 ");
        assert_eq!(p, pairs(&[("a", "1"), ("b", "2")]));
        assert_eq!(buf, b"u\0a\x001\0\0\0b\x002\0");

        // Spaces before the first pair belong to its name; a name may contain spaces.
        assert_eq!(split("u   live=1").0, pairs(&[("  live", "1")]));
        assert_eq!(split("u foo bar=1").0, pairs(&[("foo bar", "1")]));
        // No '=': the rest is ignored.
        assert_eq!(split("u live").0, pairs(&[]));
        assert_eq!(split("u a=1 junk").0, pairs(&[("a", "1")]));
        assert_eq!(split("u").0, pairs(&[]));
        assert_eq!(split("u ").0, pairs(&[]));
        // Values may hold '=' and be empty.
        assert_eq!(split("u tcUrl=rtmp://x/y?a=b").0, pairs(&[("tcUrl", "rtmp://x/y?a=b")]));
        assert_eq!(split("u a= b=2").0, pairs(&[("a", ""), ("b", "2")]));
        assert_eq!(split("u =x").0, pairs(&[("", "x")]));
    }

    #[test]
    fn unescaping() {
        let (p, r, buf) = split("u flashVer=FMLE/3.0\\20(compatible;\\20FMSc/1.0) x=\\41\\4a");
        assert_eq!(r, Ok(()));
        assert_eq!(p, pairs(&[("flashVer", "FMLE/3.0 (compatible; FMSc/1.0)"), ("x", "AJ")]));
        // Unescaping happens in place; what it leaves behind stays before the NUL.
        assert!(buf.ends_with(b"x\0AJ1\\4a"));
        assert_eq!(split("u a=\\5c\\2").1, Err(BadEscape));
        assert_eq!(split("u a=\\").1, Err(BadEscape));
        assert_eq!(split("u a=x\\4 b=1").1, Err(BadEscape));
        assert_eq!(split("u a=\\4 b=1").1, Err(BadEscape));
        assert_eq!(split("u a=\\41 b=\\").0, pairs(&[("a", "A")]));
        // Read like sscanf("%02x"): one digit, a sign, a 0x prefix.
        assert_eq!(split("u a=\\4g").0, pairs(&[("a", "\u{4}")]));
        assert_eq!(split("u a=\\0x41").0, pairs(&[("a", "\u{0}41")]));

        let mut value = *b"\\41\\zz\\42";
        assert_eq!(unescape_in_place(&mut value), Ok(3));
        assert_eq!(&value[..3], b"AAB");
        let mut value = *b"\\zz";
        assert_eq!(unescape_in_place(&mut value), Ok(1));
        assert_eq!(value[0], 0);
    }

    #[test]
    fn values_keep_their_tail() {
        let mut buf = b"u buffer=1\\32 live=o\\6e".to_vec();
        let cursor = cut_url(&mut buf).unwrap();
        let first = next_option(&mut buf, cursor).unwrap().unwrap();
        assert_eq!(first.value.len(), 2);
        assert_eq!(parse_int(first.value_in(&buf)), 1232);
        let second = next_option(&mut buf, first.next.unwrap()).unwrap().unwrap();
        assert_eq!(second.value_in(&buf).text(), b"on");
        assert!(!is_truth(second.value_in(&buf)));
        assert_eq!(second.value_end, buf.len());
    }
}
