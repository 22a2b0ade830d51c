//! AMF exports of `<librtmp/amf.h>`.
