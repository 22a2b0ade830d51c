//! URL and option exports: RTMP_ParseURL, RTMP_ParsePlaypath, RTMP_SetupURL, RTMP_SetOpt and
//! RTMP_SetupStream, carrying out on the caller's structs what `crate::url` and `crate::options`
//! decide.
//!
//! Ownership follows the original exactly, because clients free and keep these pointers on that
//! assumption: option and URL strings are borrowed from the caller (RTMP_SetupURL edits its string
//! in place and keeps pointers into it), while playpaths and a built tcUrl come from libc `malloc`.
#![allow(non_snake_case)]

use super::abi::amf::{AMFDataType, AMFObject, AMFObjectProperty, AVal, FALSE, TRUE};
use super::abi::rtmp::*;
use super::boundary::guard;
use super::cmem::malloc_copy;
use crate::options::{self, ConnOp, ConnProp, ConnValue, Setting, Target, Value};
use crate::url::{self, ParsedUrl, UrlError};
use core::ffi::{c_char, c_int, c_long, c_uint};
use std::borrow::Cow;
use std::ops::Range;
use std::ptr::{addr_of, addr_of_mut};

extern "C" {
    // Defined with the other exported data objects; read through its symbol like any client would.
    static RTMP_DefaultFlashVer: AVal;
}

fn lossy(bytes: &[u8]) -> Cow<'_, str> {
    String::from_utf8_lossy(bytes)
}

/// The counted bytes of a C `AVal`; empty for NULL or a negative length.
///
/// # Safety
/// A non-NULL `av_val` must point to `av_len` readable bytes that outlive the returned slice.
unsafe fn aval_bytes<'a>(av: AVal) -> &'a [u8] {
    // SAFETY: the caller's promise.
    unsafe { super::boundary::bytes(av.av_val, usize::try_from(av.av_len).unwrap_or(0)) }
}

/// An `AVal` for `range` of the buffer at `base`. The pointer is only computed, not used here.
fn aval_at(base: *mut c_char, range: Range<usize>) -> AVal {
    AVal { av_val: base.wrapping_add(range.start), av_len: range.len() as c_int }
}

/// What RTMP_ParseURL writes back. `host` is `None` when the caller's host is to be left alone.
struct UrlOut {
    ok: bool,
    protocol: c_int,
    host: Option<AVal>,
    port: c_uint,
    playpath: AVal,
    app: AVal,
}

/// Parses `text`, the C string at `base`, and turns the result into C values: ranges become
/// pointers into `base`, the playpath a malloc'd string.
fn url_out(base: *mut c_char, text: &[u8]) -> UrlOut {
    let failed =
        |protocol| UrlOut { ok: false, protocol, host: None, port: 0, playpath: AVal::EMPTY, app: AVal::EMPTY };
    match url::parse_url(text) {
        Err(UrlError::NoSchemeSeparator) => failed(url::PROTOCOL_RTMP),
        Err(UrlError::NoHost { protocol }) => failed(protocol),
        Ok(ParsedUrl { protocol, host, port, app, playpath }) => UrlOut {
            ok: true,
            protocol,
            host: host.map(|h| aval_at(base, h)),
            port,
            // An allocation failure leaves the playpath NULL, as in the original.
            playpath: playpath.and_then(|p| malloc_copy(&p)).unwrap_or(AVal::EMPTY),
            app: app.map_or(AVal::EMPTY, |a| aval_at(base, a)),
        },
    }
}

/// Splits an RTMP URL into protocol, host, port, app and playpath.
///
/// The playpath is malloc'd (release it with free()); host and app point into url. On failure
/// playpath and app are {NULL, 0}.
///
/// # Safety
/// `url` must be a NUL-terminated string; the other pointers must be valid for writes.
#[no_mangle]
pub unsafe extern "C" fn RTMP_ParseURL(
    url: *const c_char,
    protocol: *mut c_int,
    host: *mut AVal,
    port: *mut c_uint,
    playpath: *mut AVal,
    app: *mut AVal,
) -> c_int {
    guard(FALSE, || {
        if protocol.is_null() || host.is_null() || port.is_null() || playpath.is_null() || app.is_null() {
            log::error!("RTMP_ParseURL: NULL result pointer");
            return FALSE;
        }
        // SAFETY: all five are valid for writes (checked non-NULL, the rest is the caller's
        // promise). The resets come first so that every failure path leaves them defined:
        // GStreamer frees the playpath whatever the result.
        unsafe {
            protocol.write(url::PROTOCOL_RTMP);
            port.write(0);
            playpath.write(AVal::EMPTY);
            app.write(AVal::EMPTY);
        }
        if url.is_null() {
            log::error!("RTMP_ParseURL: NULL URL");
            return FALSE;
        }
        // SAFETY: `url` is a NUL-terminated string (the caller's promise).
        let text = unsafe { std::ffi::CStr::from_ptr(url) }.to_bytes();
        let out = url_out(url as *mut c_char, text);
        // SAFETY: as above; each is written once, so aliased arguments behave as in the original.
        unsafe {
            protocol.write(out.protocol);
            if let Some(h) = out.host {
                host.write(h);
            }
            port.write(out.port);
            playpath.write(out.playpath);
            app.write(out.app);
        }
        if out.ok {
            TRUE
        } else {
            FALSE
        }
    })
}

