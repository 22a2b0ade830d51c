//! The text of `AMF_Dump` / `AMFProp_Dump`: one line per property, nested objects between
//! "(object begin)" and "(object end)", worded and formatted exactly as the original prints them.

use super::value::{marker, Object, Property, Value};

/// Calls `line` with each line of the dump of `obj`.
pub fn object(obj: &Object<'_>, line: &mut dyn FnMut(&[u8])) {
    line(b"(object begin)");
    for p in &obj.props {
        property(p, line);
    }
    line(b"(object end)");
}

/// Calls `line` with each line of the dump of `prop` (several for an object or array).
pub fn property(prop: &Property<'_>, line: &mut dyn FnMut(&[u8])) {
    let code = prop.value.type_code();
    if code == marker::INVALID {
        line(b"Property: INVALID");
        return;
    }
    if let Value::Null = prop.value {
        line(b"Property: NULL");
        return;
    }
    let name: &[u8] = if prop.name.is_empty() { b"no-name." } else { prop.name };
    // "Name: %18.*s, ": at most 18 bytes of the name, right-aligned in 18 columns.
    let name = c_str(&name[..name.len().min(18)]);
    let mut head = b"Name: ".to_vec();
    head.resize(head.len() + 18usize.saturating_sub(name.len()), b' ');
    head.extend_from_slice(name);
    head.extend_from_slice(b", ");

    let container = match &prop.value {
        Value::Object(o) => Some((&b"OBJECT"[..], o)),
        Value::EcmaArray(o) => Some((&b"ECMA_ARRAY"[..], o)),
        Value::StrictArray(o) => Some((&b"STRICT_ARRAY"[..], o)),
        _ => None,
    };
    if let Some((kind, o)) = container {
        let mut l = b"Property: <".to_vec();
        l.extend_from_slice(&head);
        l.extend_from_slice(kind);
        l.push(b'>');
        line(&l);
        object(o, line);
        return;
    }

    let body: Vec<u8> = match &prop.value {
        Value::Number(n) => format!("NUMBER:\t{}", printf_2f(*n)).into_bytes(),
        Value::Boolean(b) => format!("BOOLEAN:\t{}", if *b { "TRUE" } else { "FALSE" }).into_bytes(),
        Value::String(s) => {
            let mut v = b"STRING:\t".to_vec();
            v.extend_from_slice(c_str(s));
            v
        }
        Value::Date { millis, utc_offset } => {
            format!("DATE:\ttimestamp: {}, UTC offset: {}", printf_2f(*millis), utc_offset).into_bytes()
        }
        other => format!("INVALID TYPE 0x{:02x}", other.type_code() as u8).into_bytes(),
    };
    let mut l = b"Property: <".to_vec();
    l.extend_from_slice(clip(&head));
    l.extend_from_slice(clip(&body));
    l.push(b'>');
    line(&l);
}

/// The original formats each half into a 256-byte buffer with `snprintf(buf, 255, …)`: 254 bytes
/// of text at most.
fn clip(s: &[u8]) -> &[u8] {
    &s[..s.len().min(254)]
}

/// `%.*s` stops at a NUL byte.
fn c_str(s: &[u8]) -> &[u8] {
    match s.iter().position(|&b| b == 0) {
        Some(n) => &s[..n],
        None => s,
    }
}

/// `printf("%.2f", x)` as the original's C library prints it: Rust's fixed-precision formatting
/// is exact and rounds ties to even like glibc's and mingw-w64's; only the non-finite spellings
/// differ, and whether a NaN shows its sign is the platform's (`sys`).
pub fn printf_2f(x: f64) -> String {
    if x.is_nan() {
        if x.is_sign_negative() && crate::sys::PRINTF_NAN_SIGN { "-nan" } else { "nan" }.to_string()
    } else if x.is_infinite() {
        if x < 0.0 { "-inf" } else { "inf" }.to_string()
    } else {
        format!("{x:.2}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(obj: &Object<'_>) -> Vec<String> {
        let mut v = Vec::new();
        object(obj, &mut |l| v.push(String::from_utf8_lossy(l).into_owned()));
        v
    }

    #[test]
    fn every_kind_of_line() {
        let o = Object::new(vec![
            Property::new(b"duration", Value::Number(12.345)),
            Property::unnamed(Value::Boolean(true)),
            Property::new(b"a_rather_long_property_name", Value::String(b"x\0y")),
            Property::new(b"n", Value::Null),
            Property::new(b"d", Value::Date { millis: 1.5, utc_offset: -60 }),
            Property::new(b"x", Value::XmlDoc(b"<a/>")),
            Property::new(b"o", Value::EcmaArray(Object::new(vec![Property::new(b"k", Value::Other(0xff))]))),
            Property::new(b"u", Value::Other(0x106)),
        ]);
        assert_eq!(
            lines(&o),
            vec![
                "(object begin)",
                "Property: <Name:           duration, NUMBER:\t12.35>",
                "Property: <Name:           no-name., BOOLEAN:\tTRUE>",
                "Property: <Name: a_rather_long_prop, STRING:\tx>",
                "Property: NULL",
                "Property: <Name:                  d, DATE:\ttimestamp: 1.50, UTC offset: -60>",
                "Property: <Name:                  x, INVALID TYPE 0x0f>",
                "Property: <Name:                  o, ECMA_ARRAY>",
                "(object begin)",
                "Property: INVALID",
                "(object end)",
                "Property: <Name:                  u, INVALID TYPE 0x06>",
                "(object end)",
            ]
        );
    }

    #[test]
    fn long_values_are_clipped_like_snprintf() {
        let s = vec![b'z'; 400];
        let o = Object::new(vec![Property::new(b"s", Value::String(&s)), Property::new(b"n", Value::Number(1e300))]);
        let l = lines(&o);
        assert_eq!(l[1].len(), "Property: <".len() + 26 + 254 + 1);
        assert_eq!(l[2].len(), "Property: <".len() + 26 + 254 + 1);
        assert!(l[2].contains("NUMBER:\t1000000000000000052504760255204420248704468581108159154915854115"));
    }

    #[test]
    fn printf_spellings() {
        assert_eq!(printf_2f(0.125), "0.12");
        assert_eq!(printf_2f(0.375), "0.38");
        assert_eq!(printf_2f(-0.0), "-0.00");
        assert_eq!(printf_2f(1e22), "10000000000000000000000.00");
        assert_eq!(printf_2f(f64::INFINITY), "inf");
        assert_eq!(printf_2f(f64::NEG_INFINITY), "-inf");
        assert_eq!(printf_2f(f64::NAN), "nan");
        assert_eq!(printf_2f(-f64::NAN), if crate::sys::PRINTF_NAN_SIGN { "-nan" } else { "nan" });
    }
}
