//! URL grammar of librtmp: `RTMP_ParseURL` and `RTMP_ParsePlaypath` rules.