/// Turns a playpath from a URL into the form servers expect, as a malloc'd string.
///
/// mp4:/mp3: prefixes are added and extensions dropped, %XX is decoded; out is {NULL, 0} if that
/// fails.
///
/// # Safety
/// `in_` must point to an `AVal` whose `av_val` has `av_len` readable bytes; `out` must be valid
/// for writes (it may be the same `AVal`).
#[no_mangle]
pub unsafe extern "C" fn RTMP_ParsePlaypath(in_: *mut AVal, out: *mut AVal) {
    guard((), || {
        if out.is_null() {
            log::error!("RTMP_ParsePlaypath: NULL output");
            return;
        }
        let input = if in_.is_null() {
            AVal::EMPTY
        } else {
            // SAFETY: a valid AVal (the caller's promise), read before `out` (which may alias it)
            // is written.
            unsafe { in_.read() }
        };
        // SAFETY: `out` is valid for writes.
        unsafe { out.write(AVal::EMPTY) };
        if input.av_val.is_null() {
            log::error!("RTMP_ParsePlaypath: NULL input");
            return;
        }
        // SAFETY: `av_val` has `av_len` readable bytes (the caller's promise).
        let text = unsafe { aval_bytes(input) };
        if let Some(av) = malloc_copy(&url::parse_playpath(text)) {
            // SAFETY: as above.
            unsafe { out.write(av) };
        }
    })
}

/// Sets one option by name, as a name=value of RTMP_SetupURL does.
///
/// String values are kept by pointer: arg's text must outlive the session. An unknown name logs
/// the list of options and fails.
///
/// # Safety
/// `r` must be a valid, initialised RTMP; `opt` and `arg` valid `AVal`s whose `av_val` hold
/// `av_len` bytes.
#[no_mangle]
pub unsafe extern "C" fn RTMP_SetOpt(r: *mut RTMP, opt: *const AVal, arg: *mut AVal) -> c_int {
    guard(FALSE, || {
        if r.is_null() || opt.is_null() || arg.is_null() {
            log::error!("RTMP_SetOpt: NULL argument");
            return FALSE;
        }
        // SAFETY: all three are valid (checked non-NULL, the rest is the caller's promise); the
        // strings are separate from the RTMP struct.
        let (r, opt, arg) = unsafe { (&mut *r, opt.read(), arg.read()) };
        // SAFETY: the caller's AVals hold av_len bytes each.
        let (name, value) = unsafe { (aval_bytes(opt), aval_bytes(arg)) };
        if set_option(r, name, arg, Value::counted(value)) {
            TRUE
        } else {
            FALSE
        }
    })
}

/// Applies option `name`; `arg` is what a string option stores, `value` how the others read it.
fn set_option(r: &mut RTMP, name: &[u8], arg: AVal, value: Value) -> bool {
    let Some(spec) = options::lookup(name) else {
        log::error!("Unknown option {}", lossy(name));
        for line in options::usage_lines() {
            log::error!("{line}");
        }
        return false;
    };
    let setting = match options::interpret(spec, value, r.Link.edepth) {
        Ok(s) => s,
        Err(e) => {
            log::error!("Invalid {} value {}: {e}", spec.name, lossy(value.text()));
            return false;
        }
    };
    // Options stored outside the struct come first; the rest go to members.
    let key = r as *const RTMP as usize;
    match setting {
        Setting::Bool(Target::TlsVerify, on) => {
            // Turning verification off takes an explicit word: a typo must not do it.
            let off = ["0", "off", "no", "false"].iter().any(|w| value.text().eq_ignore_ascii_case(w.as_bytes()));
            if !on && !off {
                log::error!(
                    "Invalid tlsVerify value {}: 1 (check the certificate, the default) or 0",
                    lossy(value.text())
                );
                return false;
            }
            super::registry::update_side(key, |x| x.tls.verify = on);
        }
        Setting::Text(Target::TlsCaFile) => {
            let path = lossy(value.text()).into_owned();
            super::registry::update_side(key, |x| x.tls.ca_file = Some(path));
        }
        Setting::Text(Target::TlsCaPath) => {
            let path = lossy(value.text()).into_owned();
            super::registry::update_side(key, |x| x.tls.ca_path = Some(path));
        }
        Setting::Int(Target::RtmpeType, t) => {
            if !matches!(t, 6 | 8 | 9) {
                log::error!("Invalid rtmpeType value {}: 6, 8 (XTEA) or 9 (Blowfish)", lossy(value.text()));
                return false;
            }
            super::registry::update_side(key, |x| x.rtmpe_answer = Some(t as u8));
        }
        Setting::Text(Target::FourCcList) => match crate::enhanced::parse_fourcc_list(value.text()) {
            Ok(list) => super::registry::update_side(key, |x| x.enhanced.fourcc_list = Some(list)),
            Err(e) => return invalid(spec.name, value, &e),
        },
        Setting::Text(t @ (Target::VideoFourCcInfoMap | Target::AudioFourCcInfoMap)) => {
            match crate::enhanced::parse_info_map(value.text()) {
                Ok(map) if t == Target::VideoFourCcInfoMap => {
                    super::registry::update_side(key, |x| x.enhanced.video_map = Some(map))
                }
                Ok(map) => super::registry::update_side(key, |x| x.enhanced.audio_map = Some(map)),
                Err(e) => return invalid(spec.name, value, &e),
            }
        }
        Setting::Int(Target::CapsEx, n) => match crate::enhanced::parse_caps_ex(i64::from(n)) {
            Ok(c) => super::registry::update_side(key, |x| x.enhanced.caps_ex = Some(c)),
            Err(e) => return invalid(spec.name, value, &e),
        },
        Setting::Text(target) => match super::mirror::link_text_mut(&mut r.Link, target) {
            Some(slot) => *slot = arg,
            None => return misfiled(spec.name),
        },
        Setting::Int(target, v) => match super::mirror::link_int_mut(r, target) {
            Some(slot) => *slot = v,
            None => return misfiled(spec.name),
        },
        Setting::Bool(Target::LinkFlag(flag), on) => {
            if on {
                r.Link.lFlags |= flag;
            }
        }
        Setting::Bool(..) => return misfiled(spec.name),
        Setting::Conn(op) => return apply_conn(&mut r.Link, op, arg.av_val),
    }
    true
}

