//! The C types and constants of `<librtmp/rtmp.h>`, laid out exactly as in librtmp 2.4 (checked by
//! `offset_of!` below and by the C layout test on four ABIs). Callers own this memory: FFmpeg embeds
//! `RTMP` by value, rtmpdump keeps it on the stack, and they read and write its public members.
#![allow(non_camel_case_types, non_snake_case, non_upper_case_globals)]

use super::amf::{AMFObject, AVal};
use core::ffi::{c_char, c_int, c_ushort, c_void};

pub const RTMP_LIB_VERSION: c_int = 0x020300;

pub const RTMP_FEATURE_HTTP: c_int = 0x01;
pub const RTMP_FEATURE_ENC: c_int = 0x02;
pub const RTMP_FEATURE_SSL: c_int = 0x04;
/// not yet supported
pub const RTMP_FEATURE_MFP: c_int = 0x08;
/// publish, not play
pub const RTMP_FEATURE_WRITE: c_int = 0x10;
/// server-side rtmpt
pub const RTMP_FEATURE_HTTP2: c_int = 0x20;

pub const RTMP_PROTOCOL_UNDEFINED: c_int = -1;
pub const RTMP_PROTOCOL_RTMP: c_int = 0;
pub const RTMP_PROTOCOL_RTMPE: c_int = RTMP_FEATURE_ENC;
pub const RTMP_PROTOCOL_RTMPT: c_int = RTMP_FEATURE_HTTP;
pub const RTMP_PROTOCOL_RTMPS: c_int = RTMP_FEATURE_SSL;
pub const RTMP_PROTOCOL_RTMPTE: c_int = RTMP_FEATURE_HTTP | RTMP_FEATURE_ENC;
pub const RTMP_PROTOCOL_RTMPTS: c_int = RTMP_FEATURE_HTTP | RTMP_FEATURE_SSL;
pub const RTMP_PROTOCOL_RTMFP: c_int = RTMP_FEATURE_MFP;

pub const RTMP_DEFAULT_CHUNKSIZE: c_int = 128;
/// needs to fit largest number of bytes recv() may return
pub const RTMP_BUFFER_CACHE_SIZE: usize = 16 * 1024;
pub const RTMP_CHANNELS: c_int = 65600;

pub const RTMP_PACKET_TYPE_CHUNK_SIZE: u8 = 0x01;
pub const RTMP_PACKET_TYPE_BYTES_READ_REPORT: u8 = 0x03;
pub const RTMP_PACKET_TYPE_CONTROL: u8 = 0x04;
pub const RTMP_PACKET_TYPE_SERVER_BW: u8 = 0x05;
pub const RTMP_PACKET_TYPE_CLIENT_BW: u8 = 0x06;
pub const RTMP_PACKET_TYPE_AUDIO: u8 = 0x08;
pub const RTMP_PACKET_TYPE_VIDEO: u8 = 0x09;
pub const RTMP_PACKET_TYPE_FLEX_STREAM_SEND: u8 = 0x0F;
pub const RTMP_PACKET_TYPE_FLEX_SHARED_OBJECT: u8 = 0x10;
pub const RTMP_PACKET_TYPE_FLEX_MESSAGE: u8 = 0x11;
pub const RTMP_PACKET_TYPE_INFO: u8 = 0x12;
pub const RTMP_PACKET_TYPE_SHARED_OBJECT: u8 = 0x13;
pub const RTMP_PACKET_TYPE_INVOKE: u8 = 0x14;
pub const RTMP_PACKET_TYPE_FLASH_VIDEO: u8 = 0x16;

pub const RTMP_MAX_HEADER_SIZE: usize = 18;

pub const RTMP_PACKET_SIZE_LARGE: u8 = 0;
pub const RTMP_PACKET_SIZE_MEDIUM: u8 = 1;
pub const RTMP_PACKET_SIZE_SMALL: u8 = 2;
pub const RTMP_PACKET_SIZE_MINIMUM: u8 = 3;

/// The raw bytes of one chunk, reported by `RTMP_ReadPacket` when `RTMPPacket.m_chunk` is set and
/// replayed by `RTMP_SendChunk` (rtmpsuck forwards chunks verbatim this way).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct RTMPChunk {
    pub c_headerSize: c_int,
    pub c_chunkSize: c_int,
    pub c_chunk: *mut c_char,
    pub c_header: [c_char; RTMP_MAX_HEADER_SIZE],
}

/// One RTMP message. `m_body` is libc-allocated by `RTMPPacket_Alloc` with `RTMP_MAX_HEADER_SIZE`
/// bytes of room in front of it, where `RTMP_SendPacket` writes the chunk header.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct RTMPPacket {
    pub m_headerType: u8,
    pub m_packetType: u8,
    /// timestamp absolute or relative?
    pub m_hasAbsTimestamp: u8,
    pub m_nChannel: c_int,
    /// timestamp
    pub m_nTimeStamp: u32,
    /// last 4 bytes in a long header
    pub m_nInfoField2: i32,
    pub m_nBodySize: u32,
    pub m_nBytesRead: u32,
    pub m_chunk: *mut RTMPChunk,
    pub m_body: *mut c_char,
}

