//! The URL grammar of librtmp (`RTMP_ParseURL`, `RTMP_ParsePlaypath`), computed on bytes.
//!
//! Borrowed parts (host, app) come back as ranges into the URL, so that the C layer can point into
//! the caller's buffer as the original does; only the playpath is a new string, because the
//! original rewrites it (extension handling, `%XX` decoding). Every quirk of the original grammar is
//! kept on purpose: applications and servers have been written against it for fifteen years. The
//! one extension is the bracketed IPv6 literal (`rtmp://[::1]:1935/app`), which the original cannot
//! parse at all.

use std::ops::Range;

pub const PROTOCOL_RTMP: i32 = 0;
pub const PROTOCOL_RTMPT: i32 = 1;
pub const PROTOCOL_RTMPE: i32 = 2;
pub const PROTOCOL_RTMPTE: i32 = 3;
pub const PROTOCOL_RTMPS: i32 = 4;
pub const PROTOCOL_RTMPTS: i32 = 5;
pub const PROTOCOL_RTMFP: i32 = 8;

/// Lower-case scheme names indexed by protocol number, the spelling a built tcUrl uses (numbers 6
/// and 7 name no protocol).
const SCHEME_NAMES: [&str; 9] = ["rtmp", "rtmpt", "rtmpe", "rtmpte", "rtmps", "rtmpts", "", "", "rtmfp"];

/// A longer host is not taken (the original's limit; the caller's previous host stays).
pub const MAX_HOST_LEN: usize = 255;

/// The protocol number of a scheme (case-insensitive), or `None` for a scheme librtmp does not know.
pub fn protocol_of_scheme(scheme: &[u8]) -> Option<i32> {
    SCHEME_NAMES
        .iter()
        .position(|name| !name.is_empty() && scheme.eq_ignore_ascii_case(name.as_bytes()))
        .map(|i| i as i32)
}

/// The lower-case scheme of a protocol number; empty for numbers that name none.
pub fn scheme_of_protocol(protocol: i32) -> &'static str {
    usize::try_from(protocol).ok().and_then(|i| SCHEME_NAMES.get(i)).copied().unwrap_or("")
}

/// What `RTMP_ParseURL` reports for a URL it accepts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedUrl {
    pub protocol: i32,
    /// `None` when the host is longer than [`MAX_HOST_LEN`]: the original then leaves the caller's
    /// host untouched but still accepts the URL.
    pub host: Option<Range<usize>>,
    /// 0 when the URL has none or when it is out of range (the default is applied later).
    pub port: u32,
    /// `None` when nothing follows the host (the C side reports `{NULL, 0}`).
    pub app: Option<Range<usize>>,
    /// `None` when the URL has no playpath part.
    pub playpath: Option<Vec<u8>>,
}

/// Why `RTMP_ParseURL` refuses a URL. By then the original has already stored the protocol, which
/// `RTMP_SetupURL` leaves in `Link.protocol`, so the error says what it was.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UrlError {
    /// No `://` anywhere; the protocol stays RTMP.
    NoSchemeSeparator,
    /// Nothing after `://`.
    NoHost { protocol: i32 },
}

impl std::fmt::Display for UrlError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            UrlError::NoSchemeSeparator => f.write_str("RTMP URL: no :// in the URL"),
            UrlError::NoHost { .. } => f.write_str("RTMP URL: no host name after ://"),
        }
    }
}

impl std::error::Error for UrlError {}

/// `RTMP_ParseURL`: `scheme://host[:port][/app[/instance…]][/playpath]`, `url` being the C string
/// without its terminating NUL.
pub fn parse_url(url: &[u8]) -> Result<ParsedUrl, UrlError> {
    log::debug!("Parsing URL...");
    let sep = find(url, 0, b"://").ok_or_else(|| {
        log::error!("RTMP URL: no :// in the URL");
        UrlError::NoSchemeSeparator
    })?;
    let protocol = match protocol_of_scheme(&url[..sep]) {
        Some(p) => {
            log::debug!("Parsed protocol: {p}");
            p
        }
        None => {
            log::warn!("Unknown protocol {}, using rtmp", String::from_utf8_lossy(&url[..sep]));
            PROTOCOL_RTMP
        }
    };
    let start = sep + 3;
    if start == url.len() {
        log::warn!("No hostname in URL");
        return Err(UrlError::NoHost { protocol });
    }

    let slash = find_byte(url, start, b'/');
    let (host, after_host) = bracketed_host(url, start).unwrap_or_else(|| plain_host(url, start, slash));
    let host = if host.len() <= MAX_HOST_LEN {
        log::debug!("Parsed host    : {}", String::from_utf8_lossy(&url[host.clone()]));
        Some(host)
    } else {
        log::warn!("Hostname longer than {MAX_HOST_LEN} characters, ignored");
        None
    };

    let mut port = 0;
    if url.get(after_host) == Some(&b':') {
        // The original reads the port with atoi into an unsigned int: a sign or a huge number wraps.
        let value = cscan::atoi(&url[after_host + 1..]) as u32;
        if value > 65535 {
            log::warn!("Invalid port number {value}, ignored");
        } else {
            port = value;
        }
    }

    let Some(slash) = slash else {
        log::warn!("No application or playpath in URL");
        return Ok(ParsedUrl { protocol, host, port, app: None, playpath: None });
    };
    let (app, playpath_start) = split_app(url, start, slash + 1);
    log::debug!("Parsed app     : {}", String::from_utf8_lossy(&url[app.clone()]));
    let playpath = (playpath_start < url.len()).then(|| playpath_from(url, playpath_start));
    Ok(ParsedUrl { protocol, host, port, app: Some(app), playpath })
}