/// A value the option cannot take: logged with the reason, and the option fails.
fn invalid(name: &str, value: Value, why: &str) -> bool {
    log::error!("Invalid {name} value {}: {why}", lossy(value.text()));
    false
}

/// A table row whose target has no member of its type: a mistake in the table, not in the input.
fn misfiled(name: &str) -> bool {
    log::error!("option {name} has no place to be stored");
    false
}

/// The member a string option goes to, when it goes to one.
/// Carries out one `conn` item on `Link.extras`; `base` is the value's text, which string items
/// keep pointing into.
fn apply_conn(link: &mut RTMP_LNK, op: ConnOp, base: *mut c_char) -> bool {
    let ConnOp::Add(ref prop) = op else {
        link.edepth = op.depth_after(link.edepth);
        return true;
    };
    // SAFETY: `extras` is this handle's property tree: arrays from malloc/realloc (or NULL with
    // o_num 0), nested objects likewise, as only this function and the AMF functions build it.
    let added = unsafe {
        match innermost_object(addr_of_mut!(link.extras), link.edepth) {
            Some(obj) => add_prop(obj, c_property(prop, base)),
            None => false,
        }
    };
    if added {
        link.edepth = op.depth_after(link.edepth);
    }
    added
}

/// The object `depth` levels down the last properties of `extras`, where the next item goes.
///
/// # Safety
/// `extras` must be a valid property tree (see `apply_conn`).
unsafe fn innermost_object(extras: *mut AMFObject, depth: c_int) -> Option<*mut AMFObject> {
    let mut obj = extras;
    for _ in 0..depth.max(0) {
        // SAFETY: `obj` is a valid object of the tree; its last property exists when o_num > 0.
        unsafe {
            let n = (*obj).o_num;
            let props = (*obj).o_props;
            // The original trusts Link.edepth blindly; a tree that disagrees with it (a client
            // reset one but not the other) is refused instead of walked.
            if n <= 0 || props.is_null() {
                log::error!("conn: the open object is missing (Link.edepth {depth})");
                return None;
            }
            let last = props.add(n as usize - 1);
            if (*last).p_type != AMFDataType::AMF_OBJECT as c_int {
                log::error!("conn: the open object is missing (Link.edepth {depth})");
                return None;
            }
            obj = addr_of_mut!((*last).p_vu.p_object);
        }
    }
    Some(obj)
}

/// Appends a shallow copy of `prop` with AMF_AddProp, which reports no failure: success shows
/// as one more property.
///
/// # Safety
/// `obj` must be a valid object whose array came from malloc/realloc (or is NULL).
unsafe fn add_prop(obj: *mut AMFObject, prop: AMFObjectProperty) -> bool {
    // SAFETY: `obj` is valid (the caller's promise) and `prop` a live local.
    unsafe {
        let before = (*obj).o_num;
        super::amf::AMF_AddProp(obj, &prop);
        (*obj).o_num == before.wrapping_add(1)
    }
}

/// The AMF property for a `conn` item; names and strings point into the option value at `base`.
fn c_property(prop: &ConnProp, base: *mut c_char) -> AMFObjectProperty {
    // SAFETY: every member is an integer, float or pointer, for which all-zero is valid; this is
    // the original's zero-initialised property.
    let mut p: AMFObjectProperty = unsafe { core::mem::zeroed() };
    if let Some(name) = &prop.name {
        p.p_name = aval_at(base, name.clone());
    }
    p.p_type = match &prop.value {
        ConnValue::Boolean(b) => {
            p.p_vu.p_number = *b as f64;
            AMFDataType::AMF_BOOLEAN
        }
        ConnValue::Number(n) => {
            p.p_vu.p_number = *n;
            AMFDataType::AMF_NUMBER
        }
        ConnValue::String(s) => {
            p.p_vu.p_aval = aval_at(base, s.clone());
            AMFDataType::AMF_STRING
        }
        ConnValue::Null => AMFDataType::AMF_NULL,
        ConnValue::Object => {
            p.p_vu.p_object = AMFObject::EMPTY;
            AMFDataType::AMF_OBJECT
        }
    } as c_int;
    p
}

/// Sets up a session from a URL followed by optional space-separated name=value options.
///
/// The string is modified in place and must outlive the session: the session points into it.
///
/// # Safety
/// `r` must be a valid, initialised RTMP; `url` a writable NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn RTMP_SetupURL(r: *mut RTMP, url: *mut c_char) -> c_int {
    guard(FALSE, || {
        if r.is_null() || url.is_null() {
            log::error!("RTMP_SetupURL: NULL argument");
            return FALSE;
        }
        // SAFETY: `url` is a writable NUL-terminated string, `r` a valid RTMP separate from it
        // (the caller's promise). The slice covers the string without its NUL.
        let (r, buf) = unsafe {
            let len = libc::strlen(url);
            (&mut *r, std::slice::from_raw_parts_mut(url as *mut u8, len))
        };
        if setup_url(r, url, buf) {
            TRUE
        } else {
            FALSE
        }
    })
}