/// The socket and its receive cache. `sb_ssl` is the library's private pointer: with this
/// implementation it holds the Rust-side transport of a connected handle (TLS, tunnel, buffers).
#[repr(C)]
pub struct RTMPSockBuf {
    pub sb_socket: c_int,
    /// number of unprocessed bytes in buffer
    pub sb_size: c_int,
    /// pointer into sb_pBuffer of next byte to process
    pub sb_start: *mut c_char,
    /// data read from socket
    pub sb_buf: [c_char; RTMP_BUFFER_CACHE_SIZE],
    pub sb_timedout: c_int,
    pub sb_ssl: *mut c_void,
}

/// using auth param
pub const RTMP_LF_AUTH: c_int = 0x0001;
/// stream is live
pub const RTMP_LF_LIVE: c_int = 0x0002;
/// do SWF verification
pub const RTMP_LF_SWFV: c_int = 0x0004;
/// send playlist before play
pub const RTMP_LF_PLST: c_int = 0x0008;
/// toggle stream on BufferEmpty msg
pub const RTMP_LF_BUFX: c_int = 0x0010;
/// free tcUrl on close
pub const RTMP_LF_FTCU: c_int = 0x0020;
/// free app on close
pub const RTMP_LF_FAPU: c_int = 0x0040;

#[cfg(feature = "crypto")]
pub const RTMP_SWF_HASHLEN: usize = 32;
/// `RTMP_SWF_HASHLEN + 10`: the SWF verification response (cbindgen needs a plain name here).
#[cfg(feature = "crypto")]
pub const RTMP_SWF_VERIFY_RESPONSE_LEN: usize = 42;

/// Connection parameters. String members are borrowed from the caller (URL buffer, options) unless
/// an `RTMP_LF_F*` flag says the library allocated them; `playpath0` is always library-allocated.
#[repr(C)]
pub struct RTMP_LNK {
    pub hostname: AVal,
    pub sockshost: AVal,
    /// parsed from URL
    pub playpath0: AVal,
    /// passed in explicitly
    pub playpath: AVal,
    pub tcUrl: AVal,
    pub swfUrl: AVal,
    pub pageUrl: AVal,
    pub app: AVal,
    pub auth: AVal,
    pub flashVer: AVal,
    pub subscribepath: AVal,
    pub usherToken: AVal,
    pub token: AVal,
    pub pubUser: AVal,
    pub pubPasswd: AVal,
    pub extras: AMFObject,
    pub edepth: c_int,
    pub seekTime: c_int,
    pub stopTime: c_int,
    pub lFlags: c_int,
    pub swfAge: c_int,
    pub protocol: c_int,
    /// connection timeout in seconds
    pub timeout: c_int,
    /// unused, but kept to avoid breaking ABI
    pub pFlags: c_int,
    pub socksport: c_ushort,
    pub port: c_ushort,
    /// for encryption
    #[cfg(feature = "crypto")]
    pub dh: *mut c_void,
    #[cfg(feature = "crypto")]
    pub rc4keyIn: *mut c_void,
    #[cfg(feature = "crypto")]
    pub rc4keyOut: *mut c_void,
    #[cfg(feature = "crypto")]
    pub SWFSize: u32,
    #[cfg(feature = "crypto")]
    pub SWFHash: [u8; RTMP_SWF_HASHLEN],
    #[cfg(feature = "crypto")]
    pub SWFVerificationResponse: [c_char; RTMP_SWF_VERIFY_RESPONSE_LEN],
}

pub const RTMP_READ_HEADER: u8 = 0x01;
pub const RTMP_READ_RESUME: u8 = 0x02;
pub const RTMP_READ_NO_IGNORE: u8 = 0x04;
pub const RTMP_READ_GOTKF: u8 = 0x08;
pub const RTMP_READ_GOTFLVK: u8 = 0x10;
pub const RTMP_READ_SEEKING: u8 = 0x20;

pub const RTMP_READ_COMPLETE: i8 = -3;
pub const RTMP_READ_ERROR: i8 = -2;
pub const RTMP_READ_EOF: i8 = -1;
pub const RTMP_READ_IGNORE: i8 = 0;

/// state for read() wrapper
#[repr(C)]
pub struct RTMP_READ {
    pub buf: *mut c_char,
    pub bufpos: *mut c_char,
    pub buflen: core::ffi::c_uint,
    pub timestamp: u32,
    pub dataType: u8,
    pub flags: u8,
    pub status: i8,
    /// if bResume == TRUE
    pub initialFrameType: u8,
    pub nResumeTS: u32,
    pub metaHeader: *mut c_char,
    pub initialFrame: *mut c_char,
    pub nMetaHeaderSize: u32,
    pub nInitialFrameSize: u32,
    pub nIgnoredFrameCounter: u32,
    pub nIgnoredFlvFrameCounter: u32,
}

