/* hostile-client URL: what an application does with librtmp (connect, play, RTMP_Read to the end)
 * against a hostile or broken server, reporting how far it got and how each call ended (the
 * stage each case of tests/hostile/server.py expects is checked against this line). A URL whose
 * stream is "publish" publishes instead: RTMP_Write of 64 KiB video tags until one fails (or
 * 64 MiB went), then whether the handle still says it is connected. The library is whichever
 * librtmp.so.1 the dynamic linker finds. */
#include <librtmp/rtmp.h>
#include <librtmp/log.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
  if (argc < 2) return 2;
  RTMP_LogSetLevel(RTMP_LOGWARNING);
  double t0 = now();
  RTMP *r = RTMP_Alloc();
  RTMP_Init(r);
  int publish = strstr(argv[1], "/publish") != NULL;
  int setup = RTMP_SetupURL(r, argv[1]), conn = 0, stream = 0, rc = 0, wrc = 0, connected = 0, timedout;
  long total = 0;
  if (setup && publish) RTMP_EnableWrite(r);
  if (setup) conn = RTMP_Connect(r, NULL);
  if (conn) stream = RTMP_ConnectStream(r, 0);
  if (stream && publish) {
    /* FLV video tags: header, a 64 KiB inter frame, the previous-tag size. */
    enum { BODY = 65536, TAG = 11 + BODY + 4 };
    char *tag = calloc(1, TAG);
    for (unsigned ts = 0; tag && total < (64L << 20); ts += 40) {
      tag[0] = 9;
      tag[1] = (char)(BODY >> 16); tag[2] = (char)(BODY >> 8); tag[3] = (char)BODY;
      tag[4] = (char)(ts >> 16); tag[5] = (char)(ts >> 8); tag[6] = (char)ts; tag[7] = (char)(ts >> 24);
      tag[11] = 0x27;
      tag[TAG - 4] = 0; tag[TAG - 3] = (char)((11 + BODY) >> 16); tag[TAG - 2] = (char)((11 + BODY) >> 8); tag[TAG - 1] = (char)(11 + BODY);
      if ((wrc = RTMP_Write(r, tag, TAG)) <= 0) break;
      total += wrc;
    }
    free(tag);
    connected = RTMP_IsConnected(r);
  } else if (stream) {
    char *buf = malloc(65536);
    while ((rc = RTMP_Read(r, buf, 65536)) > 0 && total < (64L << 20)) total += rc;
    free(buf);
  }
  timedout = RTMP_IsTimedout(r);
  RTMP_Close(r);
  RTMP_Free(r);
  printf("setup=%d connect=%d stream=%d read=%d bytes=%ld write=%d connected=%d timedout=%d seconds=%.2f\n", setup, conn,
         stream, rc, total, wrc, connected, timedout, now() - t0);
  return 0;
}
