//! SWF verification's groundwork: an HTTP/1.0 GET (http and https, for `HTTP_get`), the hash
//! of a player SWF (HMAC-SHA256 keyed "Genuine Adobe Flash Player 001" over the uncompressed
//! file, `CWS` inflated, as the original computes it), and `RTMP_HashSWF` on top of the
//! `~/.swfinfo` cache (`cache`).

#[cfg(feature = "crypto")]
mod cache;

use crate::transport::{Tcp, Transport};
#[cfg(feature = "crypto")]
use cache::{cache_path, http_date, now_unix, parse_http_date, read_cache, write_cache, CacheEntry};
use std::io;
use std::time::Duration;

/// How long the original gives an HTTP server to answer; connecting gets as long.
pub const HTTP_TIMEOUT: Duration = Duration::from_secs(5);
const AGENT: &str = "Mozilla/5.0";

/// `HTTPResult` of http.h, in its order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HttpResult {
    Ok,
    NotModified,
    NotFound,
    BadRequest,
    ServerError,
    Redirected,
    LostConnection,
}

/// What a GET gave, whatever its result.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HttpReply {
    /// The status code, -1 when no answer came.
    pub status: i32,
    pub last_modified: Option<String>,
    pub location: Option<String>,
    /// Body bytes handed to the sink.
    pub size: usize,
}

struct Target {
    tls: bool,
    host: String,
    port: u16,
    /// From the first `/` after the host on.
    path: String,
    /// What the original sends as Referer: the URL up to and including that `/`.
    referer: String,
}

fn parse_url(url: &str) -> Option<Target> {
    let (tls, rest) = if url.get(..7).is_some_and(|p| p.eq_ignore_ascii_case("http://")) {
        (false, &url[7..])
    } else if url.get(..8).is_some_and(|p| p.eq_ignore_ascii_case("https://")) {
        (true, &url[8..])
    } else {
        return None;
    };
    let slash = rest.find('/').unwrap_or(rest.len());
    let (hostport, path) = (&rest[..slash], if slash < rest.len() { &rest[slash..] } else { "/" });
    let default_port = if tls { 443 } else { 80 };
    let (host, port) = if let Some(h) = hostport.strip_prefix('[') {
        let close = h.find(']')?;
        let port = h[close + 1..].strip_prefix(':').map_or(Some(default_port), |p| p.parse().ok())?;
        (h[..close].to_string(), port)
    } else {
        match hostport.rsplit_once(':') {
            Some((h, p)) => (h.to_string(), p.parse().ok()?),
            None => (hostport.to_string(), default_port),
        }
    };
    if host.is_empty() {
        return None;
    }
    let referer = url[..url.len() - rest.len() + slash.min(rest.len())].to_string() + "/";
    Some(Target { tls, host, port, path: path.to_string(), referer })
}