#[repr(C)]
pub struct RTMP_METHOD {
    pub name: AVal,
    pub num: c_int,
}

#[repr(C)]
pub struct RTMP {
    pub m_inChunkSize: c_int,
    pub m_outChunkSize: c_int,
    pub m_nBWCheckCounter: c_int,
    pub m_nBytesIn: c_int,
    pub m_nBytesInSent: c_int,
    pub m_nBufferMS: c_int,
    /// returned in _result from createStream
    pub m_stream_id: c_int,
    pub m_mediaChannel: c_int,
    pub m_mediaStamp: u32,
    pub m_pauseStamp: u32,
    pub m_pausing: c_int,
    pub m_nServerBW: c_int,
    pub m_nClientBW: c_int,
    pub m_nClientBW2: u8,
    pub m_bPlaying: u8,
    pub m_bSendEncoding: u8,
    pub m_bSendCounter: u8,
    pub m_numInvokes: c_int,
    pub m_numCalls: c_int,
    /// remote method calls queue
    pub m_methodCalls: *mut RTMP_METHOD,
    pub m_channelsAllocatedIn: c_int,
    pub m_channelsAllocatedOut: c_int,
    pub m_vecChannelsIn: *mut *mut RTMPPacket,
    pub m_vecChannelsOut: *mut *mut RTMPPacket,
    /// abs timestamp of last packet
    pub m_channelTimestamp: *mut c_int,
    /// audioCodecs for the connect packet
    pub m_fAudioCodecs: f64,
    /// videoCodecs for the connect packet
    pub m_fVideoCodecs: f64,
    /// AMF0 or AMF3
    pub m_fEncoding: f64,
    /// duration of stream in seconds
    pub m_fDuration: f64,
    /// RTMPT stuff
    pub m_msgCounter: c_int,
    pub m_polling: c_int,
    pub m_resplen: c_int,
    pub m_unackd: c_int,
    pub m_clientID: AVal,
    pub m_read: RTMP_READ,
    pub m_write: RTMPPacket,
    pub m_sb: RTMPSockBuf,
    pub Link: RTMP_LNK,
}

// The measured layout of Debian's librtmp1 (shared/abi/layout-*.tsv), on LP64 and ILP32 targets.
#[cfg(test)]
mod layout {
    use super::*;
    use core::mem::{align_of, offset_of, size_of};

    #[test]
    #[cfg(target_pointer_width = "64")]
    fn lp64() {
        assert_eq!(size_of::<RTMPChunk>(), 40);
        assert_eq!(size_of::<RTMPPacket>(), 40);
        assert_eq!(offset_of!(RTMPPacket, m_body), 32);
        assert_eq!(size_of::<RTMPSockBuf>(), 16416);
        assert_eq!(offset_of!(RTMPSockBuf, sb_timedout), 16400);
        assert_eq!(size_of::<RTMP_READ>(), 64);
        assert_eq!(size_of::<RTMP_METHOD>(), 24);
        assert_eq!(offset_of!(RTMP, m_methodCalls), 64);
        assert_eq!(offset_of!(RTMP, m_channelTimestamp), 96);
        assert_eq!(offset_of!(RTMP, m_fDuration), 128);
        assert_eq!(offset_of!(RTMP, m_clientID), 152);
        assert_eq!(offset_of!(RTMP, m_read), 168);
        assert_eq!(offset_of!(RTMP, m_write), 232);
        assert_eq!(offset_of!(RTMP, m_sb), 272);
        assert_eq!(offset_of!(RTMP, Link), 16688);
        assert_eq!(offset_of!(RTMP_LNK, extras), 240);
        assert_eq!(offset_of!(RTMP_LNK, socksport), 288);
        assert_eq!(offset_of!(RTMP_LNK, port), 290);
        #[cfg(feature = "crypto")]
        {
            assert_eq!(size_of::<RTMP_LNK>(), 400);
            assert_eq!(offset_of!(RTMP_LNK, dh), 296);
            assert_eq!(offset_of!(RTMP_LNK, SWFSize), 320);
            assert_eq!(offset_of!(RTMP_LNK, SWFHash), 324);
            assert_eq!(offset_of!(RTMP_LNK, SWFVerificationResponse), 356);
            assert_eq!(size_of::<RTMP>(), 17088);
        }
        #[cfg(not(feature = "crypto"))]
        {
            assert_eq!(size_of::<RTMP_LNK>(), 296);
            assert_eq!(size_of::<RTMP>(), 16984);
        }
        assert_eq!(align_of::<RTMP>(), 8);
    }

    #[test]
    #[cfg(target_pointer_width = "32")]
    fn ilp32() {
        assert_eq!(offset_of!(RTMP, m_channelTimestamp), 84);
        assert_eq!(offset_of!(RTMP, m_fAudioCodecs), 88);
        assert_eq!(offset_of!(RTMP, Link), 16628);
        #[cfg(feature = "crypto")]
        assert_eq!(size_of::<RTMP_LNK>(), 256);
    }
}
