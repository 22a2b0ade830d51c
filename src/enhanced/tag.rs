//! What a publisher switching servers (and a relay serving late joiners) must know of an audio or
//! video tag: whether a decoder can start at it (a keyframe), whether it configures a decoder (a
//! sequence header, which must be sent again on a new connection), and which codecs and tracks it
//! carries. Legacy tags (H.264/AAC and the older codecs) and E-RTMP's ExVideoTagHeader and
//! ExAudioTagHeader, multitrack and ModEx included.
//!
//! The same reading is done in C by `c-examples/rtmp-relay.c`, which must build against the
//! original's headers and so cannot call this.

use crate::session::msg;

/// A codec's FourCC and the track it is on (0: the default track).
pub type Track = ([u8; 4], u8);

/// What one tag is.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TagInfo {
    /// An ExVideoTagHeader or ExAudioTagHeader.
    pub enhanced: bool,
    /// A video keyframe with coded data: where a decoder can start.
    pub keyframe: bool,
    /// A sequence header (legacy AVC/AAC; enhanced SequenceStart, MPEG2TSSequenceStart, Metadata,
    /// MultichannelConfig): the key of the decoder state it sets, for keeping the latest of each.
    pub header: Option<Vec<u8>>,
    /// The codecs and tracks of an enhanced tag (empty for a legacy one).
    pub tracks: Vec<Track>,
}

const PT_SEQUENCE_START: u8 = 0;
const PT_CODED_FRAMES: u8 = 1;
const PT_CODED_FRAMES_X: u8 = 3;
const PT_METADATA: u8 = 4;
const PT_MPEG2TS_SEQUENCE_START: u8 = 5;
const PT_VIDEO_MULTITRACK: u8 = 6;
const PT_AUDIO_MULTICHANNEL_CONFIG: u8 = 4;
const PT_AUDIO_MULTITRACK: u8 = 5;
const PT_MODEX: u8 = 7;
const FRAME_KEY: u8 = 1;
const FRAME_COMMAND: u8 = 5;
const SOUND_EX_HEADER: u8 = 9;
const MT_ONE_TRACK: u8 = 0;
const MT_MANY_CODECS: u8 = 2;

/// Reads a tag body of type `tag_type` (8 audio, 9 video); anything else, or a body too short to
/// say, is an ordinary tag.
pub fn classify(tag_type: u8, body: &[u8]) -> TagInfo {
    let Some(&b0) = body.first() else { return TagInfo::default() };
    match tag_type {
        msg::VIDEO if b0 & 0x80 != 0 => enhanced(tag_type, body, (b0 >> 4) & 7).unwrap_or_default(),
        msg::VIDEO => {
            let (frame, codec) = (b0 >> 4, b0 & 0x0f);
            // AVC and the HEVC some servers carried as codec 12 before E-RTMP: packet type 0 is the
            // decoder configuration, 1 the frames.
            let avc_like = matches!(codec, 7 | 12);
            let header = avc_like && body.get(1) == Some(&0);
            TagInfo {
                enhanced: false,
                keyframe: frame == FRAME_KEY && !header && (!avc_like || body.get(1) == Some(&1)),
                header: header.then(|| vec![tag_type, codec]),
                tracks: Vec::new(),
            }
        }
        msg::AUDIO if b0 >> 4 == SOUND_EX_HEADER => enhanced(tag_type, body, 0).unwrap_or_default(),
        msg::AUDIO => {
            let aac_header = b0 >> 4 == 10 && body.get(1) == Some(&0);
            TagInfo { header: aac_header.then(|| vec![tag_type, 10]), ..TagInfo::default() }
        }
        _ => TagInfo::default(),
    }
}

/// An enhanced header; None when the body ends before its header does.
fn enhanced(tag_type: u8, body: &[u8], frame: u8) -> Option<TagInfo> {
    let video = tag_type == msg::VIDEO;
    let mut at = 1;
    let mut pt = body[0] & 0x0f;
    // ModEx blocks: a size (1..256, or 16 bits when the byte says 256), the data, then the
    // modifier type and the packet type they modify.
    while pt == PT_MODEX {
        let mut size = usize::from(*body.get(at)?) + 1;
        at += 1;
        if size == 256 {
            size = usize::from(u16::from_be_bytes([*body.get(at)?, *body.get(at + 1)?])) + 1;
            at += 2;
        }
        at += size;
        pt = body.get(at)? & 0x0f;
        at += 1;
    }
    let mut tracks = Vec::new();
    let multitrack = if video { pt == PT_VIDEO_MULTITRACK } else { pt == PT_AUDIO_MULTITRACK };
    if multitrack {
        let b = *body.get(at)?;
        at += 1;
        let (kind, inner) = (b >> 4, b & 0x0f);
        pt = inner;
        let mut shared = None;
        if kind != MT_MANY_CODECS {
            shared = Some(fourcc_at(body, at)?);
            at += 4;
        }
        while at < body.len() {
            let f = match shared {
                Some(f) => f,
                None => {
                    let f = fourcc_at(body, at)?;
                    at += 4;
                    f
                }
            };
            let track = *body.get(at)?;
            at += 1;
            tracks.push((f, track));
            if kind == MT_ONE_TRACK {
                break;
            }
            let size = body.get(at..at + 3)?;
            at += 3 + (usize::from(size[0]) << 16 | usize::from(size[1]) << 8 | usize::from(size[2]));
        }
    } else {
        tracks.push((fourcc_at(body, at)?, 0));
    }
    let header = if video {
        matches!(pt, PT_SEQUENCE_START | PT_METADATA | PT_MPEG2TS_SEQUENCE_START)
    } else {
        matches!(pt, PT_SEQUENCE_START | PT_AUDIO_MULTICHANNEL_CONFIG)
    };
    let keyframe = video && frame == FRAME_KEY && matches!(pt, PT_CODED_FRAMES | PT_CODED_FRAMES_X);
    // A command frame carries a command, not data; but colorInfo Metadata is sent as one (FFmpeg).
    let header = (header && (frame != FRAME_COMMAND || pt == PT_METADATA)).then(|| {
        let mut key = vec![tag_type, pt];
        for (f, t) in &tracks {
            key.extend_from_slice(f);
            key.push(*t);
        }
        key
    });
    Some(TagInfo { enhanced: true, keyframe, header, tracks })
}