/// RTMP_SetupURL on `buf`, the string at `base`. Pointers stored in the struct are computed from
/// `base`; every read of the string's bytes goes through `buf`.
fn setup_url(r: &mut RTMP, base: *mut c_char, buf: &mut [u8]) -> bool {
    let mut cursor = options::cut_url(buf);
    let url_len = cursor.unwrap_or(buf.len());

    let parsed = url_out(base, &buf[..url_len]);
    r.Link.protocol = parsed.protocol;
    if let Some(host) = parsed.host {
        r.Link.hostname = host;
    }
    r.Link.playpath0 = parsed.playpath;
    r.Link.app = parsed.app;
    if !parsed.ok {
        return false;
    }
    r.Link.port = parsed.port as u16;
    r.Link.playpath = r.Link.playpath0;

    while let Some(at) = cursor {
        let option = match options::next_option(buf, at) {
            Ok(Some(option)) => option,
            Ok(None) => break,
            Err(e) => {
                log::error!("RTMP_SetupURL: {e}");
                return false;
            }
        };
        let arg = aval_at(base, option.value.clone());
        if !set_option(r, &buf[option.name.clone()], arg, option.value_in(buf)) {
            return false;
        }
        cursor = option.next;
    }

    if r.Link.tcUrl.av_len == 0 && !default_tc_url(r, base, buf, url_len) {
        return false;
    }

    #[cfg(feature = "crypto")]
    if r.Link.lFlags & RTMP_LF_SWFV != 0 && r.Link.swfUrl.av_len != 0 {
        let swf_url = bytes_of(r.Link.swfUrl, base, buf).into_owned();
        if let Some((size, hash)) = super::swf::hash_swf(&swf_url, r.Link.swfAge) {
            r.Link.SWFSize = size;
            r.Link.SWFHash = hash;
        }
    }

    let socks = socks_text(r.Link.sockshost, base, buf).into_owned();
    socks_setup(&mut r.Link, &socks);
    apply_default_port(&mut r.Link);
    true
}

/// The bytes of `av`: from `buf` when it points there (so that no second path to the string is
/// used while `buf` is live), otherwise read from wherever it points.
fn bytes_of<'a>(av: AVal, base: *mut c_char, buf: &'a [u8]) -> Cow<'a, [u8]> {
    let len = usize::try_from(av.av_len).unwrap_or(0);
    match (av.av_val as usize).checked_sub(base as usize) {
        Some(off) if off <= buf.len() => Cow::Borrowed(&buf[off..(off + len).min(buf.len())]),
        // SAFETY: an AVal the caller (or an earlier call) stored in the struct, with av_len bytes.
        _ => Cow::Owned(unsafe { aval_bytes(av) }.to_vec()),
    }
}

/// What the original's SOCKS setup reads of the proxy option: it treats the value as a C string,
/// so inside the URL buffer it sees up to the NUL, which after unescaping may lie past av_len.
fn socks_text<'a>(av: AVal, base: *mut c_char, buf: &'a [u8]) -> Cow<'a, [u8]> {
    match (av.av_val as usize).checked_sub(base as usize) {
        Some(off) if off < buf.len() && av.av_len != 0 => {
            let rest = &buf[off..];
            Cow::Borrowed(&rest[..rest.iter().position(|&b| b == 0).unwrap_or(rest.len())])
        }
        _ => bytes_of(av, base, buf),
    }
}

/// tcUrl when none was given: the URL up to the end of the app when the app is part of it, the
/// whole URL when there is no app, and a malloc'd `scheme://host:port/app` when the app came from
/// an option (RTMP_LF_FTCU tells RTMP_Close to free it).
fn default_tc_url(r: &mut RTMP, base: *mut c_char, buf: &[u8], url_len: usize) -> bool {
    let link = &mut r.Link;
    if link.app.av_len == 0 {
        link.tcUrl = AVal { av_val: base, av_len: url_len as c_int };
        return true;
    }
    let app_offset = (link.app.av_val as usize).wrapping_sub(base as usize) as isize;
    if app_offset < url_len as isize {
        link.tcUrl = AVal { av_val: base, av_len: link.app.av_len.wrapping_add(app_offset as c_int) };
        return true;
    }
    let text = url::build_tc_url(
        link.protocol,
        &bytes_of(link.hostname, base, buf),
        link.port,
        &bytes_of(link.app, base, buf),
    );
    match malloc_copy(&text) {
        Some(av) => {
            link.tcUrl = av;
            link.lFlags |= RTMP_LF_FTCU;
            true
        }
        None => {
            link.tcUrl = AVal::EMPTY;
            false
        }
    }
}

/// Splits `Link.sockshost` into host and port. The original strdup's the host (and never frees
/// it); here the host stays in the caller's string with its length cut before the `:`.
fn socks_setup(link: &mut RTMP_LNK, text: &[u8]) {
    if link.sockshost.av_len == 0 {
        link.sockshost = AVal::EMPTY;
        link.socksport = 0;
        return;
    }
    let (host_len, port) = options::split_socks(text);
    link.sockshost.av_len = host_len as c_int;
    link.socksport = port;
    log::debug!("Connecting via SOCKS proxy: {}:{port}", lossy(&text[..host_len]));
}

