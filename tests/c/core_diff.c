/* Differential test of the non-network surface: the same program runs on Debian's librtmp and on
 * ours and must print the same lines (tests/c/run-diff.sh compares them). Covers RTMP_Init's exact
 * bytes, Alloc/Free/Close, exported data, logging (callback with a real va_list, default output
 * format, hex dumps, LogPrintf/LogStatus), and the packet helpers. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <librtmp/rtmp.h>
#include <librtmp/log.h>

extern const char RTMPProtocolStrings[][7]; /* exported, declared by no header */

static void print_cb(int level, const char *fmt, va_list ap)
{
  char buf[4096];
  vsnprintf(buf, sizeof buf, fmt, ap);
  printf("cb[%d] %s\n", level, buf);
}

static void dump_nonzero(const char *what, const void *mem, size_t n)
{
  const unsigned char *p = mem;
  size_t i;
  printf("%s non-zero bytes:", what);
  for (i = 0; i < n; i++)
    if (p[i])
      printf(" %zu=%02x", i, p[i]);
  printf("\n");
}

static void print_output_file(FILE *f, const char *what)
{
  char line[512];
  fflush(f);
  rewind(f);
  while (fgets(line, sizeof line, f))
    printf("%s| %s", what, line);
  fclose(f);
}

int main(void)
{
  RTMP *r;
  RTMP stack;
  RTMPPacket p;
  unsigned char bytes[40];
  FILE *out;
  int i;

  /* Exported data and constants */
  printf("version 0x%06x\n", RTMP_LibVersion());
  printf("flashver %.*s (%d)\n", RTMP_DefaultFlashVer.av_len, RTMP_DefaultFlashVer.av_val, RTMP_DefaultFlashVer.av_len);
  for (i = 0; i < 9; i++)
    printf("proto %d '%s' '%s'\n", i, RTMPProtocolStringsLower[i], RTMPProtocolStrings[i]);
  printf("debuglevel %d getlevel %d ctrlC %d\n", RTMP_debuglevel, RTMP_LogGetLevel(), RTMP_ctrlC);

  /* The default logger (before any callback is set: the original cannot go back to it): "LEVEL: text" to the output FILE*, a newline after a status line, and
   * LogPrintf/LogStatus bypassing the callback. */
  out = tmpfile();
  RTMP_LogSetOutput(out);
  RTMP_LogSetLevel(RTMP_LOGINFO);
  RTMP_LogPrintf("printf %d\n", 1);
  RTMP_LogStatus("status %d%%", 50);
  RTMP_LogStatus("\rstatus %d%%", 100);
  RTMP_LogPrintf("after status\n");
  RTMP_Log(RTMP_LOGWARNING, "warning %s", "w");
  RTMP_LogStatus("status again");
  RTMP_Log(RTMP_LOGINFO, "info after status");
  RTMP_Log(RTMP_LOGDEBUG, "debug hidden");
  RTMP_Log(RTMP_LOGINFO, "about no-name things");
  RTMP_LogHex(RTMP_LOGINFO, (const uint8_t *)"0123456789abcdefXYZ", 19);
  RTMP_LogSetLevel(RTMP_LOGCRIT);
  RTMP_LogPrintf("silent at CRIT\n");
  RTMP_LogStatus("silent at CRIT");
  print_output_file(out, "default");
  RTMP_LogSetOutput(stderr);


  /* Alloc is zeroed; Init sets exactly the original's bytes */
  r = RTMP_Alloc();
  dump_nonzero("alloc", r, sizeof *r);
  memset(&stack, 0xA5, sizeof stack); /* Init must not care what was there */
  RTMP_Init(&stack);
  dump_nonzero("init", &stack, sizeof stack);
  RTMP_Init(r);
  printf("connected %d socket %d timedout %d duration %g\n", RTMP_IsConnected(r), RTMP_Socket(r), RTMP_IsTimedout(r), RTMP_GetDuration(r));
  RTMP_EnableWrite(r);
  RTMP_SetBufferMS(r, 1234);
  printf("protocol 0x%x bufferms %d\n", r->Link.protocol, r->m_nBufferMS);
  RTMP_Close(r);
  printf("after close: stream_id %d socket %d protocol 0x%x bufferms %d\n", r->m_stream_id, r->m_sb.sb_socket, r->Link.protocol, r->m_nBufferMS);
  RTMP_Close(r); /* twice is fine */
  RTMP_Free(r);

  /* Packets: body with header room, Reset keeps the body, Free clears it */
  memset(&p, 0, sizeof p);
  printf("alloc %d bytesread %u\n", RTMPPacket_Alloc(&p, 100), p.m_nBytesRead);
  p.m_packetType = 0x14; p.m_nChannel = 3; p.m_nTimeStamp = 1000; p.m_nInfoField2 = 1; p.m_nBodySize = 100; p.m_body[0] = 0x02;
  p.m_body[-RTMP_MAX_HEADER_SIZE] = 1; /* the header room is writable */
  RTMP_LogSetCallback(print_cb);
  RTMP_LogSetLevel(RTMP_LOGDEBUG);
  RTMPPacket_Dump(&p);
  RTMPPacket_Reset(&p);
  printf("reset type %d chan %d ts %u size %u body %s\n", p.m_packetType, p.m_nChannel, p.m_nTimeStamp, p.m_nBodySize, p.m_body ? "kept" : "NULL");
  RTMPPacket_Free(&p);
  printf("free body %s\n", p.m_body ? "kept" : "NULL");
  RTMPPacket_Free(&p);

  /* Logging through a callback receiving the original format and a va_list */
  RTMP_Log(RTMP_LOGERROR, "error %d %s %.2f", 42, "text", 1.5);
  RTMP_Log(RTMP_LOGDEBUG2, "hidden at DEBUG");
  RTMP_LogSetLevel(RTMP_LOGALL);
  RTMP_Log(RTMP_LOGDEBUG2, "shown at ALL %x", 255);
  for (i = 0; i < (int)sizeof bytes; i++)
    bytes[i] = (unsigned char)(i * 7 + 30);
  RTMP_LogHex(RTMP_LOGDEBUG, bytes, sizeof bytes);
  RTMP_LogHex(RTMP_LOGDEBUG, bytes, 16);
  RTMP_LogHexString(RTMP_LOGDEBUG, bytes, sizeof bytes);
  RTMP_LogHexString(RTMP_LOGDEBUG, bytes, 5);
  RTMP_LogSetLevel(RTMP_LOGWARNING);
  RTMP_LogHex(RTMP_LOGDEBUG, bytes, sizeof bytes); /* below the level: nothing */

  printf("done\n");
  return 0;
}