/// The original's host: up to the first `/`, or the first `:` if that comes sooner.
fn plain_host(url: &[u8], start: usize, slash: Option<usize>) -> (Range<usize>, usize) {
    let mut end = slash.unwrap_or(url.len());
    if let Some(colon) = find_byte(url, start, b':') {
        end = end.min(colon);
    }
    (start..end, end)
}

/// A `[v6]` literal at `start`: the address without brackets and where the text after `]` starts.
/// Only text that is unmistakably an address literal qualifies; anything else keeps the original's
/// reading (which takes `[` as the host).
fn bracketed_host(url: &[u8], start: usize) -> Option<(Range<usize>, usize)> {
    if url.get(start) != Some(&b'[') {
        return None;
    }
    let close = find_byte(url, start + 1, b']')?;
    let addr = &url[start + 1..close];
    let address_like = addr.contains(&b':')
        && addr.iter().all(|&b| b.is_ascii_alphanumeric() || matches!(b, b':' | b'.' | b'%' | b'-' | b'_'));
    let ends_cleanly = matches!(url.get(close + 1), None | Some(b':') | Some(b'/'));
    (address_like && ends_cleanly).then_some((start + 1..close, close + 1))
}

/// Splits the path that starts at `path` into the app and the start of the playpath.
///
/// The app is normally the path up to its third `/` (or the second, or the first); `ondemand/`
/// paths keep only `ondemand`; and a query with `slist=` makes the whole path the app while the
/// playpath is read from the query. In that last case the playpath starts at the URL's first `?`,
/// which the original finds from the start of the host, so it can lie before `path`.
fn split_app(url: &[u8], host_start: usize, path: usize) -> (Range<usize>, usize) {
    let end = url.len();
    let question = find_byte(url, host_start, b'?');
    let (app_len, playpath_start) = match question {
        Some(q) if find(url, path, b"slist=").is_some() => (end - path, q),
        _ if url[path..].starts_with(b"ondemand/") => (8, path + 8),
        _ => {
            let app_end = nth_slash_after(url, path, 3)
                .or_else(|| nth_slash_after(url, path, 2))
                .or_else(|| nth_slash_after(url, path, 1))
                .unwrap_or(end);
            (app_end - path, app_end)
        }
    };
    let playpath_start = if url.get(playpath_start) == Some(&b'/') { playpath_start + 1 } else { playpath_start };
    (path..path + app_len, playpath_start)
}

/// The index of the `n`th `/` at or after `from`.
fn nth_slash_after(url: &[u8], from: usize, n: usize) -> Option<usize> {
    url[from..].iter().enumerate().filter(|&(_, &b)| b == b'/').nth(n - 1).map(|(i, _)| from + i)
}

/// The tcUrl `RTMP_SetupURL` builds when the app comes from an option rather than the URL:
/// `scheme://host:port/app`. The port is written even when it is 0, which is what it still is when
/// the URL had none (the original's quirk; servers see `:0`). An IPv6 host gets its brackets back.
pub fn build_tc_url(protocol: i32, host: &[u8], port: u16, app: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(host.len() + app.len() + 18);
    out.extend_from_slice(scheme_of_protocol(protocol).as_bytes());
    out.extend_from_slice(b"://");
    let bracket = host.contains(&b':');
    if bracket {
        out.push(b'[');
    }
    out.extend_from_slice(host);
    if bracket {
        out.push(b']');
    }
    out.extend_from_slice(format!(":{port}/").as_bytes());
    out.extend_from_slice(app);
    out
}

/// `RTMP_ParsePlaypath` on a playpath given on its own (`av_len` bytes).
pub fn parse_playpath(input: &[u8]) -> Vec<u8> {
    playpath_from(input, 0)
}

/// The playpath the original derives from `buf[start..]`, `buf` being the whole C string.
///
/// The original looks at bytes outside the playpath proper: the extension sits before the first `?`
/// anywhere after the playpath's start (past an `slist=` value's end too), and `%XX` digits may be
/// read past that end. Working on the whole string reproduces this exactly.
fn playpath_from(buf: &[u8], start: usize) -> Vec<u8> {
    let mut from = start;
    let mut len = buf.len() - start;
    let mut from_slist = false;
    if buf.get(start) == Some(&b'?') {
        if let Some(at) = find(buf, start, b"slist=") {
            from = at + 6;
            len = find_byte(buf, from, b'&').unwrap_or(buf.len()) - from;
            from_slist = true;
        }
    }

    let Extension { at: ext, prefix, mut strip } = classify_extension(buf, from, len, from_slist);
    let mut out = Vec::with_capacity(len + 4);
    if let Some(prefix) = prefix {
        // A name that already carries the prefix keeps its extension as well.
        if buf[from..].starts_with(prefix) {
            strip = false;
        } else {
            out.extend_from_slice(prefix);
        }
    }
    decode_into(&mut out, buf, from, len, ext.filter(|_| strip));
    out
}

