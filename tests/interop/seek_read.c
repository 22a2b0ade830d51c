/* Seeking in a VOD stream through the C API: RTMP_Read until past 1 s, RTMP_SendSeek to a target,
 * then RTMP_Read again: the first audio/video tag after the seek must be at the target (within a
 * key frame interval) and the stream must go on. Built against the installed headers; the
 * library is whichever librtmp.so.1 the loader picks.
 *
 *   seek_read URL TARGET_MS     exit 0 when the seek took effect */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <librtmp/rtmp.h>
#include <librtmp/log.h>

/* The timestamp of the first audio/video tag starting at buf[pos], or -1. */
static long first_av_ts(const unsigned char *buf, int n, int *pos)
{
  while (*pos + 11 <= n) {
    const unsigned char *p = buf + *pos;
    int size = (p[1] << 16) | (p[2] << 8) | p[3];
    if (p[0] == 'F' && *pos == 0) { *pos = 13; continue; }
    if (p[0] == 8 || p[0] == 9)
      return (long)(((uint32_t)p[7] << 24) | (p[4] << 16) | (p[5] << 8) | p[6]);
    *pos += 11 + size + 4;
  }
  return -1;
}

int main(int argc, char **argv)
{
  static unsigned char buf[1 << 16];
  long target, ts = -1;
  int n, pos, reads = 0;
  RTMP *r;
  if (argc != 3) { fprintf(stderr, "usage: seek_read URL TARGET_MS\n"); return 2; }
  target = atol(argv[2]);
  r = RTMP_Alloc();
  RTMP_Init(r);
  r->Link.timeout = 5;
  if (!RTMP_SetupURL(r, argv[1]) || !RTMP_Connect(r, NULL) || !RTMP_ConnectStream(r, 0)) { fprintf(stderr, "seek_read: cannot play %s\n", argv[1]); return 1; }
  while (r->m_read.timestamp < 1000 && (n = RTMP_Read(r, (char *)buf, sizeof buf)) > 0) reads++;
  printf("played to %u ms in %d reads; seeking to %ld ms\n", r->m_read.timestamp, reads, target);
  if (!RTMP_SendSeek(r, (int)target)) { printf("RTMP_SendSeek failed\n"); return 1; }
  for (reads = 0; reads < 50 && ts < 0; reads++) {
    n = RTMP_Read(r, (char *)buf, sizeof buf);
    if (n <= 0) { printf("after the seek RTMP_Read returned %d (status %d, connected %d)\n", n, r->m_read.status, RTMP_IsConnected(r)); return 1; }
    pos = 0;
    ts = first_av_ts(buf, n, &pos);
  }
  printf("first tag after the seek at %ld ms\n", ts);
  RTMP_Close(r);
  RTMP_Free(r);
  return ts >= target - 1000 && ts <= target + 1000 ? 0 : 1;
}