/// GET `url` over HTTP/1.0 (https verifies the server as rtmps does), with If-Modified-Since when
/// `since` is given; the body goes to `sink` as it arrives. Redirects are not followed.
pub fn http_get(url: &str, since: Option<&str>, mut sink: impl FnMut(&[u8])) -> (HttpResult, HttpReply) {
    let mut reply = HttpReply { status: -1, ..Default::default() };
    let Some(t) = parse_url(url) else {
        log::error!("HTTP_get: not an http:// or https:// URL: {url}");
        return (HttpResult::BadRequest, reply);
    };
    let mut conn = match connect(&t) {
        Ok(c) => c,
        Err(e) => {
            log::error!("HTTP_get: cannot reach {}:{}: {e}", t.host, t.port);
            return (HttpResult::LostConnection, reply);
        }
    };
    let host = if t.host.contains(':') { format!("[{}]", t.host) } else { t.host.clone() };
    let mut req =
        format!("GET {} HTTP/1.0\r\nUser-Agent: {AGENT}\r\nHost: {host}\r\nReferer: {}\r\n", t.path, t.referer);
    if let Some(d) = since.filter(|d| !d.is_empty()) {
        req.push_str(&format!("If-Modified-Since: {d}\r\n"));
    }
    req.push_str("\r\n");
    if let Err(e) = conn.write_all(&[req.as_bytes()]) {
        log::error!("HTTP_get: sending the request to {}: {e}", t.host);
        return (HttpResult::LostConnection, reply);
    }
    let mut rx = Vec::new();
    let mut buf = vec![0u8; 16 * 1024];
    let end = loop {
        if let Some(p) = rx.windows(4).position(|w| w == b"\r\n\r\n") {
            break p;
        }
        if rx.len() > 64 * 1024 {
            log::error!("HTTP_get: {}: the answer's header does not end", t.host);
            return (HttpResult::BadRequest, reply);
        }
        match conn.read(&mut buf) {
            Ok(0) | Err(_) if rx.is_empty() => return (HttpResult::LostConnection, reply),
            Ok(0) | Err(_) => return (HttpResult::BadRequest, reply),
            Ok(n) => rx.extend_from_slice(&buf[..n]),
        }
    };
    let head = String::from_utf8_lossy(&rx[..end]).into_owned();
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap_or("");
    if !status_line.starts_with("HTTP/1") {
        log::error!("HTTP_get: {} did not answer in HTTP: {status_line:.60}", t.host);
        return (HttpResult::BadRequest, reply);
    }
    reply.status = status_line.split_whitespace().nth(1).and_then(|c| c.parse().ok()).unwrap_or(0);
    let mut length: Option<usize> = None;
    for l in lines {
        let Some((k, v)) = l.split_once(':') else { continue };
        let v = v.trim();
        if k.eq_ignore_ascii_case("content-length") {
            match v.parse::<usize>() {
                // An empty body is fine for redirects and "not modified".
                Ok(0) if (300..400).contains(&reply.status) => length = Some(0),
                Ok(n) if n >= 1 && n <= i32::MAX as usize => length = Some(n),
                _ => {
                    log::error!("HTTP_get: {}: bad Content-Length {v:.20}", t.host);
                    return (HttpResult::BadRequest, reply);
                }
            }
        } else if k.eq_ignore_ascii_case("last-modified") {
            reply.last_modified = Some(v.chars().take(63).collect());
        } else if k.eq_ignore_ascii_case("location") {
            reply.location = Some(v.to_string());
        }
    }
    let result = match reply.status {
        304 => return (HttpResult::NotModified, reply),
        s if s < 300 => HttpResult::Ok,
        404 => HttpResult::NotFound,
        s if s >= 500 => HttpResult::ServerError,
        s if s >= 400 => HttpResult::BadRequest,
        _ => HttpResult::Redirected,
    };
    let mut body = rx.split_off(end + 4);
    loop {
        if !body.is_empty() {
            let take = length.map_or(body.len(), |l| (l - reply.size).min(body.len()));
            sink(&body[..take]);
            reply.size += take;
        }
        if length.is_some_and(|l| reply.size >= l) {
            return (result, reply);
        }
        match conn.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => body = buf[..n].to_vec(),
            Err(e) => {
                log::error!("HTTP_get: {}: {e}", t.host);
                break;
            }
        }
    }
    if length.is_some() {
        return (HttpResult::LostConnection, reply);
    }
    (result, reply)
}

fn connect(t: &Target) -> io::Result<Box<dyn Transport>> {
    let mut tcp = Tcp::connect(&t.host, t.port, HTTP_TIMEOUT, &|| false)?;
    tcp.set_timeout(Some(HTTP_TIMEOUT))?;
    if !t.tls {
        return Ok(Box::new(tcp));
    }
    #[cfg(feature = "crypto")]
    {
        let tls =
            crate::transport::Tls::connect(tcp, &t.host, &crate::transport::TlsConfig::default(), Some(HTTP_TIMEOUT))?;
        Ok(Box::new(tls))
    }
    #[cfg(not(feature = "crypto"))]
    {
        let _ = tcp;
        Err(io::Error::new(
            io::ErrorKind::Unsupported,
            "https needs TLS, and this librtmp was built without it (CRYPTO=)",
        ))
    }
}

/// Hashes a SWF as it downloads: the 8-byte header (`CWS` read as `FWS`), then the body,
/// inflated when the file is compressed.
#[cfg(feature = "crypto")]
pub struct SwfHasher {
    hmac: crate::crypto::HmacSha256,
    header: Vec<u8>,
    inflate: Option<flate2::Decompress>,
    /// The compressed stream reached its end.
    ended: bool,
    size: u64,
    error: Option<String>,
}

#[cfg(feature = "crypto")]
impl Default for SwfHasher {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(feature = "crypto")]
impl SwfHasher {
    pub const KEY: &'static [u8] = b"Genuine Adobe Flash Player 001";