/// What the extension check decided: where the four extension bytes are (possibly before the
/// playpath, or beyond its end), the stream-type prefix to add, and whether to drop the extension.
struct Extension {
    at: Option<isize>,
    prefix: Option<&'static [u8; 4]>,
    strip: bool,
}

fn classify_extension(buf: &[u8], from: usize, len: usize, from_slist: bool) -> Extension {
    let none = Extension { at: None, prefix: None, strip: false };
    if len < 4 {
        return none;
    }
    let at = match find_byte(buf, from, b'?') {
        Some(q) => q as isize - 4,
        None => (from + len) as isize - 4,
    };
    let is = |ext: &[u8; 4]| usize::try_from(at).ok().and_then(|i| buf.get(i..i + 4)) == Some(&ext[..]);
    let (prefix, strip) = if is(b".f4v") || is(b".mp4") {
        (Some(b"mp4:"), true)
    } else if !from_slist && is(b".flv") {
        // An slist value keeps its .flv: the server wants it there.
        (None, true)
    } else if is(b".mp3") {
        (Some(b"mp3:"), true)
    } else {
        return none;
    };
    Extension { at: Some(at), prefix, strip }
}

/// Copies `len` bytes from `buf[from..]` into `out`, skipping the extension at `skip` and decoding
/// `%XX` (read as `sscanf("%02x")` does: leading blanks, a sign or a lone digit are accepted).
fn decode_into(out: &mut Vec<u8>, buf: &[u8], from: usize, len: usize, skip: Option<isize>) {
    let mut p = from;
    let mut left = len as isize;
    // An unreadable %XX leaves the original's variable as it was (undefined at first); this
    // version repeats the last decoded byte, or writes 0.
    let mut last = 0u8;
    while left > 0 {
        if skip == Some(p as isize) {
            p += 4;
            left -= 4;
            continue;
        }
        if buf[p] == b'%' {
            if let Some(v) = cscan::hex2(&buf[p + 1..]) {
                last = v as u8;
            }
            out.push(last);
            p += 3;
            left -= 3;
        } else {
            out.push(buf[p]);
            p += 1;
            left -= 1;
        }
    }
}

/// The first `needle` in `hay[from..]`, as an index into `hay`.
fn find(hay: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    hay.get(from..)?.windows(needle.len()).position(|w| w == needle).map(|i| from + i)
}

fn find_byte(hay: &[u8], from: usize, byte: u8) -> Option<usize> {
    hay.get(from..)?.iter().position(|&b| b == byte).map(|i| from + i)
}

/// Numbers read the way the C library reads them (`strtol`, `atoi`, `strtod`, `sscanf("%02x")` in
/// the C locale), prefix-wise with trailing text ignored. The original hands option values and URL
/// parts to these functions, so their leniency is part of its behaviour.
pub mod cscan {
    use core::ffi::c_long;

    /// `isspace` in the C locale.
    pub fn is_space(b: u8) -> bool {
        matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
    }

    fn skip_space(s: &[u8]) -> usize {
        s.iter().position(|&b| !is_space(b)).unwrap_or(s.len())
    }

    /// Leading blanks and an optional sign: (index after them, negative).
    fn sign(s: &[u8]) -> (usize, bool) {
        let i = skip_space(s);
        match s.get(i) {
            Some(b'-') => (i + 1, true),
            Some(b'+') => (i + 1, false),
            _ => (i, false),
        }
    }

    fn digit_value(b: u8) -> Option<u32> {
        (b as char).to_digit(36)
    }

    /// `strtol(s, NULL, base)` with `base` 0 (prefix decides: `0x` hex, `0` octal) or 2..=36.
    /// The result is C's `long`: 64 bits on 64-bit Linux, 32 on Windows and 32-bit systems;
    /// out-of-range values saturate to it, as `strtol` does.
    pub fn strtol(s: &[u8], base: u32) -> c_long {
        let (mut i, negative) = sign(s);
        let mut base = base;
        if s.get(i) == Some(&b'0') {
            let x = matches!(s.get(i + 1), Some(b'x' | b'X'));
            let hex_follows = s.get(i + 2).and_then(|&b| digit_value(b)).is_some_and(|d| d < 16);
            if (base == 0 || base == 16) && x && hex_follows {
                i += 2;
                base = 16;
            } else if base == 0 {
                base = 8;
            }
        }
        if base == 0 {
            base = 10;
        }
        // The magnitude may reach c_long::MAX + 1 when negative; u128 holds any saturated value.
        let limit = if negative { c_long::MIN.unsigned_abs() as u128 } else { c_long::MAX as u128 };
        let mut magnitude: u128 = 0;
        for &b in &s[i..] {
            match digit_value(b) {
                Some(d) if d < base => magnitude = (magnitude * base as u128 + d as u128).min(limit + 1),
                _ => break,
            }
        }
        let magnitude = magnitude.min(limit);
        if negative {
            (magnitude as u64).wrapping_neg() as c_long
        } else {
            magnitude as c_long
        }
    }

    /// `atoi`, the C library's own: what an overflowing value gives differs between them (glibc's
    /// is `(int) strtol(s, NULL, 10)`, msvcrt's wraps), and the original uses its platform's.
    pub fn atoi(s: &[u8]) -> i32 {
        crate::sys::atoi(s)
    }

