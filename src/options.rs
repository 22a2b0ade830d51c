//! The option table of `RTMP_SetOpt` / `RTMP_SetupURL` and the `conn=` AMF mini-language.
