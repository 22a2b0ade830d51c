/* hostile-client URL: what an application does with librtmp (connect, play, RTMP_Read to the end)
 * against a hostile or broken server, reporting how far it got and how each call ended (the
 * stage each case of tests/hostile/server.py expects is checked against this line). The library
 * is whichever librtmp.so.1 the dynamic linker finds. */
#include <librtmp/rtmp.h>
#include <librtmp/log.h>
#include <stdio.h>
#include <stdlib.h>
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
  int setup = RTMP_SetupURL(r, argv[1]), conn = 0, stream = 0, rc = 0, timedout;
  long total = 0;
  if (setup) conn = RTMP_Connect(r, NULL);
  if (conn) stream = RTMP_ConnectStream(r, 0);
  if (stream) {
    char *buf = malloc(65536);
    while ((rc = RTMP_Read(r, buf, 65536)) > 0 && total < (64L << 20)) total += rc;
    free(buf);
  }
  timedout = RTMP_IsTimedout(r);
  RTMP_Close(r);
  RTMP_Free(r);
  printf("setup=%d connect=%d stream=%d read=%d bytes=%ld timedout=%d seconds=%.2f\n", setup, conn, stream, rc, total, timedout,
         now() - t0);
  return 0;
}