    /// `sscanf(s, "%02x", &c)`: `None` when nothing converts. Blanks are skipped first; the two
    /// characters of the width may also be a sign and a digit, or a `0x` prefix (which reads as 0).
    pub fn hex2(s: &[u8]) -> Option<i32> {
        let mut i = skip_space(s);
        let mut width = 2;
        let mut negative = false;
        if let Some(&c @ (b'+' | b'-')) = s.get(i) {
            negative = c == b'-';
            i += 1;
            width -= 1;
        }
        let mut any = false;
        let mut value = 0i32;
        if width > 0 && s.get(i) == Some(&b'0') {
            any = true;
            i += 1;
            width -= 1;
            if width > 0 && matches!(s.get(i), Some(b'x' | b'X')) {
                width = 0;
            }
        }
        while width > 0 {
            match s.get(i).and_then(|&b| (b as char).to_digit(16)) {
                Some(d) => value = value * 16 + d as i32,
                None => break,
            }
            any = true;
            i += 1;
            width -= 1;
        }
        any.then_some(if negative { -value } else { value })
    }

    /// `strtod(s, NULL)` in the C locale: decimal and hexadecimal forms, `inf`, `infinity`, `nan`
    /// and `nan(…)`, each correctly rounded; 0.0 when nothing converts.
    pub fn strtod(s: &[u8]) -> f64 {
        let (i, negative) = sign(s);
        let rest = &s[i..];
        let magnitude = if starts_with_ci(rest, b"inf") {
            f64::INFINITY
        } else if starts_with_ci(rest, b"nan") {
            f64::NAN
        } else if matches!(rest, [b'0', b'x' | b'X', ..]) && hex_mantissa_follows(&rest[2..]) {
            hex_float(&rest[2..])
        } else {
            match decimal_float(rest) {
                Some(v) => v,
                None => return 0.0,
            }
        };
        if negative {
            -magnitude
        } else {
            magnitude
        }
    }

    fn starts_with_ci(s: &[u8], word: &[u8]) -> bool {
        s.len() >= word.len() && s[..word.len()].eq_ignore_ascii_case(word)
    }

    fn hex_mantissa_follows(s: &[u8]) -> bool {
        match s {
            [b'.', d, ..] | [d, ..] => d.is_ascii_hexdigit(),
            [] => false,
        }
    }

    /// Digits at the start of `s`.
    fn run(s: &[u8], accept: impl Fn(u8) -> bool) -> usize {
        s.iter().position(|&b| !accept(b)).unwrap_or(s.len())
    }

    /// An exponent (`e12`, `p-3`) at the start of `s`, if it has digits; saturates far beyond any
    /// exponent a double can use.
    fn exponent(s: &[u8], marker: u8) -> Option<i64> {
        if !s.first().is_some_and(|b| b.eq_ignore_ascii_case(&marker)) {
            return None;
        }
        let (negative, digits) = match s.get(1) {
            Some(b'-') => (true, &s[2..]),
            Some(b'+') => (false, &s[2..]),
            _ => (false, &s[1..]),
        };
        let n = run(digits, |b| b.is_ascii_digit());
        if n == 0 {
            return None;
        }
        let value = digits[..n].iter().fold(0i64, |acc, &d| (acc * 10 + (d - b'0') as i64).min(1 << 40));
        Some(if negative { -value } else { value })
    }

    fn decimal_float(s: &[u8]) -> Option<f64> {
        let int = run(s, |b| b.is_ascii_digit());
        let frac = if s.get(int) == Some(&b'.') { run(&s[int + 1..], |b| b.is_ascii_digit()) } else { 0 };
        if int == 0 && frac == 0 {
            return None;
        }
        let mantissa_end = if s.get(int) == Some(&b'.') { int + 1 + frac } else { int };
        let exp = exponent(&s[mantissa_end..], b'e').unwrap_or(0);
        // Rebuild a form Rust's (correctly rounding) parser accepts whatever the C spelling was.
        let text = format!(
            "{}.{}e{}",
            if int == 0 { "0" } else { std::str::from_utf8(&s[..int]).ok()? },
            if frac == 0 { "0" } else { std::str::from_utf8(&s[int + 1..int + 1 + frac]).ok()? },
            exp
        );
        text.parse().ok()
    }

    /// The hexadecimal form after `0x`: the value of the hex digits (with their point) times two to
    /// the `p` exponent.
    fn hex_float(s: &[u8]) -> f64 {
        let mut mantissa: u64 = 0;
        let mut sticky = false;
        let mut exp2: i64 = 0;
        let mut i = 0;
        let mut seen_point = false;
        loop {
            match s.get(i) {
                Some(b'.') if !seen_point => seen_point = true,
                Some(&b) if b.is_ascii_hexdigit() => {
                    let d = (b as char).to_digit(16).unwrap_or(0) as u64;
                    if mantissa >> 60 == 0 {
                        mantissa = mantissa << 4 | d;
                        if seen_point {
                            exp2 -= 4;
                        }
                    } else {
                        // Digits beyond 64 bits only matter for rounding.
                        sticky |= d != 0;
                        if !seen_point {
                            exp2 += 4;
                        }
                    }
                }
                _ => break,
            }
            i += 1;
        }
        let exp = exponent(&s[i..], b'p').unwrap_or(0);
        compose_binary(mantissa, sticky, exp2.saturating_add(exp))
    }

