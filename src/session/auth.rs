//! Publisher authentication (`authmod=adobe`, `authmod=llnw`): what a publisher appends to its
//! app and tcUrl after the server refused its connect, as librtmp and FFmpeg do.
//!
//! The exchange takes two refusals. The first ("code=403 need auth; authmod=X") asks for the
//! method and the user name; the second ("?reason=needauth&...") carries the server's salt and
//! challenge (adobe) or nonce (llnw), answered with a hash of the password. Each refusal ends the
//! connection; the client reconnects with the longer app. The password never leaves in clear, and
//! is never logged.

/// The method a refusal names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Adobe,
    Llnw,
}

impl Method {
    fn name(self) -> &'static str {
        match self {
            Method::Adobe => "adobe",
            Method::Llnw => "llnw",
        }
    }
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// The `name=value` pairs after `?` in a refusal's description (up to the first space).
fn params(query: &[u8]) -> Vec<(&[u8], &[u8])> {
    let end = query.iter().position(|&b| b == b' ').unwrap_or(query.len());
    query[..end]
        .split(|&b| b == b'&')
        .map(|p| match p.iter().position(|&b| b == b'=') {
            Some(i) => (&p[..i], &p[i + 1..]),
            None => (p, &b""[..]),
        })
        .collect()
}

#[cfg(feature = "crypto")]
fn param<'a>(ps: &[(&[u8], &'a [u8])], name: &[u8]) -> &'a [u8] {
    ps.iter().find(|(n, _)| *n == name).map_or(b"", |(_, v)| v)
}

/// The method a connect refusal asks for, if it asks for one.
pub fn method_of(description: &[u8]) -> Option<Method> {
    if contains(description, b"authmod=adobe") {
        Some(Method::Adobe)
    } else if contains(description, b"authmod=llnw") {
        Some(Method::Llnw)
    } else {
        None
    }
}

/// What to append to app and tcUrl before reconnecting, after a connect refused with
/// `description`; an error (to log) when authentication cannot go on.
pub fn answer(description: &[u8], app: &[u8], user: &[u8], password: &[u8]) -> Result<Vec<u8>, String> {
    let Some(method) = method_of(description) else {
        return Err(format!("the server refused the connection: {}", String::from_utf8_lossy(description)));
    };
    let m = method.name();
    if contains(description, b"code=403 need auth") {
        if contains(app, format!("authmod={m}").as_bytes()) {
            return Err(format!("the server refused pubUser/pubPasswd ({m})"));
        }
        if user.is_empty() || password.is_empty() {
            return Err(format!("the server requires publisher authentication ({m}): set pubUser and pubPasswd"));
        }
        let mut t = format!("?authmod={m}&user=").into_bytes();
        t.extend_from_slice(user);
        return Ok(t);
    }
    if contains(description, b"?reason=nosuchuser") {
        return Err(format!("authentication failed ({m}): no such user"));
    }
    // adobe says "authfailed", llnw "authfail".
    if contains(description, b"?reason=authfail") {
        return Err(format!("authentication failed ({m}): wrong password"));
    }
    let Some(at) = find(description, b"?reason=needauth") else {
        return Err(format!("authentication ({m}): unexpected answer: {}", String::from_utf8_lossy(description)));
    };
    if contains(app, b"&response=") {
        // We answered a challenge already and got another: the answer was not accepted.
        return Err(format!("authentication failed ({m}): the server asked again after our answer"));
    }
    let ps = params(&description[at + 1..]);
    hashes::token(method, &ps, app, password)
}

#[cfg(feature = "crypto")]
mod hashes {
    use super::{param, Method};
    use openssl::hash::{hash, MessageDigest};

    fn md5(parts: &[&[u8]]) -> Vec<u8> {
        let all: Vec<u8> = parts.concat();
        hash(MessageDigest::md5(), &all).map(|d| d.to_vec()).unwrap_or_default()
    }

    fn b64(b: &[u8]) -> Vec<u8> {
        openssl::base64::encode_block(b).into_bytes()
    }