fn apply_default_port(link: &mut RTMP_LNK) {
    if link.port == 0 {
        link.port = url::default_port(link.protocol);
    }
}

/// Sets up a session from separate values, as rtmpdump's command line gives them.
///
/// Strings are kept by pointer; empty or NULL ones leave the current value, except flashVer,
/// which defaults to RTMP_DefaultFlashVer.
///
/// # Safety
/// `r` must be a valid, initialised RTMP; every non-NULL `AVal` pointer valid, with `av_len`
/// readable bytes, and `swfSHA256Hash` 32 when `swfSize` is non-zero.
#[no_mangle]
pub unsafe extern "C" fn RTMP_SetupStream(
    r: *mut RTMP,
    protocol: c_int,
    hostname: *mut AVal,
    port: c_uint,
    sockshost: *mut AVal,
    playpath: *mut AVal,
    tcUrl: *mut AVal,
    swfUrl: *mut AVal,
    pageUrl: *mut AVal,
    app: *mut AVal,
    auth: *mut AVal,
    swfSHA256Hash: *mut AVal,
    swfSize: u32,
    flashVer: *mut AVal,
    subscribepath: *mut AVal,
    usherToken: *mut AVal,
    dStart: c_int,
    dStop: c_int,
    bLiveStream: c_int,
    timeout: c_long,
) {
    guard((), || {
        if r.is_null() {
            log::error!("RTMP_SetupStream: NULL handle");
            return;
        }
        // SAFETY: every non-NULL AVal pointer is valid (the caller's promise); they are read once.
        let get = |p: *mut AVal| if p.is_null() { None } else { Some(unsafe { p.read() }) };
        let given = |p: *mut AVal| get(p).filter(|a| a.av_len != 0);
        // SAFETY: `r` is a valid RTMP.
        let r = unsafe { &mut *r };
        let link = &mut r.Link;
        let host = get(hostname).unwrap_or(AVal::EMPTY);
        let playpath = get(playpath).unwrap_or(AVal::EMPTY);
        log_stream_setup(protocol, host, port, playpath);

        #[cfg(feature = "crypto")]
        {
            link.SWFSize = 0;
            if let Some(hash) = get(swfSHA256Hash).filter(|h| swfSize > 0 && !h.av_val.is_null()) {
                // SAFETY: the hash holds RTMP_SWF_HASHLEN bytes when a size is given (the
                // original copies them without looking at av_len).
                link.SWFHash = unsafe { (hash.av_val as *const [u8; RTMP_SWF_HASHLEN]).read_unaligned() };
                link.SWFSize = swfSize;
                log::debug!("SWFSize  : {swfSize}");
            }
        }
        #[cfg(not(feature = "crypto"))]
        let _ = (swfSHA256Hash, swfSize);

        link.sockshost = get(sockshost).unwrap_or(AVal::EMPTY);
        // SAFETY: a caller's AVal with av_len bytes.
        let socks = unsafe { aval_bytes(link.sockshost) };
        socks_setup(link, socks);

        for (value, slot) in [
            (tcUrl, &mut link.tcUrl),
            (swfUrl, &mut link.swfUrl),
            (pageUrl, &mut link.pageUrl),
            (app, &mut link.app),
            (subscribepath, &mut link.subscribepath),
            (usherToken, &mut link.usherToken),
        ] {
            if let Some(v) = given(value) {
                *slot = v;
            }
        }
        if let Some(a) = given(auth) {
            link.auth = a;
            link.lFlags |= RTMP_LF_AUTH;
        }
        // SAFETY: an immutable exported AVal, read through its symbol.
        link.flashVer = given(flashVer).unwrap_or_else(|| unsafe { addr_of!(RTMP_DefaultFlashVer).read() });
        link.seekTime = dStart;
        link.stopTime = dStop;
        if bLiveStream != 0 {
            link.lFlags |= RTMP_LF_LIVE;
        }
        link.timeout = timeout as c_int;
        link.protocol = protocol;
        link.hostname = host;
        link.port = port as u16;
        link.playpath = playpath;
        apply_default_port(link);
    })
}