    /// `mantissa × 2^exp2` rounded to nearest-even, `sticky` meaning non-zero bits below the mantissa.
    fn compose_binary(mantissa: u64, sticky: bool, exp2: i64) -> f64 {
        if mantissa == 0 {
            return 0.0;
        }
        let lz = mantissa.leading_zeros() as i64;
        let m = mantissa << lz;
        // The value is 1.f × 2^top with `m`'s top bit as the 1.
        let top = exp2 - lz + 63;
        if top > 1023 {
            return f64::INFINITY;
        }
        let bits = if top >= -1022 { 53 } else { top + 1075 };
        if bits < 0 {
            return 0.0;
        }
        let shift = (64 - bits) as u32;
        let (mut kept, rem, half) = if shift == 64 {
            (0u64, m, 1u64 << 63)
        } else {
            (m >> shift, m & ((1u64 << shift) - 1), 1u64 << (shift - 1))
        };
        if rem > half || (rem == half && (sticky || kept & 1 == 1)) {
            kept += 1;
        }
        if top >= -1022 {
            let mut top = top;
            if kept == 1 << 53 {
                kept >>= 1;
                top += 1;
            }
            if top > 1023 {
                return f64::INFINITY;
            }
            f64::from_bits(((top + 1023) as u64) << 52 | (kept & ((1 << 52) - 1)))
        } else {
            // Subnormal: a carry into bit 52 is exactly the smallest normal number's encoding.
            f64::from_bits(kept)
        }
    }
}