    fn hex(b: &[u8]) -> Vec<u8> {
        b.iter().flat_map(|x| format!("{x:02x}").into_bytes()).collect()
    }

    /// The adobe answer to the server's challenge (`theirs`: its opaque, else its challenge) and
    /// our own random one (`ours`), as FFmpeg's do_adobe_auth computes it.
    pub fn adobe_response(user: &[u8], salt: &[u8], password: &[u8], theirs: &[u8], ours: &[u8]) -> Vec<u8> {
        let hash1 = b64(&md5(&[user, salt, password]));
        b64(&md5(&[&hash1, theirs, ours]))
    }

    pub fn token(method: Method, ps: &[(&[u8], &[u8])], app: &[u8], password: &[u8]) -> Result<Vec<u8>, String> {
        let user = param(ps, b"user");
        let mut t = Vec::new();
        match method {
            Method::Adobe => {
                let (salt, challenge, opaque) = (param(ps, b"salt"), param(ps, b"challenge"), param(ps, b"opaque"));
                let mut r = [0u8; 4];
                crate::crypto::random_bytes(&mut r);
                let ours = b64(&r);
                let theirs = if opaque.is_empty() { challenge } else { opaque };
                let response = adobe_response(user, salt, password, theirs, &ours);
                for (k, v) in [(&b"&challenge="[..], &ours[..]), (b"&response=", &response), (b"&opaque=", opaque)] {
                    t.extend_from_slice(k);
                    t.extend_from_slice(v);
                }
            }
            Method::Llnw => {
                // HTTP digest (RFC 2617) over realm "live", method "publish" and the app path.
                let nonce = param(ps, b"nonce");
                if user.is_empty() || nonce.is_empty() {
                    return Err("authentication (llnw): the server sent no user or nonce".into());
                }
                let mut r = [0u8; 4];
                crate::crypto::random_bytes(&mut r);
                let cnonce = hex(&r);
                let nc = b"00000001";
                let path = app.split(|&b| b == b'?').next().unwrap_or(b"");
                let inst: &[u8] = if path.contains(&b'/') { b"" } else { b"/_definst_" };
                let hash1 = hex(&md5(&[user, b":live:", password]));
                let hash2 = hex(&md5(&[b"publish:/", path, inst]));
                let response = hex(&md5(&[&hash1, b":", nonce, b":", nc, b":", &cnonce, b":auth:", &hash2]));
                for (k, v) in
                    [(&b"&nonce="[..], nonce), (b"&cnonce=", &cnonce), (b"&nc=", nc), (b"&response=", &response)]
                {
                    t.extend_from_slice(k);
                    t.extend_from_slice(v);
                }
            }
        }
        Ok(t)
    }

    #[cfg(test)]
    pub fn md5_hex(parts: &[&[u8]]) -> Vec<u8> {
        hex(&md5(parts))
    }
}

#[cfg(not(feature = "crypto"))]
mod hashes {
    use super::Method;
    pub fn token(method: Method, _: &[(&[u8], &[u8])], _: &[u8], _: &[u8]) -> Result<Vec<u8>, String> {
        Err(format!("publisher authentication ({}) needs MD5, absent from this build (CRYPTO=)", method.name()))
    }
}

#[cfg(all(test, feature = "crypto"))]
mod tests {
    use super::*;

