//! Where a ReconnectRequest points. Its `tcUrl` may be absolute (`rtmp://host:1935/app`),
//! relative to the scheme (`//host[:port]/app`) or to the host (`/app`), or absent (the current
//! server again): resolved against the current tcUrl, as a browser resolves a link.

use crate::url;

/// A server to connect to: what the link's protocol, host, port, app and tcUrl become.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    pub protocol: i32,
    pub host: Vec<u8>,
    pub port: u16,
    pub app: Vec<u8>,
    pub tc_url: Vec<u8>,
}

/// Resolves `given` against `current` (the tcUrl the session connected with).
pub fn resolve_tc_url(current: &[u8], given: Option<&[u8]>) -> Result<Target, String> {
    let absolute = match given {
        None | Some(b"") => current.to_vec(),
        Some(g) if g.starts_with(b"//") => {
            let scheme = current.iter().position(|b| *b == b':').map_or(&b"rtmp"[..], |i| &current[..i]);
            [scheme, b":", g].concat()
        }
        Some(g) if g.starts_with(b"/") => {
            let start = find(current, b"://").map(|i| i + 3).ok_or("the current tcUrl has no host")?;
            let end = current[start..].iter().position(|b| *b == b'/').map_or(current.len(), |i| start + i);
            [&current[..end], g].concat()
        }
        Some(g) => g.to_vec(),
    };
    let text = String::from_utf8_lossy(&absolute).into_owned();
    let p = url::parse_url(&absolute).map_err(|e| format!("tcUrl {text}: {e}"))?;
    let host = p.host.map(|r| absolute[r].to_vec()).filter(|h| !h.is_empty());
    let host = host.ok_or_else(|| format!("tcUrl {text}: no host"))?;
    let port = u16::try_from(p.port).ok().filter(|p| *p != 0).unwrap_or(url::default_port(p.protocol));
    // The app is everything after the host: a tcUrl names no stream (its playpath part, in the
    // URL grammar, is the app's second component).
    let after_host = find(&absolute, b"://").map(|i| i + 3).unwrap_or(0);
    let app = absolute[after_host..]
        .iter()
        .position(|b| *b == b'/')
        .map_or(Vec::new(), |i| absolute[after_host + i + 1..].to_vec());
    Ok(Target { protocol: p.protocol, host: strip_brackets(host), port, app, tc_url: absolute })
}

fn strip_brackets(h: Vec<u8>) -> Vec<u8> {
    match (h.first(), h.last()) {
        (Some(b'['), Some(b']')) => h[1..h.len() - 1].to_vec(),
        _ => h,
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(current: &str, given: Option<&str>) -> (i32, String, u16, String, String) {
        let r = resolve_tc_url(current.as_bytes(), given.map(str::as_bytes)).unwrap();
        let s = |v: Vec<u8>| String::from_utf8(v).unwrap();
        (r.protocol, s(r.host), r.port, s(r.app), s(r.tc_url))
    }

    #[test]
    fn every_form_the_spec_names() {
        let cur = "rtmp://old.example:1935/live";
        assert_eq!(t(cur, None), (0, "old.example".into(), 1935, "live".into(), cur.into()));
        assert_eq!(
            t(cur, Some("rtmps://new.example/edge/x")),
            (4, "new.example".into(), 443, "edge/x".into(), "rtmps://new.example/edge/x".into())
        );
        assert_eq!(
            t(cur, Some("//192.0.2.7:1936/app")),
            (0, "192.0.2.7".into(), 1936, "app".into(), "rtmp://192.0.2.7:1936/app".into())
        );
        assert_eq!(
            t(cur, Some("/other")),
            (0, "old.example".into(), 1935, "other".into(), "rtmp://old.example:1935/other".into())
        );
        assert_eq!(
            t("rtmp://[::1]:1940/live", Some("/b")),
            (0, "::1".into(), 1940, "b".into(), "rtmp://[::1]:1940/b".into())
        );
    }

    #[test]
    fn nonsense_is_refused() {
        assert!(resolve_tc_url(b"rtmp://h/app", Some(b"not a url")).is_err());
        assert!(resolve_tc_url(b"nothing", Some(b"/app")).is_err());
        assert!(resolve_tc_url(b"rtmp://h/app", Some(b"rtmp://")).is_err());
    }
}
