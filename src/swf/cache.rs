//! `~/.swfinfo`, the cache of SWF sizes and hashes, in the original's format (so that both
//! libraries can share it), with the HTTP dates it records.

use std::io;

/// One entry of `~/.swfinfo`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct CacheEntry {
    pub url: String,
    pub ctim: String,
    pub date: String,
    pub size: u32,
    pub hash: [u8; 32],
}

pub(super) fn cache_path() -> std::path::PathBuf {
    crate::sys::home_dir().unwrap_or_else(|| ".".into()).join(".swfinfo")
}

/// Entries of the cache file, in order (fields in the original's fixed order; anything else skipped).
pub(super) fn read_cache(text: &str) -> Vec<CacheEntry> {
    let mut out = Vec::new();
    let mut cur: Option<CacheEntry> = None;
    for line in text.lines() {
        if let Some(u) = line.strip_prefix("url: ") {
            out.extend(cur.take());
            cur = Some(CacheEntry {
                url: u.to_string(),
                ctim: String::new(),
                date: String::new(),
                size: 0,
                hash: [0; 32],
            });
        } else if let Some(e) = cur.as_mut() {
            if let Some(v) = line.strip_prefix("ctim: ") {
                e.ctim = v.to_string();
            } else if let Some(v) = line.strip_prefix("date: ") {
                e.date = v.to_string();
            } else if let Some(v) = line.strip_prefix("size: ") {
                e.size = u32::from_str_radix(v.trim(), 16).unwrap_or(0);
            } else if let Some(v) = line.strip_prefix("hash: ") {
                let v = v.trim().as_bytes();
                for (i, b) in e.hash.iter_mut().enumerate() {
                    *b = v
                        .get(2 * i..2 * i + 2)
                        .and_then(|h| std::str::from_utf8(h).ok())
                        .and_then(|h| u8::from_str_radix(h, 16).ok())
                        .unwrap_or(0);
                }
            }
        }
    }
    out.extend(cur);
    out
}

pub(super) fn write_cache(entries: &[CacheEntry]) -> io::Result<()> {
    let mut text = String::new();
    for e in entries {
        let hex: String = e.hash.iter().map(|b| format!("{b:02x}")).collect();
        text.push_str(&format!(
            "url: {}\nctim: {}\ndate: {}\nsize: {:08x}\nhash: {hex}\n",
            e.url, e.ctim, e.date, e.size
        ));
    }
    let path = cache_path();
    let tmp = path.with_extension(format!("tmp.{}", std::process::id()));
    std::fs::write(&tmp, text)?;
    std::fs::rename(&tmp, &path)
}

const DAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let doy = (153 * (m + if m > 2 { -3 } else { 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146097 + doe - 719468
}

/// An HTTP date as the cache writes it: "Sun, 21 Nov 2026 10:00:00 GMT".
pub(super) fn http_date(unix: i64) -> String {
    let days = unix.div_euclid(86400);
    let secs = unix.rem_euclid(86400);
    let z = days + 719468;
    let era = if z >= 0 { z } else { z - 146096 } / 146097;
    let doe = z - era * 146097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    let wd = (days + 4).rem_euclid(7) as usize;
    format!(
        "{}, {:02} {} {} {:02}:{:02}:{:02} GMT",
        DAYS[wd],
        d,
        MONTHS[(m - 1) as usize],
        y,
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    )
}

/// Reads "Sun, 21 Nov 2026 10:00:00 GMT" (and the "-" separated variant) back.
pub(super) fn parse_http_date(s: &str) -> Option<i64> {
    let s = s.replace(['-', ':', ','], " ");
    let f: Vec<&str> = s.split_whitespace().collect();
    let (d, mon, y, hh, mm, ss) = (f.get(1)?, f.get(2)?, f.get(3)?, f.get(4)?, f.get(5)?, f.get(6)?);
    let m = MONTHS.iter().position(|x| x.eq_ignore_ascii_case(mon))? as i64 + 1;
    let mut y: i64 = y.parse().ok()?;
    if y < 100 {
        y += 1900;
    }
    let secs = hh.parse::<i64>().ok()? * 3600 + mm.parse::<i64>().ok()? * 60 + ss.parse::<i64>().ok()?;
    Some(days_from_civil(y, m, d.parse().ok()?) * 86400 + secs)
}

pub(super) fn now_unix() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_round_trip() {
        assert_eq!(http_date(0), "Thu, 01 Jan 1970 00:00:00 GMT");
        assert_eq!(http_date(1_795_257_982), "Sat, 21 Nov 2026 10:46:22 GMT");
        for t in [0i64, 951_782_400, 1_795_257_982, 4_102_444_799] {
            assert_eq!(parse_http_date(&http_date(t)), Some(t));
        }
        assert_eq!(parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT"), Some(784_111_777));
        assert_eq!(parse_http_date("garbage"), None);
    }

    #[test]
    fn cache_file_format() {
        let text = "url: http://a/b.swf\nctim: Sat, 21 Nov 2026 10:46:22 GMT\n\
                    date: Mon, 01 Jan 2024 00:00:00 GMT\nsize: 0000abcd\nhash: 00ff\n";
        let e = &read_cache(text)[0];
        assert_eq!((e.url.as_str(), e.size, e.hash[0], e.hash[1], e.hash[2]), ("http://a/b.swf", 0xabcd, 0, 0xff, 0));
    }
}