    pub fn new() -> SwfHasher {
        SwfHasher {
            hmac: crate::crypto::HmacSha256::new(Self::KEY),
            header: Vec::new(),
            inflate: None,
            ended: false,
            size: 0,
            error: None,
        }
    }

    pub fn feed(&mut self, mut data: &[u8]) {
        if self.error.is_some() {
            return;
        }
        if self.header.len() < 8 {
            let k = (8 - self.header.len()).min(data.len());
            self.header.extend_from_slice(&data[..k]);
            data = &data[k..];
            if self.header.len() < 8 {
                return;
            }
            match &self.header[..3] {
                b"CWS" => {
                    self.header[0] = b'F';
                    self.inflate = Some(flate2::Decompress::new(true));
                }
                b"FWS" => {}
                b"ZWS" => {
                    self.error =
                        Some("the SWF is LZMA-compressed (ZWS), which Flash Player's verification predates".into());
                    return;
                }
                other => {
                    self.error = Some(format!("not a SWF file (it starts with {:02x?})", other));
                    return;
                }
            }
            self.hmac.update(&self.header);
            self.size = 8;
        }
        match self.inflate.as_mut() {
            None => {
                self.hmac.update(data);
                self.size += data.len() as u64;
            }
            Some(z) => {
                let mut out = [0u8; 16 * 1024];
                while !data.is_empty() {
                    let (before_in, before_out) = (z.total_in(), z.total_out());
                    match z.decompress(data, &mut out, flate2::FlushDecompress::None) {
                        Ok(status) => {
                            let used = (z.total_in() - before_in) as usize;
                            let made = (z.total_out() - before_out) as usize;
                            self.hmac.update(&out[..made]);
                            self.size += made as u64;
                            data = &data[used..];
                            if status == flate2::Status::StreamEnd {
                                self.ended = true;
                                break;
                            }
                            if used == 0 && made == 0 {
                                break;
                            }
                        }
                        Err(e) => {
                            self.error = Some(format!("the compressed SWF is corrupt: {e}"));
                            return;
                        }
                    }
                }
                // Output may still be pending with all input used.
                loop {
                    let before_out = z.total_out();
                    if z.decompress(&[], &mut out, flate2::FlushDecompress::None).is_err() {
                        break;
                    }
                    let made = (z.total_out() - before_out) as usize;
                    if made == 0 {
                        break;
                    }
                    self.hmac.update(&out[..made]);
                    self.size += made as u64;
                }
            }
        }
    }

    /// The SWF's size (uncompressed, header included) and hash.
    pub fn finish(self) -> Result<(u32, [u8; 32]), String> {
        if let Some(e) = self.error {
            return Err(e);
        }
        if self.header.len() < 8 {
            return Err("the SWF is shorter than its header".into());
        }
        if self.inflate.is_some() && !self.ended {
            return Err("the compressed SWF ends early".into());
        }
        let declared = u32::from_le_bytes([self.header[4], self.header[5], self.header[6], self.header[7]]);
        if self.size < u64::from(declared) {
            return Err(format!("the SWF ends early: {} of the {declared} bytes its header announces", self.size));
        }
        Ok((self.size.min(u64::from(u32::MAX)) as u32, self.hmac.finish()))
    }
}

