/* Built as a non-PIE executable (-no-pie -fno-pic), like Debian's rtmpdump: the exported data
 * objects then live in the executable through copy relocations, and the library must use those
 * copies (rtmpdump sets RTMP_debuglevel for -V and RTMP_ctrlC from its signal handler). */
#include <stdio.h>
#include <string.h>
#include <librtmp/rtmp.h>
#include <librtmp/log.h>

static int seen;
static void cb(int level, const char *fmt, va_list ap) { (void)level; (void)fmt; (void)ap; seen++; }

int main(void)
{
  int pass = 0, fail = 0;
#define CHECK(c) do { if (c) pass++; else { fail++; printf("FAIL: %s\n", #c); } } while (0)
  RTMP_LogSetCallback(cb);
  RTMP_debuglevel = RTMP_LOGDEBUG;              /* written in the executable's copy */
  CHECK(RTMP_LogGetLevel() == RTMP_LOGDEBUG);  /* the library reads that copy */
  RTMP_LogHex(RTMP_LOGDEBUG, (const uint8_t *)"x", 1);
  CHECK(seen == 1);                             /* and filters by it */
  RTMP_debuglevel = RTMP_LOGERROR;
  RTMP_LogHex(RTMP_LOGDEBUG, (const uint8_t *)"x", 1);
  CHECK(seen == 1);
  RTMP_LogSetLevel(RTMP_LOGINFO);               /* the library writes the executable's copy */
  CHECK(RTMP_debuglevel == RTMP_LOGINFO);
  CHECK(RTMP_ctrlC == 0);
  RTMP_UserInterrupt();
  CHECK(RTMP_ctrlC == 1);
  CHECK(RTMP_DefaultFlashVer.av_len == 14 && memcmp(RTMP_DefaultFlashVer.av_val, "LNX 10,0,32,18", 14) == 0);
  CHECK(strcmp(RTMPProtocolStringsLower[RTMP_PROTOCOL_RTMPTE], "rtmpte") == 0);
  printf("copyreloc: %d passed, %d failed\n", pass, fail);
  return fail != 0;
}