fn log_stream_setup(protocol: c_int, host: AVal, port: c_uint, playpath: AVal) {
    if log::log_enabled!(log::Level::Debug) {
        // SAFETY: caller's AVals with av_len bytes each.
        let (host, playpath) = unsafe { (aval_bytes(host), aval_bytes(playpath)) };
        log::debug!("Protocol : {}", url::scheme_of_protocol(protocol));
        log::debug!("Hostname : {}", lossy(host));
        log::debug!("Port     : {port}");
        log::debug!("Playpath : {}", lossy(playpath));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use core::ffi::c_void;
    use std::ffi::CString;

    fn new_rtmp() -> Box<RTMP> {
        // SAFETY: all-zero is a valid RTMP; the defaults are RTMP_Init's.
        let mut r: Box<RTMP> = Box::new(unsafe { core::mem::zeroed() });
        r.m_nBufferMS = 30000;
        r.Link.timeout = 30;
        r.Link.swfAge = 30;
        r
    }

    fn text(av: AVal) -> Option<String> {
        // SAFETY: test AVals point into live buffers.
        (!av.av_val.is_null()).then(|| lossy(unsafe { aval_bytes(av) }).into_owned())
    }

    fn free(av: AVal) {
        // SAFETY: a malloc'd string or NULL.
        unsafe { libc::free(av.av_val as *mut c_void) }
    }

    /// Runs RTMP_SetupURL on a copy of `url` that lives as long as the returned buffer.
    fn setup(url: &str) -> (Box<RTMP>, c_int, Vec<u8>) {
        let mut r = new_rtmp();
        let mut buf = CString::new(url).unwrap().into_bytes_with_nul();
        // SAFETY: a valid RTMP and a writable NUL-terminated string.
        let ret = unsafe { RTMP_SetupURL(&mut *r, buf.as_mut_ptr() as *mut c_char) };
        (r, ret, buf)
    }

    fn set_opt(r: &mut RTMP, name: &str, value: &'static str) -> c_int {
        let opt = AVal { av_val: name.as_ptr() as *mut c_char, av_len: name.len() as c_int };
        let mut arg = AVal { av_val: value.as_ptr() as *mut c_char, av_len: value.len() as c_int };
        // SAFETY: valid pointers; `value` is static, so what SetOpt keeps stays valid.
        unsafe { RTMP_SetOpt(r, &opt, &mut arg) }
    }

    #[test]
    fn flags_agree_with_the_abi() {
        assert_eq!(options::LF_LIVE, RTMP_LF_LIVE);
        assert_eq!(options::LF_SWFV, RTMP_LF_SWFV);
        assert_eq!(options::LF_PLST, RTMP_LF_PLST);
        assert_eq!(url::PROTOCOL_RTMPTS, RTMP_PROTOCOL_RTMPTS);
        assert_eq!(url::PROTOCOL_RTMFP, RTMP_PROTOCOL_RTMFP);
    }

    #[test]
    fn every_option_has_a_place() {
        for spec in options::OPTIONS {
            let mut r = new_rtmp();
            let value = match spec.kind {
                options::OptType::Str if spec.name.ends_with("FourCcInfoMap") => "hvc1:3,*:4",
                options::OptType::Str => "text",
                options::OptType::Int if spec.name == "rtmpeType" => "9",
                options::OptType::Int if spec.name == "capsEx" => "3",
                options::OptType::Int => "12",
                options::OptType::Bool => "on",
                options::OptType::Amf => "Z:",
            };
            assert_eq!(set_opt(&mut r, spec.name, value), TRUE, "{}", spec.name);
            free_tree(&r.Link.extras);
        }
    }

    #[test]
    fn parse_url_export() {
        let url = CString::new("rtmp://example.com:1936/app/inst/file.mp4").unwrap();
        let (mut proto, mut port) = (-1, 7);
        let mut host = AVal::EMPTY;
        let (mut pp, mut app) = (AVal::EMPTY, AVal::EMPTY);
        // SAFETY: valid pointers.
        let ret = unsafe { RTMP_ParseURL(url.as_ptr(), &mut proto, &mut host, &mut port, &mut pp, &mut app) };
        assert_eq!((ret, proto, port), (TRUE, 0, 1936));
        assert_eq!(text(host).as_deref(), Some("example.com"));
        assert_eq!(text(app).as_deref(), Some("app/inst"));
        assert_eq!(text(pp).as_deref(), Some("mp4:file"));
        // SAFETY: the playpath is NUL-terminated.
        assert_eq!(unsafe { *pp.av_val.add(8) }, 0);
        free(pp);

        // Failures reset playpath/app but leave the host alone.
        let bad = CString::new("example.com/app").unwrap();
        let junk = AVal { av_val: "junk".as_ptr() as *mut c_char, av_len: 4 };
        let (mut pp, mut app) = (junk, junk);
        // SAFETY: valid pointers.
        let ret = unsafe { RTMP_ParseURL(bad.as_ptr(), &mut proto, &mut host, &mut port, &mut pp, &mut app) };
        assert_eq!((ret, proto, port), (FALSE, 0, 0));
        assert!(pp.av_val.is_null() && app.av_val.is_null());
        assert_eq!(text(host).as_deref(), Some("example.com"));

        // SAFETY: NULLs are refused.
        let ret = unsafe { RTMP_ParseURL(core::ptr::null(), &mut proto, &mut host, &mut port, &mut pp, &mut app) };
        assert_eq!(ret, FALSE);
        // SAFETY: as above.
        let ret =
            unsafe { RTMP_ParseURL(url.as_ptr(), &mut proto, core::ptr::null_mut(), &mut port, &mut pp, &mut app) };
        assert_eq!(ret, FALSE);
    }

    #[test]
    fn parse_playpath_export() {
        let s = "dir/file.f4v";
        let mut av = AVal { av_val: s.as_ptr() as *mut c_char, av_len: s.len() as c_int };
        let mut out = AVal::EMPTY;
        // SAFETY: valid pointers.
        unsafe { RTMP_ParsePlaypath(&mut av, &mut out) };
        assert_eq!(text(out).as_deref(), Some("mp4:dir/file"));
        free(out);
        // In and out may be the same AVal.
        // SAFETY: valid pointers.
        unsafe { RTMP_ParsePlaypath(&mut av, &mut av) };
        assert_eq!(text(av).as_deref(), Some("mp4:dir/file"));
        free(av);
        // An empty input gives an empty malloc'd string.
        let mut empty = AVal { av_val: s.as_ptr() as *mut c_char, av_len: 0 };
        // SAFETY: valid pointers.
        unsafe { RTMP_ParsePlaypath(&mut empty, &mut out) };
        assert_eq!(text(out).as_deref(), Some(""));
        free(out);
        // SAFETY: NULL input and output are tolerated.
        unsafe {
            RTMP_ParsePlaypath(core::ptr::null_mut(), &mut out);
            RTMP_ParsePlaypath(&mut av, core::ptr::null_mut());
        }
        assert!(out.av_val.is_null());
    }

    #[test]
    fn setup_url_basics() {
        let (r, ret, buf) = setup("rtmpt://example.com/app/stream live=1 buffer=0x10 flashVer=A\\20B");
        assert_eq!(ret, TRUE);
        assert_eq!(r.Link.protocol, 1);
        assert_eq!(r.Link.port, 80);
        assert_eq!(text(r.Link.hostname).as_deref(), Some("example.com"));
        assert_eq!(text(r.Link.app).as_deref(), Some("app"));
        assert_eq!(text(r.Link.playpath).as_deref(), Some("stream"));
        assert_eq!(r.Link.playpath.av_val, r.Link.playpath0.av_val);
        assert_eq!(text(r.Link.tcUrl).as_deref(), Some("rtmpt://example.com/app"));
        assert_eq!(text(r.Link.flashVer).as_deref(), Some("A B"));
        assert_eq!(r.Link.lFlags, RTMP_LF_LIVE);
        assert_eq!(r.m_nBufferMS, 16);
        // Borrowed: the strings point into the caller's buffer.
        assert_eq!(r.Link.hostname.av_val as usize, buf.as_ptr() as usize + 8);
        free(r.Link.playpath0);
    }

    #[test]
    fn setup_url_built_tc_url_and_socks() {
        let (r, ret, _buf) = setup("rtmp://example.com/app/stream app=other/inst socks=proxy:9050");
        assert_eq!(ret, TRUE);
        assert_eq!(text(r.Link.tcUrl).as_deref(), Some("rtmp://example.com:0/other/inst"));
        assert_eq!(r.Link.lFlags, RTMP_LF_FTCU);
        assert_eq!(text(r.Link.sockshost).as_deref(), Some("proxy"));
        assert_eq!(r.Link.socksport, 9050);
        assert_eq!(r.Link.port, 1935);
        free(r.Link.tcUrl);
        free(r.Link.playpath0);

        // The SOCKS host is read as a C string: stale bytes after an escape count.
        let (r, ret, _buf) = setup("rtmp://h/a/s socks=host\\3a1080");
        assert_eq!(ret, TRUE);
        assert_eq!(text(r.Link.sockshost).as_deref(), Some("host"));
        assert_eq!(r.Link.socksport, (108080u32 % 65536) as u16);
        free(r.Link.playpath0);

        let (r, ret, _buf) = setup("rtmps://[::1]/app/s app=x");
        assert_eq!(ret, TRUE);
        assert_eq!(text(r.Link.tcUrl).as_deref(), Some("rtmps://[::1]:0/x"));
        assert_eq!(r.Link.port, 443);
        free(r.Link.tcUrl);
        free(r.Link.playpath0);
    }

    #[test]
    fn setup_url_failures() {
        let (r, ret, _buf) = setup("rtmp://example.com/app/stream bogus=1");
        assert_eq!((ret, r.Link.port), (FALSE, 0));
        assert!(r.Link.tcUrl.av_val.is_null());
        free(r.Link.playpath0);
        let (r, ret, _buf) = setup("rtmp://h/a/s live=1 x=\\4");
        assert_eq!((ret, r.Link.lFlags), (FALSE, RTMP_LF_LIVE));
        free(r.Link.playpath0);
        let (r, ret, _buf) = setup("rtmpte://");
        assert_eq!((ret, r.Link.protocol), (FALSE, 3));
        let (_r, ret, _buf) = setup("rtmp://h/a/s conn=X:1");
        assert_eq!(ret, FALSE);
        // SAFETY: NULLs are refused.
        assert_eq!(unsafe { RTMP_SetupURL(core::ptr::null_mut(), core::ptr::null_mut()) }, FALSE);
    }

    /// The extras tree as text: `name=value` items, objects in braces.
    fn dump(obj: &AMFObject) -> String {
        let mut out = Vec::new();
        for i in 0..obj.o_num as usize {
            // SAFETY: the array holds o_num properties.
            let p = unsafe { &*obj.o_props.add(i) };
            let name = text(p.p_name).map(|n| format!("{n}=")).unwrap_or_default();
            // SAFETY: the member read follows p_type.
            let value = unsafe {
                match p.p_type {
                    0 => format!("N{}", p.p_vu.p_number),
                    1 => format!("B{}", p.p_vu.p_number),
                    2 => format!("S{}", text(p.p_vu.p_aval).unwrap_or_default()),
                    3 => format!("{{{}}}", dump(&p.p_vu.p_object)),
                    5 => "Z".into(),
                    t => format!("?{t}"),
                }
            };
            out.push(format!("{name}{value}"));
        }
        out.join(",")
    }

    fn free_tree(obj: &AMFObject) {
        for i in 0..obj.o_num as usize {
            // SAFETY: as in dump.
            let p = unsafe { &*obj.o_props.add(i) };
            if p.p_type == 3 {
                // SAFETY: an object property.
                free_tree(unsafe { &p.p_vu.p_object });
            }
        }
        // SAFETY: realloc'd array.
        unsafe { libc::free(obj.o_props as *mut c_void) };
    }

    #[test]
    fn conn_builds_a_tree() {
        let mut r = new_rtmp();
        for item in ["B:1", "S:str", "O:1", "NN:num:42", "NO:inner:1", "NS:k:v", "O:0", "NB:flag:0", "O:0", "Z:"] {
            assert_eq!(set_opt(&mut r, "conn", item), TRUE, "{item}");
        }
        assert_eq!(r.Link.edepth, 0);
        assert_eq!(dump(&r.Link.extras), "B1,Sstr,{num=N42,inner={k=Sv},flag=B0},Z");
        assert_eq!(set_opt(&mut r, "conn", "NS:k:v"), FALSE);
        assert_eq!(set_opt(&mut r, "conn", "O:0"), TRUE);
        assert_eq!(r.Link.edepth, -1);
        assert_eq!(set_opt(&mut r, "conn", "NS:top:v"), TRUE);
        assert_eq!(r.Link.extras.o_num, 5);
        // Arrays grow past a block of 16.
        for _ in 0..20 {
            assert_eq!(set_opt(&mut r, "CONN", "N:1"), TRUE);
        }
        assert_eq!(r.Link.extras.o_num, 25);
        free_tree(&r.Link.extras);
    }

    #[test]
    fn conn_refuses_a_tree_that_disagrees_with_the_depth() {
        let mut r = new_rtmp();
        r.Link.edepth = 2;
        assert_eq!(set_opt(&mut r, "conn", "S:x"), FALSE);
        assert_eq!(r.Link.extras.o_num, 0);
    }

    #[test]
    fn set_opt_types() {
        let mut r = new_rtmp();
        assert_eq!(set_opt(&mut r, "SWFURL", "http://x/p.swf"), TRUE);
        assert_eq!(text(r.Link.swfUrl).as_deref(), Some("http://x/p.swf"));
        assert_eq!(set_opt(&mut r, "timeout", "010"), TRUE);
        assert_eq!(r.Link.timeout, 8);
        assert_eq!(set_opt(&mut r, "start", "-5"), TRUE);
        assert_eq!(r.Link.seekTime, -5);
        assert_eq!(set_opt(&mut r, "playlist", "Yes"), TRUE);
        assert_eq!(set_opt(&mut r, "live", "no"), TRUE);
        assert_eq!(r.Link.lFlags, RTMP_LF_PLST);
        assert_eq!(set_opt(&mut r, "playlist", "0"), TRUE);
        assert_eq!(r.Link.lFlags, RTMP_LF_PLST);
        assert_eq!(set_opt(&mut r, "nosuch", "1"), FALSE);
        assert_eq!(set_opt(&mut r, "jtv", "T"), TRUE);
        assert_eq!(text(r.Link.usherToken).as_deref(), Some("T"));
        // SAFETY: NULLs are refused.
        assert_eq!(unsafe { RTMP_SetOpt(&mut *r, core::ptr::null(), core::ptr::null_mut()) }, FALSE);
    }

    #[test]
    fn setup_stream() {
        let mut r = new_rtmp();
        let av = |s: &'static str| AVal { av_val: s.as_ptr() as *mut c_char, av_len: s.len() as c_int };
        let (mut host, mut pp, mut auth, mut socks) = (av("h"), av("p"), av("secret"), av("sp:99"));
        let mut empty = av("");
        let hash_bytes: &'static [u8; 32] = &[7; 32];
        let mut hash = AVal { av_val: hash_bytes.as_ptr() as *mut c_char, av_len: 32 };
        let null = core::ptr::null_mut();
        // SAFETY: valid pointers or NULL.
        unsafe {
            RTMP_SetupStream(
                &mut *r, 5, &mut host, 0, &mut socks, &mut pp, null, null, null, &mut empty, &mut auth, &mut hash,
                1234, null, null, null, 10, 20, 1, 99,
            )
        };
        assert_eq!(r.Link.protocol, 5);
        assert_eq!(r.Link.port, 443);
        assert_eq!(text(r.Link.hostname).as_deref(), Some("h"));
        assert_eq!(text(r.Link.playpath).as_deref(), Some("p"));
        assert!(r.Link.app.av_val.is_null());
        assert_eq!(text(r.Link.auth).as_deref(), Some("secret"));
        let default = &crate::sys::DEFAULT_FLASHVER[..14];
        assert_eq!(text(r.Link.flashVer).as_deref().map(str::as_bytes), Some(default));
        assert_eq!((text(r.Link.sockshost).as_deref(), r.Link.socksport), (Some("sp"), 99));
        assert_eq!(r.Link.lFlags, RTMP_LF_AUTH | RTMP_LF_LIVE);
        assert_eq!((r.Link.seekTime, r.Link.stopTime, r.Link.timeout), (10, 20, 99));
        #[cfg(feature = "crypto")]
        assert_eq!((r.Link.SWFSize, r.Link.SWFHash), (1234, [7; 32]));

        // Everything NULL: no crash, defaults.
        let mut r = new_rtmp();
        // SAFETY: NULL AVals are tolerated.
        unsafe {
            RTMP_SetupStream(
                &mut *r, 1, null, 70000, null, null, null, null, null, null, null, null, 0, null, null, null, 0, 0, 0,
                30,
            )
        };
        assert_eq!(r.Link.port, (70000u32 % 65536) as u16);
        assert!(r.Link.hostname.av_val.is_null());
        assert_eq!((r.Link.socksport, r.Link.lFlags), (0, 0));
    }
}
