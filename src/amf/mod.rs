//! AMF0 and AMF3 values, encoding and bounds-checked decoding (no unsafe).
