//! URL and option exports: RTMP_ParseURL, RTMP_ParsePlaypath, RTMP_SetupURL, RTMP_SetOpt, RTMP_SetupStream.