/// The port a URL without one connects to: 443 for rtmps (and rtmpts), 80 for the HTTP tunnel,
/// 1935 otherwise. `protocol` holds RTMP_FEATURE_* bits.
pub fn default_port(protocol: i32) -> u16 {
    const HTTP: i32 = 0x01;
    const SSL: i32 = 0x04;
    if protocol & SSL != 0 {
        443
    } else if protocol & HTTP != 0 {
        80
    } else {
        1935
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn default_ports_follow_the_transport() {
        assert_eq!(default_port(0), 1935);
        assert_eq!(default_port(0x02), 1935); // rtmpe
        assert_eq!(default_port(0x01), 80); // rtmpt
        assert_eq!(default_port(0x04), 443); // rtmps
        assert_eq!(default_port(0x05), 443); // rtmpts
    }

    use super::cscan::*;
    use super::*;
    use core::ffi::c_long;

    fn parse(url: &str) -> ParsedUrl {
        parse_url(url.as_bytes()).unwrap()
    }

    fn part<'a>(url: &'a str, r: &Option<Range<usize>>) -> Option<&'a str> {
        r.clone().map(|r| &url[r])
    }

    /// (host, port, app, playpath) of a URL.
    fn parts(url: &str) -> (Option<&str>, u32, Option<&str>, Option<String>) {
        let p = parse(url);
        (part(url, &p.host), p.port, part(url, &p.app), p.playpath.map(|v| String::from_utf8_lossy(&v).into_owned()))
    }

    fn pp(s: &str) -> String {
        String::from_utf8_lossy(&parse_playpath(s.as_bytes())).into_owned()
    }

    #[test]
    fn schemes() {
        for (scheme, proto) in [
            ("rtmp", 0),
            ("rtmpt", 1),
            ("rtmpe", 2),
            ("rtmpte", 3),
            ("rtmps", 4),
            ("rtmpts", 5),
            ("rtmfp", 8),
            ("RTMPTE", 3),
            ("RtMpS", 4),
            ("http", 0),
            ("rtmpx", 0),
            ("", 0),
        ] {
            assert_eq!(parse(&format!("{scheme}://h/a/s")).protocol, proto, "{scheme}");
        }
        assert_eq!(scheme_of_protocol(3), "rtmpte");
        assert_eq!(scheme_of_protocol(6), "");
        assert_eq!(scheme_of_protocol(8), "rtmfp");
        assert_eq!(scheme_of_protocol(-1), "");
        assert_eq!(scheme_of_protocol(99), "");
    }

    #[test]
    fn refusals() {
        assert_eq!(parse_url(b"example.com/app"), Err(UrlError::NoSchemeSeparator));
        assert_eq!(parse_url(b""), Err(UrlError::NoSchemeSeparator));
        assert_eq!(parse_url(b"rtmpe://"), Err(UrlError::NoHost { protocol: 2 }));
        assert_eq!(parse_url(b"foo://"), Err(UrlError::NoHost { protocol: 0 }));
        // The first "://" decides, wherever it is.
        assert_eq!(parse("x/rtmp://h/a").protocol, 0);
    }

    #[test]
    fn vectors_of_the_original() {
        let s = |v: &str| Some(v.to_string());
        assert_eq!(parts("rtmp://example.com/app/stream"), (Some("example.com"), 0, Some("app"), s("stream")));
        assert_eq!(
            parts("rtmp://example.com:1936/app/inst/mp4:file.mp4"),
            (Some("example.com"), 1936, Some("app/inst"), s("mp4:file.mp4"))
        );
        assert_eq!(parts("rtmp://example.com/app/inst/file.mp4").3, s("mp4:file"));
        assert_eq!(
            parts("rtmp://example.com/app/inst/sub/file.flv"),
            (Some("example.com"), 0, Some("app/inst/sub"), s("file"))
        );
        assert_eq!(parts("rtmp://example.com/app/a/b/c/d/e.flv").2, Some("app/a/b"));
        assert_eq!(parts("rtmp://example.com/app/a/b/c/d/e.flv").3, s("c/d/e"));
        assert_eq!(
            parts("rtmp://example.com/ondemand/foo/bar.mp4"),
            (Some("example.com"), 0, Some("ondemand"), s("mp4:foo/bar"))
        );
        assert_eq!(parts("rtmp://example.com/app/file.mp3").3, s("mp3:file"));
        assert_eq!(parts("rtmp://example.com/app/file.f4v").3, s("mp4:file"));
        assert_eq!(parts("rtmp://example.com/app/file%20name.flv").3, s("file name"));
        assert_eq!(parts("rtmp://example.com/app/stream?token=abc").3, s("stream?token=abc"));
        assert_eq!(parts("rtmp://example.com/app/file.flv?token=abc").3, s("file?token=abc"));
        assert_eq!(
            parts("rtmpe://example.com/app?slist=mp4:folder/video.mp4&other=1"),
            (Some("example.com"), 0, Some("app?slist=mp4:folder/video.mp4&other=1"), s("mp4:folder/video.mp4"))
        );
        assert_eq!(parts("RTMP://EXAMPLE.com/App/Stream"), (Some("EXAMPLE.com"), 0, Some("App"), s("Stream")));
        assert_eq!(parts("rtmp://example.com"), (Some("example.com"), 0, None, None));
        assert_eq!(parts("rtmp://example.com/"), (Some("example.com"), 0, Some(""), None));
        assert_eq!(parts("rtmp://example.com:99999/app/stream"), (Some("example.com"), 0, Some("app"), s("stream")));
        // Options left in the string are swallowed by the app and the playpath.
        assert_eq!(
            parts("rtmp://example.com/app/stream app=other/inst"),
            (Some("example.com"), 0, Some("app/stream app=other"), s("inst"))
        );
        assert_eq!(
            parts("rtmp://example.com:1940/app/stream app=other tcUrl=rtmp://x/y"),
            (Some("example.com"), 1940, Some("app/stream app=other tcUrl=rtmp:/"), s("x/y"))
        );
    }

    #[test]
    fn app_slash_rule() {
        assert_eq!(parts("rtmp://h/app").2, Some("app"));
        assert_eq!(parts("rtmp://h/app").3, None);
        assert_eq!(parts("rtmp://h/app/").2, Some("app"));
        assert_eq!(parts("rtmp://h/app/").3, None);
        assert_eq!(parts("rtmp://h/a/b/").2, Some("a/b"));
        assert_eq!(parts("rtmp://h/a/b/").3, None);
        assert_eq!(parts("rtmp://h/a/b/c/").2, Some("a/b/c"));
        assert_eq!(parts("rtmp://h/a/b/c/").3, None);
        assert_eq!(parts("rtmp://h//s").2, Some(""));
        assert_eq!(parts("rtmp://h//s").3, Some("s".into()));
        assert_eq!(parts("rtmp://h/ondemand/").2, Some("ondemand"));
        assert_eq!(parts("rtmp://h/ondemand/").3, None);
        assert_eq!(parts("rtmp://h/ondemand").2, Some("ondemand"));
        // "ondemand/" is matched case-sensitively.
        assert_eq!(parts("rtmp://h/OnDemand/a/b/c").2, Some("OnDemand/a/b"));
        assert_eq!(parts("rtmp://h/ondemand/a/b/c/d.flv").3, Some("a/b/c/d".into()));
    }

    #[test]
    fn host_and_port_quirks() {
        assert_eq!(parts("rtmp:///app/s").0, Some(""));
        assert_eq!(parts("rtmp://h:/app/s").1, 0);
        assert_eq!(parts("rtmp://h:abc/app/s").1, 0);
        assert_eq!(parts("rtmp://h:65535/app/s").1, 65535);
        assert_eq!(parts("rtmp://h:65536/app/s").1, 0);
        assert_eq!(parts("rtmp://h: +80/app/s").1, 80);
        assert_eq!(parts("rtmp://h:-1/app/s").1, 0);
        assert_eq!(parts("rtmp://h:80x/app/s").1, 80);
        // atoi truncates a 64-bit long to int: 2^32 + 1935 reads as 1935; a 32-bit long
        // saturates, and the port is out of range.
        let expect = if cfg!(target_pointer_width = "64") { 1935 } else { 0 };
        assert_eq!(parts("rtmp://h:4294969231/app/s").1, expect);
        // A colon after the first slash is not a port.
        assert_eq!(parts("rtmp://h/app:1/s"), (Some("h"), 0, Some("app:1"), Some("s".into())));
        assert_eq!(parts("rtmp://h:1935"), (Some("h"), 1935, None, None));
        assert_eq!(parts("rtmp://user@h/a/s").0, Some("user@h"));
        let long = format!("rtmp://{}/app/s", "a".repeat(255));
        assert_eq!(parse(&long).host, Some(7..262));
        let too_long = format!("rtmp://{}:99/app/s", "a".repeat(256));
        let p = parse(&too_long);
        assert_eq!((p.host, p.port), (None, 99));
        assert_eq!(part(&too_long, &p.app), Some("app"));
    }

    #[test]
    fn ipv6_literals() {
        assert_eq!(parts("rtmp://[::1]:1935/app/stream"), (Some("::1"), 1935, Some("app"), Some("stream".into())));
        assert_eq!(parts("rtmp://[2001:db8::7]/live/x"), (Some("2001:db8::7"), 0, Some("live"), Some("x".into())));
        assert_eq!(parts("rtmp://[fe80::1%eth0]:80"), (Some("fe80::1%eth0"), 80, None, None));
        assert_eq!(parts("rtmp://[::ffff:1.2.3.4]").0, Some("::ffff:1.2.3.4"));
        // Not an address literal: read as the original does.
        assert_eq!(parts("rtmp://[abc]/a/s").0, Some("[abc]"));
        assert_eq!(parts("rtmp://[::1]x/a/s").0, Some("["));
        assert_eq!(parts("rtmp://[::1/a/s").0, Some("["));
        assert_eq!(parts("rtmp://[/a]/s").0, Some("["));
    }

    #[test]
    fn slist_quirks() {
        // The '?' is looked for from the host on: before the path, the playpath starts there.
        let url = "rtmp://h?q/slist=abc";
        let p = parse(url);
        assert_eq!(part(url, &p.host), Some("h?q"));
        assert_eq!(part(url, &p.app), Some("slist=abc"));
        assert_eq!(p.playpath.as_deref(), Some(&b"abc"[..]));
        // slist= without a '?' anywhere is an ordinary path.
        assert_eq!(parts("rtmp://h/app/slist=x.mp4").3, Some("mp4:slist=x".into()));
        assert_eq!(parts("rtmp://h/app?slist=a.flv").3, Some("a.flv".into()));
        assert_eq!(parts("rtmp://h/app?slist=a.mp3&b").3, Some("mp3:a".into()));
        assert_eq!(parts("rtmp://h/app?x=1&slist=").3, Some("".into()));
    }

    #[test]
    fn playpath_rules() {
        assert_eq!(pp("file.mp4"), "mp4:file");
        assert_eq!(pp("file.MP4"), "file.MP4");
        assert_eq!(pp("file.mp3"), "mp3:file");
        assert_eq!(pp("file.flv"), "file");
        assert_eq!(pp("mp4:file.mp4"), "mp4:file.mp4");
        assert_eq!(pp("mp3:file.mp3"), "mp3:file.mp3");
        assert_eq!(pp("mp4:file.f4v"), "mp4:file.f4v");
        // mp3: prefix does not stop an .mp4 being prefixed.
        assert_eq!(pp("mp3:file.mp4"), "mp4:mp3:file");
        assert_eq!(pp(".mp4"), "mp4:");
        assert_eq!(pp("a.mp"), "a.mp");
        assert_eq!(pp("abc"), "abc");
        assert_eq!(pp(""), "");
        assert_eq!(pp("f.mp4?a=b.flv"), "mp4:f?a=b.flv");
        assert_eq!(pp("dir/f.flv?x"), "dir/f?x");
        // The extension is taken before the first '?', even when the playpath is shorter.
        assert_eq!(pp("?x.mp4?"), "?x.mp4?");
        assert_eq!(pp("?slist=abcdef&x.mp4?y"), "mp4:abcdef");
        assert_eq!(pp("?slist=video.mp4&x=1"), "mp4:video");
        assert_eq!(pp("?slist=video.flv"), "video.flv");
        assert_eq!(pp("?noslist"), "?noslist");
        assert_eq!(pp("a%41%42c"), "aABc");
        assert_eq!(pp("%2fx"), "/x");
    }

    #[test]
    fn percent_decoding_quirks() {
        let raw = |s: &str| parse_playpath(s.as_bytes());
        assert_eq!(raw("a% 41b"), b"aA1b");
        assert_eq!(raw("%-1x"), [0xff, b'x']);
        assert_eq!(raw("%+fx"), [0x0f, b'x']);
        assert_eq!(raw("%0x41"), b"\x0041");
        assert_eq!(raw("%4"), [4]);
        assert_eq!(raw("%41%zz"), b"AA");
        assert_eq!(raw("a%zzb"), b"a\0b");
        assert_eq!(raw("%"), [0]);
        // The extension is looked for in the raw text and skipped only where the copy lands on it.
        assert_eq!(raw("a%2e.flv"), b"a.");
        assert_eq!(raw("x.f%6cv"), b"x.flv");
        assert_eq!(raw("%4.flv"), b"\x04flv");
    }

    #[test]
    fn extension_before_the_playpath_is_never_matched() {
        // From a URL the bytes before the playpath are "/" and the app: the original reads them.
        assert_eq!(parts("rtmp://h/x.mp4/a?bcd").3, Some("a?bcd".into()));
        assert_eq!(pp("a?bcd"), "a?bcd");
    }

    #[test]
    fn built_tc_urls() {
        assert_eq!(build_tc_url(0, b"example.com", 0, b"other/inst"), b"rtmp://example.com:0/other/inst");
        assert_eq!(build_tc_url(3, b"h", 8080, b"a"), b"rtmpte://h:8080/a");
        assert_eq!(build_tc_url(8, b"h", 1, b""), b"rtmfp://h:1/");
        assert_eq!(build_tc_url(6, b"h", 1, b"a"), b"://h:1/a");
        assert_eq!(build_tc_url(0, b"::1", 1935, b"a"), b"rtmp://[::1]:1935/a");
    }

    #[test]
    fn strtol_like_c() {
        assert_eq!(strtol(b"0x10", 0), 16);
        assert_eq!(strtol(b"0X1f", 0), 31);
        assert_eq!(strtol(b"010", 0), 8);
        assert_eq!(strtol(b"09", 0), 0);
        assert_eq!(strtol(b"0x", 0), 0);
        assert_eq!(strtol(b"0xg", 0), 0);
        assert_eq!(strtol(b"  -42abc", 0), -42);
        assert_eq!(strtol(b"+7", 0), 7);
        assert_eq!(strtol(b"", 0), 0);
        assert_eq!(strtol(b"- 1", 0), 0);
        assert_eq!(strtol(b"\t\n\x0b\x0c\r 5", 10), 5);
        assert_eq!(strtol(b"0x10", 10), 0);
        assert_eq!(strtol(b"99999999999999999999999", 10), c_long::MAX);
        assert_eq!(strtol(b"-99999999999999999999999", 10), c_long::MIN);
        assert_eq!(atoi(b"12a"), 12);
        assert_eq!(atoi(b"-0"), 0);
        if core::mem::size_of::<c_long>() == 8 {
            // glibc's atoi is (int) strtol: a 64-bit long wraps into the int
            assert_eq!(strtol(b"-9223372036854775808", 10), c_long::MIN);
            assert_eq!(atoi(b"4294967297"), 1);
            assert_eq!(atoi(b"99999999999999999999"), -1);
        } else if cfg!(windows) {
            // msvcrt adds the digits up in an int, wrapping (as wine's has it)
            assert_eq!(atoi(b"4294969231"), 1935);
        }
    }

    #[test]
    fn hex2_like_sscanf() {
        assert_eq!(hex2(b"41"), Some(0x41));
        assert_eq!(hex2(b"4"), Some(4));
        assert_eq!(hex2(b"4g"), Some(4));
        assert_eq!(hex2(b"fF"), Some(0xff));
        assert_eq!(hex2(b"123"), Some(0x12));
        assert_eq!(hex2(b" 41"), Some(0x41));
        assert_eq!(hex2(b"-1"), Some(-1));
        assert_eq!(hex2(b"+a"), Some(10));
        assert_eq!(hex2(b"-"), None);
        assert_eq!(hex2(b"-g"), None);
        assert_eq!(hex2(b"0x41"), Some(0));
        assert_eq!(hex2(b"05"), Some(5));
        assert_eq!(hex2(b"zz"), None);
        assert_eq!(hex2(b""), None);
    }

    #[test]
    fn strtod_like_c() {
        assert_eq!(strtod(b"42"), 42.0);
        assert_eq!(strtod(b"  -1.5e3xyz"), -1500.0);
        assert_eq!(strtod(b".5"), 0.5);
        assert_eq!(strtod(b"5."), 5.0);
        assert_eq!(strtod(b"1e"), 1.0);
        assert_eq!(strtod(b"1e+"), 1.0);
        assert_eq!(strtod(b"."), 0.0);
        assert_eq!(strtod(b"abc"), 0.0);
        assert_eq!(strtod(b"0.1"), 0.1);
        assert_eq!(strtod(b"1e400"), f64::INFINITY);
        assert_eq!(strtod(b"1e-400"), 0.0);
        assert_eq!(strtod(b"INF"), f64::INFINITY);
        assert_eq!(strtod(b"-infinity"), f64::NEG_INFINITY);
        assert!(strtod(b"nan(123)").is_nan());
        assert_eq!(strtod(b"0x10"), 16.0);
        assert_eq!(strtod(b"0x1.8p1"), 3.0);
        assert_eq!(strtod(b"0x.8"), 0.5);
        assert_eq!(strtod(b"-0x1p-2"), -0.25);
        assert_eq!(strtod(b"0x"), 0.0);
        assert_eq!(strtod(b"0xg"), 0.0);
        assert_eq!(strtod(b"0x1p"), 1.0);
        assert_eq!(strtod(b"0x1p2000"), f64::INFINITY);
        assert_eq!(strtod(b"0x1p-1074"), f64::from_bits(1));
        assert_eq!(strtod(b"0x1p-1075"), 0.0);
        assert_eq!(strtod(b"0x1.8p-1074"), f64::from_bits(2));
        assert_eq!(strtod(b"0x1fffffffffffff"), 9007199254740991.0);
        // 2^53 + 1 ties to even, 2^53 + 3 rounds up.
        assert_eq!(strtod(b"0x20000000000001"), 9007199254740992.0);
        assert_eq!(strtod(b"0x20000000000003"), 9007199254740996.0);
        // Digits beyond 64 bits still break a tie.
        let above_tie = format!("0x20000000000001{}1", "0".repeat(14));
        assert_eq!(strtod(above_tie.as_bytes()), (2f64.powi(53) + 2.0) * 2f64.powi(60));
        let tie = format!("0x20000000000001{}", "0".repeat(15));
        assert_eq!(strtod(tie.as_bytes()), 2f64.powi(53) * 2f64.powi(60));
        assert_eq!(strtod(b"1e99999999999999999"), f64::INFINITY);
        assert_eq!(strtod(b"0x1.fffffffffffff8p1023"), f64::INFINITY);
        assert_eq!(strtod(b"0x1.fffffffffffffp1023"), f64::MAX);
    }
}