    fn query_value<'a>(t: &'a [u8], name: &[u8]) -> &'a [u8] {
        param(&params(&t[1..]), name)
    }

    #[test]
    fn first_refusal_asks_for_the_user() {
        let d = b"[ AccessManager.Reject ] : [ code=403 need auth; authmod=adobe ] : ";
        assert_eq!(answer(d, b"live", b"bob", b"pw").unwrap(), b"?authmod=adobe&user=bob");
        assert!(answer(d, b"live", b"", b"pw").unwrap_err().contains("set pubUser and pubPasswd"));
        // Asked again although we already sent the method: the credentials were refused.
        assert!(answer(d, b"live?authmod=adobe&user=bob", b"bob", b"pw").unwrap_err().contains("refused"));
        let l = b"[ AccessManager.Reject ] : [ code=403 need auth; authmod=llnw ] : ";
        assert_eq!(answer(l, b"live", b"bob", b"pw").unwrap(), b"?authmod=llnw&user=bob");
        assert!(answer(b"NetConnection.Connect.Rejected", b"live", b"bob", b"pw").is_err());
    }

    #[test]
    fn adobe_response_is_what_a_server_expects() {
        // Computed apart from this code, with Python's hashlib and base64:
        //   h1 = b64encode(md5(b"bob" + b"s4lt" + b"secret").digest())
        //   b64encode(md5(h1 + b"op4" + b"AAECAw==").digest())
        // (h1 is "gUPfyKaP+1nppIAOgLHX4w==").
        assert_eq!(
            hashes::adobe_response(b"bob", b"s4lt", b"secret", b"op4", b"AAECAw=="),
            b"wnztS3SSsQPNdjrGxJcp1Q=="
        );
    }

    /// The answer hashes the server's opaque when it sent one, else its challenge, with the
    /// client challenge it sends along.
    #[test]
    fn adobe_answer_hashes_the_right_challenges() {
        for (query, opaque, theirs) in
            [(&b"&challenge=c1&opaque=op4"[..], &b"op4"[..], &b"op4"[..]), (b"&challenge=c1", b"", b"c1")]
        {
            let mut d = b"[ AccessManager.Reject ] : [ authmod=adobe ] : ?reason=needauth&user=bob&salt=s4lt".to_vec();
            d.extend_from_slice(query);
            let t = answer(&d, b"live?authmod=adobe&user=bob", b"bob", b"secret").unwrap();
            let mut q = b"?".to_vec();
            q.extend_from_slice(&t[1..]);
            let ours = query_value(&q, b"challenge");
            assert_eq!(ours.len(), 8, "base64 of 4 random bytes");
            assert_eq!(query_value(&q, b"opaque"), opaque);
            assert_eq!(
                query_value(&q, b"response"),
                &hashes::adobe_response(b"bob", b"s4lt", b"secret", theirs, ours)[..]
            );
            assert!(!t.windows(6).any(|w| w == b"secret"));
        }
    }

    #[test]
    fn llnw_response_is_the_digest() {
        let d = b"[ AccessManager.Reject ] : [ authmod=llnw ] : ?reason=needauth&user=bob&nonce=n0nce";
        let t = answer(d, b"live?authmod=llnw&user=bob", b"bob", b"secret").unwrap();
        let mut q = b"?".to_vec();
        q.extend_from_slice(&t[1..]);
        let cnonce = query_value(&q, b"cnonce");
        assert_eq!(query_value(&q, b"nc"), b"00000001");
        let h1 = hashes::md5_hex(&[b"bob:live:secret"]);
        let h2 = hashes::md5_hex(&[b"publish:/live/_definst_"]);
        let want = hashes::md5_hex(&[&h1, b":n0nce:00000001:", cnonce, b":auth:", &h2]);
        assert_eq!(query_value(&q, b"response"), &want[..]);
    }

    #[test]
    fn a_second_challenge_is_a_failure() {
        let d = b"[ AccessManager.Reject ] : [ authmod=adobe ] : ?reason=needauth&user=bob&salt=s&challenge=c&opaque=o";
        let app = b"live?authmod=adobe&user=bob&challenge=x&response=y&opaque=o";
        assert!(answer(d, app, b"bob", b"pw").unwrap_err().contains("asked again"));
    }

    #[test]
    fn refusals_after_the_answer_are_errors() {
        let a = b"[ AccessManager.Reject ] : [ authmod=adobe ] : ?reason=authfailed&opaque=x";
        assert!(answer(a, b"live?authmod=adobe", b"bob", b"pw").unwrap_err().contains("wrong password"));
        let n = b"[ AccessManager.Reject ] : [ authmod=llnw ] : ?reason=nosuchuser";
        assert!(answer(n, b"live", b"bob", b"pw").unwrap_err().contains("no such user"));
    }
}
