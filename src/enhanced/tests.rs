use super::*;
use crate::amf::amf0;

fn announce() -> Capabilities {
    Capabilities {
        fourcc_list: Some(parse_fourcc_list(b"hvc1,av01,Opus").unwrap()),
        video_map: Some(parse_info_map(b"hvc1:3,*:4").unwrap()),
        audio_map: None,
        caps_ex: Some(parse_caps_ex(3).unwrap()),
    }
}

#[test]
fn options_are_read_and_checked() {
    assert_eq!(parse_fourcc_list(b"hvc1,*,.mp3").unwrap(), vec![b"hvc1".to_vec(), b"*".to_vec(), b".mp3".to_vec()]);
    assert!(parse_fourcc_list(b"").is_err());
    assert!(parse_fourcc_list(b"hvc1,,av01").is_err());
    assert!(parse_fourcc_list(b"h264").is_ok());
    assert!(parse_fourcc_list(b"hevc1").is_err());
    assert_eq!(parse_info_map(b"ac-3:1,*:7").unwrap(), vec![(b"ac-3".to_vec(), 1), (b"*".to_vec(), 7)]);
    assert!(parse_info_map(b"hvc1").is_err());
    assert!(parse_info_map(b"hvc1:8").is_err());
    assert!(parse_info_map(b"hvc1:x").is_err());
    assert!(parse_caps_ex(16).is_err() && parse_caps_ex(-1).is_err());
    assert_eq!(parse_caps_ex(15), Ok(15));
}

#[test]
fn fields_encode_inside_an_object_and_decode_back() {
    let mut b = vec![0x03];
    announce().encode_fields(&mut b).unwrap();
    b.extend_from_slice(&[0, 0, 9]);
    // The strict array of strings, as the spec and FFmpeg write it.
    let list =
        [&b"\x00\x0afourCcList\x0a\x00\x00\x00\x03"[..], b"\x02\x00\x04hvc1\x02\x00\x04av01\x02\x00\x04Opus"].concat();
    assert!(b.windows(list.len()).any(|w| w == list));
    let command = [&[0x02, 0, 1, b'x'][..], &b].concat();
    let (obj, used) = amf0::decode_object(&command, false, &mut ()).unwrap();
    assert_eq!(used, b.len() + 4);
    let inner = obj.props[1].value.as_object().unwrap();
    assert_eq!(Capabilities::from_objects(&[inner]), announce());
}

#[test]
fn an_answer_in_an_ecma_array_is_read_and_junk_is_skipped() {
    use crate::amf::{Object, Property, Value};
    let map = Object::new(vec![Property::new(b"hvc1", Value::Number(1.0)), Property::new(b"bad", Value::Null)]);
    let info = Object::new(vec![
        Property::new(b"capsEx", Value::Number(1.0)),
        Property::new(b"videoFourCcInfoMap", Value::EcmaArray(map)),
        Property::new(b"audioFourCcInfoMap", Value::String(b"nonsense")),
    ]);
    let c = Capabilities::from_objects(&[&Object::default(), &info]);
    assert_eq!(c.caps_ex, Some(1));
    assert_eq!(c.video_map, Some(vec![(b"hvc1".to_vec(), 1)]));
    assert_eq!(c.audio_map, None);
    assert!(c.has(caps::RECONNECT) && !c.has(caps::MULTITRACK));
    assert_eq!(c.describe(), "capsEx 0x1 (Reconnect), videoFourCcInfoMap hvc1:1");
    assert_eq!(Capabilities::default().describe(), "no Enhanced RTMP fields");
}

#[test]
fn a_player_takes_what_it_named() {
    let c = announce();
    assert!(c.accepts(b"hvc1", true) && c.accepts(b"Opus", false));
    // `*:4` in the video map: any video codec may be forwarded to it.
    assert!(c.accepts(b"vp09", true));
    assert!(!c.accepts(b"fLaC", false));
    assert!(!Capabilities::default().accepts(b"hvc1", true));
}
