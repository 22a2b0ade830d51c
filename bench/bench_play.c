/* bench-play: N sessions, one thread each, play URL with RTMP_Read into a 64 KiB buffer until the
 * stream ends (or for -t seconds), and report throughput, CPU, connect cost and memory.
 *
 *   bench-play URL [-n SESSIONS] [-t SECONDS] [-l] [-w] [-s MS]
 *     -l  live stream (appends " live=1" to the URL, 1 s client buffer)
 *     -w  warm up first: one session that connects, reads and closes before anything is
 *         measured, so that one-time costs (the library's lazy initialisation, the first pages of
 *         its code) are not counted as memory per session
 *     -s  start the sessions MS milliseconds apart (a burst of 1,000 connects overflows the
 *         server's listen queue and some wait seconds for a SYN retransmission, with any library)
 *
 * Prints one line of key=value pairs: lib (the librtmp.so.1 actually loaded), sessions, ok
 * (sessions that connected and read data), bytes (all sessions), min_bytes (the poorest session),
 * wall (s, from the first connect to the last session's end), read_wall (s, the longest time a
 * session spent reading, connect excluded), user, sys (s, whole process),
 * connect_med, connect_max (s, RTMP_Connect + RTMP_ConnectStream wall time), connect_cpu_med (s,
 * the connecting thread's CPU time), rss_base_kB (before any session), rss_mid_kB (every session
 * connected and reading; for timed runs, halfway), maxrss_kB. Exit status 1 unless every session
 * connected and read data. */
#define _GNU_SOURCE
#include <librtmp/rtmp.h>
#include <librtmp/log.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

#define READ_SIZE (64 * 1024)

static const char *url;
static int live, sessions = 1, warmup, stagger_ms;
static double limit;
static atomic_int reading; /* sessions that have read their first bytes */

typedef struct {
  pthread_t thread;
  int ok;
  double connect, connect_cpu, read;
  size_t bytes;
} session_t;

static long rss_kb(void) {
  FILE *f = fopen("/proc/self/status", "r");
  char line[256];
  long kb = -1;
  while (f && fgets(line, sizeof line, f))
    if (!strncmp(line, "VmRSS:", 6)) kb = atol(line + 6);
  if (f) fclose(f);
  return kb;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static void *play(void *arg) {
  session_t *s = arg;
  char *buf = malloc(READ_SIZE);
  char u[1024];
  snprintf(u, sizeof u, "%s%s", url, live ? " live=1" : "");
  RTMP *r = RTMP_Alloc();
  RTMP_Init(r);
  double t0 = now(), c0 = clock_s(CLOCK_THREAD_CPUTIME_ID);
  int counted = 0;
  if (!buf || !RTMP_SetupURL(r, u)) goto out;
  RTMP_SetBufferMS(r, live ? 1000 : 3600 * 1000);
  if (!RTMP_Connect(r, NULL) || !RTMP_ConnectStream(r, 0)) goto out;
  s->connect = now() - t0;
  s->connect_cpu = clock_s(CLOCK_THREAD_CPUTIME_ID) - c0;
  for (;;) {
    int n = RTMP_Read(r, buf, READ_SIZE);
    if (n <= 0) break;
    s->bytes += (size_t)n;
    if (!counted) { counted = 1; atomic_fetch_add(&reading, 1); }
    if (limit > 0 && now() - t0 >= limit) break;
  }
  s->read = now() - t0 - s->connect;
  s->ok = s->bytes > 0;
out:
  if (!counted) atomic_fetch_add(&reading, 1); /* a failed session must not hold up the RSS sample */
  RTMP_Close(r);
  RTMP_Free(r);
  free(buf);
  return NULL;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: bench-play URL [-n SESSIONS] [-t SECONDS] [-l]\n");
    return 2;
  }
  url = argv[1];
  for (int i = 2; i < argc; i++) {
    if (!strcmp(argv[i], "-n") && i + 1 < argc) sessions = atoi(argv[++i]);
    else if (!strcmp(argv[i], "-t") && i + 1 < argc) limit = atof(argv[++i]);
    else if (!strcmp(argv[i], "-l")) live = 1;
    else if (!strcmp(argv[i], "-w")) warmup = 1;
    else if (!strcmp(argv[i], "-s") && i + 1 < argc) stagger_ms = atoi(argv[++i]);
    else { fprintf(stderr, "bench-play: unknown argument %s\n", argv[i]); return 2; }
  }
  if (sessions < 1) sessions = 1;
  RTMP_LogSetLevel(RTMP_LOGCRIT);
  if (warmup) {
    session_t w;
    double keep = limit;
    memset(&w, 0, sizeof w);
    limit = 0.5;
    play(&w);
    limit = keep;
    atomic_store(&reading, 0);
    if (!w.ok) { fprintf(stderr, "bench-play: the warm-up session failed\n"); return 1; }
  }
  session_t *s = calloc((size_t)sessions, sizeof *s);
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, 256 * 1024);
  long rss_base = rss_kb(), rss_mid = -1;
  struct rusage r0, r1;
  getrusage(RUSAGE_SELF, &r0);
  double t0 = now();
  for (int i = 0; i < sessions; i++) {
    if (pthread_create(&s[i].thread, &attr, play, &s[i]) != 0) { fprintf(stderr, "bench-play: pthread_create failed at %d\n", i); return 1; }
    if (stagger_ms > 0) usleep((useconds_t)stagger_ms * 1000);
  }
  /* Sample the resident size once every session is reading (and, when timed, halfway through). */
  while (atomic_load(&reading) < sessions && now() - t0 < 30) usleep(2000);
  if (limit > 0)
    while (now() - t0 < limit / 2) usleep(2000);
  rss_mid = rss_kb();
  for (int i = 0; i < sessions; i++) pthread_join(s[i].thread, NULL);
  double wall = now() - t0;
  getrusage(RUSAGE_SELF, &r1);

  size_t total = 0, min_bytes = (size_t)-1;
  int ok = 0;
  size_t ns = (unsigned)sessions;
  double *c = calloc(ns, sizeof *c), *cc = calloc(ns, sizeof *cc), cmax = 0, rmax = 0;
  for (int i = 0; i < sessions; i++) {
    total += s[i].bytes;
    if (s[i].bytes < min_bytes) min_bytes = s[i].bytes;
    if (!s[i].ok) continue;
    c[ok] = s[i].connect;
    cc[ok] = s[i].connect_cpu;
    if (s[i].connect > cmax) cmax = s[i].connect;
    if (s[i].read > rmax) rmax = s[i].read;
    ok++;
  }
  qsort(c, (size_t)ok, sizeof *c, cmp_double);
  qsort(cc, (size_t)ok, sizeof *cc, cmp_double);
  printf("lib=%s sessions=%d ok=%d bytes=%zu min_bytes=%zu wall=%.4f read_wall=%.4f user=%.4f sys=%.4f connect_med=%.5f connect_max=%.5f "
         "connect_cpu_med=%.6f rss_base_kB=%ld rss_mid_kB=%ld maxrss_kB=%ld\n",
         loaded_lib(), sessions, ok, total, min_bytes, wall, rmax, secs(r1.ru_utime) - secs(r0.ru_utime), secs(r1.ru_stime) - secs(r0.ru_stime),
         ok ? c[ok / 2] : 0, cmax, ok ? cc[ok / 2] : 0, rss_base, rss_mid, r1.ru_maxrss);
  return ok == sessions ? 0 : 1;
}