/// `RTMP_HashSWF`: the size and hash of the SWF at `url`, from `~/.swfinfo` when it was checked
/// fewer than `age` days ago (or the server says it has not changed), otherwise downloaded
/// (following up to five redirects) and recorded there.
#[cfg(feature = "crypto")]
pub fn hash_swf(url: &str, age: i32) -> Result<(u32, [u8; 32]), String> {
    let key = url.split('?').next().unwrap_or(url).to_string();
    let path = cache_path();
    let mut entries = std::fs::read_to_string(&path).map(|t| read_cache(&t)).unwrap_or_default();
    let cached = entries.iter().position(|e| e.url == key);
    let now = now_unix();
    if let Some(e) = cached.map(|i| &entries[i]) {
        if age > 0 && parse_http_date(&e.ctim).is_some_and(|t| (now - t) / 86400 < i64::from(age)) {
            log::debug!("RTMP_HashSWF: {url} from {} (checked {})", path.display(), e.ctim);
            return Ok((e.size, e.hash));
        }
    }
    let since = cached.map(|i| entries[i].date.clone()).filter(|d| !d.is_empty());
    let mut target = url.to_string();
    let mut hops = 0;
    let (size, hash, date) = loop {
        let mut hasher = SwfHasher::new();
        let (res, reply) = http_get(&target, since.as_deref(), |d| hasher.feed(d));
        match res {
            HttpResult::Ok => {
                let (size, hash) = hasher.finish().map_err(|e| format!("{url}: {e}"))?;
                break (size, hash, reply.last_modified.unwrap_or_default());
            }
            HttpResult::NotModified => {
                let e = &entries
                    [cached.ok_or_else(|| format!("{url}: 304 Not Modified for a SWF that is not in the cache"))?];
                break (e.size, e.hash, e.date.clone());
            }
            HttpResult::Redirected if hops < 5 && reply.location.is_some() => {
                let loc = reply.location.unwrap_or_default();
                target = if loc.contains("://") {
                    loc
                } else {
                    let t = parse_url(&target).ok_or("bad URL")?;
                    let base = t.referer.trim_end_matches('/');
                    if loc.starts_with('/') {
                        format!("{base}{loc}")
                    } else {
                        // Relative to the directory of the path that was asked for.
                        let path = t.path.split('?').next().unwrap_or("/");
                        format!("{base}{}{loc}", &path[..path.rfind('/').map_or(1, |i| i + 1)])
                    }
                };
                hops += 1;
            }
            HttpResult::LostConnection => return Err(format!("connection lost while downloading swfurl {url}")),
            HttpResult::NotFound => return Err(format!("swfurl {url} not found")),
            _ => return Err(format!("couldn't contact swfurl {url} (HTTP error {})", reply.status)),
        }
    };
    let entry = CacheEntry { url: key, ctim: http_date(now), date, size, hash };
    match cached {
        Some(i) => entries[i] = entry,
        None => entries.push(entry),
    }
    if let Err(e) = write_cache(&entries) {
        log::warn!("RTMP_HashSWF: cannot update {}: {e}", path.display());
    }
    Ok((size, hash))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        let t = parse_url("http://example.com:8080/a/b.swf?x=1").unwrap();
        assert_eq!(
            (t.tls, t.host.as_str(), t.port, t.path.as_str(), t.referer.as_str()),
            (false, "example.com", 8080, "/a/b.swf?x=1", "http://example.com:8080/")
        );
        let t = parse_url("HTTPS://[::1]/p.swf").unwrap();
        assert_eq!((t.tls, t.host.as_str(), t.port, t.path.as_str()), (true, "::1", 443, "/p.swf"));
        let t = parse_url("http://h").unwrap();
        assert_eq!((t.port, t.path.as_str(), t.referer.as_str()), (80, "/", "http://h/"));
        for bad in ["ftp://h/x", "http://", "http://h:x/", "http://[::1/x", "rtmp://h/x"] {
            assert!(parse_url(bad).is_none(), "{bad}");
        }
    }

    #[cfg(feature = "crypto")]
    #[test]
    fn compressed_and_plain_hash_alike() {
        use std::io::Write;
        let body: Vec<u8> = (0..100_000u32).map(|i| (i * 7 % 251) as u8).collect();
        let total = 8 + body.len() as u32;
        let mut plain = b"FWS\x0a".to_vec();
        plain.extend_from_slice(&total.to_le_bytes());
        plain.extend_from_slice(&body);
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        z.write_all(&body).unwrap();
        let mut cws = b"CWS\x0a".to_vec();
        cws.extend_from_slice(&total.to_le_bytes());
        cws.extend_from_slice(&z.finish().unwrap());
        let expect = crate::crypto::hmac_sha256(SwfHasher::KEY, &[&plain]);
        for piece in [1, 3, 8, 1000, 1 << 20] {
            for file in [&plain, &cws] {
                let mut h = SwfHasher::new();
                file.chunks(piece).for_each(|c| h.feed(c));
                assert_eq!(h.finish(), Ok((total, expect)), "piece {piece}");
            }
        }
        let mut h = SwfHasher::new();
        h.feed(b"GIF89a..");
        assert!(h.finish().is_err());
        // A compressed stream cut short, or with garbage in it, is an error, not a hash.
        let mut h = SwfHasher::new();
        h.feed(&cws[..cws.len() - 10]);
        assert_eq!(h.finish(), Err("the compressed SWF ends early".into()));
        let mut h = SwfHasher::new();
        h.feed(&cws[..20]);
        h.feed(&[0xff; 64]);
        assert!(h.finish().is_err());
    }
}