fn fourcc_at(body: &[u8], at: usize) -> Option<[u8; 4]> {
    body.get(at..at + 4).map(|s| [s[0], s[1], s[2], s[3]])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn legacy_avc_and_aac() {
        assert_eq!(classify(9, &[0x17, 0, 0, 0, 0, 1]).header, Some(vec![9, 7]));
        assert!(!classify(9, &[0x17, 0, 0, 0, 0, 1]).keyframe);
        assert!(classify(9, &[0x17, 1, 0, 0, 0, 9]).keyframe);
        assert!(!classify(9, &[0x27, 1, 0, 0, 0, 9]).keyframe);
        // Sorenson H.263 keyframe: no packet type byte to look at.
        assert!(classify(9, &[0x12, 0xaa]).keyframe);
        assert_eq!(classify(8, &[0xaf, 0, 0x12, 0x10]).header, Some(vec![8, 10]));
        assert_eq!(classify(8, &[0xaf, 1, 0x21]), TagInfo::default());
        assert_eq!(classify(9, &[]), TagInfo::default());
    }

    #[test]
    fn enhanced_video() {
        let start = [&[0x90][..], b"hvc1", &[1, 2, 3]].concat();
        let i = classify(9, &start);
        assert!(i.enhanced && !i.keyframe);
        assert_eq!(i.header, Some([&[9, 0][..], b"hvc1", &[0]].concat()));
        assert_eq!(i.tracks, vec![(*b"hvc1", 0)]);
        let key = [&[0x93][..], b"av01", &[9, 9]].concat();
        assert!(classify(9, &key).keyframe);
        let inter = [&[0xa1][..], b"av01", &[0, 0, 0, 9]].concat();
        assert!(!classify(9, &inter).keyframe);
        // A command frame is neither.
        let cmd = [&[0xd0][..], b"av01", &[1]].concat();
        assert_eq!(classify(9, &cmd).header, None);
        // colorInfo metadata, as FFmpeg sends it (frame type 5, packet type 4).
        let color = [&[0xd4][..], b"hvc1", &[2, 0, 9]].concat();
        assert_eq!(classify(9, &color).header, Some([&[9, 4][..], b"hvc1", &[0]].concat()));
        // Cut inside the FourCC: nothing can be said.
        assert_eq!(classify(9, &[0x91, b'h', b'v']), TagInfo::default());
    }

    #[test]
    fn modex_then_coded_frames() {
        // ModEx with 3 bytes of data (size byte 2), modifier 0 (nano offset) | CodedFramesX.
        let b = [&[0x97, 2, 0, 0, 7, 0x03][..], b"hvc1", &[5]].concat();
        let i = classify(9, &b);
        assert!(i.keyframe);
        assert_eq!(i.tracks, vec![(*b"hvc1", 0)]);
        // A 16-bit size: byte 255, then size - 1 = 299.
        let mut long = vec![0x97, 255, 0x01, 0x2b];
        long.extend(std::iter::repeat_n(0, 300));
        long.push(0x01);
        long.extend_from_slice(b"vp09");
        assert!(classify(9, &long).keyframe);
    }

    #[test]
    fn multitrack() {
        // OneTrack SequenceStart of hvc1 on track 1.
        let one = [&[0x96, 0x00][..], b"hvc1", &[1, 0xaa, 0xbb]].concat();
        let i = classify(9, &one);
        assert_eq!(i.tracks, vec![(*b"hvc1", 1)]);
        assert_eq!(i.header, Some([&[9, 0][..], b"hvc1", &[1]].concat()));
        // ManyTracks CodedFrames keyframe of av01 tracks 0 and 2.
        let many = [&[0x96, 0x11][..], b"av01", &[0, 0, 0, 2, 7, 7, 2, 0, 0, 1, 8]].concat();
        let i = classify(9, &many);
        assert!(i.keyframe);
        assert_eq!(i.tracks, vec![(*b"av01", 0), (*b"av01", 2)]);
        // ManyTracksManyCodecs audio SequenceStart: Opus track 0, fLaC track 1.
        let mc = [&[0x95, 0x20][..], b"Opus", &[0, 0, 0, 1, 9], b"fLaC", &[1, 0, 0, 2, 8, 8]].concat();
        let i = classify(8, &mc);
        assert_eq!(i.tracks, vec![(*b"Opus", 0), (*b"fLaC", 1)]);
        assert!(i.header.is_some() && !i.keyframe);
        // A track size past the end stops the walk without a panic.
        let cut = [&[0x96, 0x11][..], b"av01", &[0, 0xff, 0xff, 0xff]].concat();
        assert_eq!(classify(9, &cut).tracks, vec![(*b"av01", 0)]);
    }
}
