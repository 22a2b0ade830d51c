/* GStreamer's pattern: one thread blocks in RTMP_Read, another calls RTMP_Close to interrupt it.
 * The read must return 0 (end of stream), not -1, and soon; afterwards the struct holds nothing
 * the library allocated (Link.playpath0 freed). Then a full play of a VOD stream with RTMP_Close
 * and RTMP_Free, for valgrind to check that nothing leaks.
 *
 * The reader is blocked once the server has its play request (the caller sees it on nginx's stat
 * page, then writes a line to stdin: nothing is published on LIVE_URL, so nothing more comes) and
 * its thread sleeps in recvfrom. Before that it may still be sending (createStream, play), and an
 * RTMP_Close then would race those sends rather than interrupt a blocked read.
 *
 *   close_thread LIVE_URL VOD_URL <GO     exit 0 when all holds */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include <librtmp/rtmp.h>

static RTMP *r;
static int read_result = 12345;
static volatile pid_t reader_tid;

static void *reader(void *arg)
{
  static char buf[65536];
  (void)arg;
  reader_tid = (pid_t)syscall(SYS_gettid);
  read_result = RTMP_Read(r, buf, sizeof buf);
  return NULL;
}

/* the reader's thread sleeps in recvfrom (/proc says "running" while it runs) */
static int reader_in_recv(void)
{
  char path[64];
  long nr = -1;
  FILE *f;
  if (!reader_tid) return 0;
  snprintf(path, sizeof path, "/proc/self/task/%d/syscall", (int)reader_tid);
  if (!(f = fopen(path, "r"))) return 0;
  if (fscanf(f, "%ld", &nr) != 1) nr = -1;
  fclose(f);
  return nr == SYS_recvfrom;
}

static double now(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
  pthread_t t;
  double t0;
  char *live, *vod, go[16];
  static char buf[65536];
  int n, total = 0;
  if (argc != 3) return 2;
  live = strdup(argv[1]);
  vod = strdup(argv[2]);

  r = RTMP_Alloc();
  RTMP_Init(r);
  r->Link.timeout = 10;
  if (!RTMP_SetupURL(r, live) || !RTMP_Connect(r, NULL)) { fprintf(stderr, "cannot connect\n"); return 1; }
  pthread_create(&t, NULL, reader, NULL);
  if (!fgets(go, sizeof go, stdin)) { fprintf(stderr, "no go on stdin: the server never had the play\n"); return 1; }
  for (t0 = now(); !reader_in_recv(); usleep(10 * 1000))
    if (now() - t0 > 10) { fprintf(stderr, "the reader is not in recvfrom 10 s after the play\n"); return 1; }
  t0 = now();
  RTMP_Close(r);
  pthread_join(t, NULL);
  printf("RTMP_Read returned %d %.2f s after RTMP_Close; playpath0 %s\n", read_result, now() - t0, r->Link.playpath0.av_val ? "still set" : "freed");
  if (read_result != 0 || now() - t0 > 2 || r->Link.playpath0.av_val) return 1;
  RTMP_Free(r);

  r = RTMP_Alloc();
  RTMP_Init(r);
  if (!RTMP_SetupURL(r, vod) || !RTMP_Connect(r, NULL) || !RTMP_ConnectStream(r, 0)) { fprintf(stderr, "cannot play\n"); return 1; }
  while ((n = RTMP_Read(r, buf, sizeof buf)) > 0) total += n;
  printf("played %d bytes, status %d\n", total, r->m_read.status);
  RTMP_Close(r);
  RTMP_Free(r);
  free(live);
  free(vod);
  return total > 0 ? 0 : 1;
}
