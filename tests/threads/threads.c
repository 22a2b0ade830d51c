/* threads.c: N threads, each with its own RTMP, half publishing and half playing at the same
 * time, with DEBUG logging through one application callback (as FFmpeg and GStreamer install
 * theirs). Run natively and under ThreadSanitizer (make check-threads).
 *
 *   threads URL-BASE FILE.flv N     e.g. threads rtmp://127.0.0.1:1935/live small.flv 16
 *
 * Player i subscribes to URL-BASE/tI; once every player is playing, publisher i sends FILE.flv
 * there as fast as the server takes it. Each player must then receive every audio and video tag
 * of the file, in order, and end when the publisher leaves. Exit 0 when all did. */
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <librtmp/rtmp.h>
#include <librtmp/log.h>

static const char *g_base;
static char *g_flv;
static long g_flv_len;
static int g_tags;                      /* audio + video tags in the file */
static pthread_barrier_t g_playing;     /* players subscribed; publishers may go */
static atomic_long g_log_lines;
static atomic_int g_failures;
static atomic_int g_running;

static void *level_changer(void *arg)
{
  (void)arg;
  while (atomic_load(&g_running)) {
    RTMP_LogSetLevel(RTMP_LOGINFO);
    RTMP_LogSetLevel(RTMP_LogGetLevel() == RTMP_LOGINFO ? RTMP_LOGDEBUG : RTMP_LOGDEBUG);
  }
  return NULL;
}

static void log_cb(int level, const char *fmt, va_list ap)
{
  char line[2048];
  (void)level;
  vsnprintf(line, sizeof(line), fmt, ap);
  atomic_fetch_add(&g_log_lines, 1);
}

static void fail(int i, const char *what)
{
  fprintf(stderr, "thread %d: %s\n", i, what);
  atomic_fetch_add(&g_failures, 1);
}

static int count_av_tags(const char *b, long n)
{
  long pos = 13;
  int tags = 0;
  while (pos + 11 <= n) {
    long size = ((long)(unsigned char)b[pos + 1] << 16) | ((unsigned char)b[pos + 2] << 8) | (unsigned char)b[pos + 3];
    int type = b[pos] & 0x1f;
    if (pos + 11 + size + 4 > n) break;
    if (type == 8 || type == 9) tags++;
    pos += 11 + size + 4;
  }
  return tags;
}

static RTMP *open_url(int i, int publish, char **urlp)
{
  char *url = *urlp = malloc(strlen(g_base) + 64);
  RTMP *r = RTMP_Alloc();
  RTMP_Init(r);
  sprintf(url, "%s/t%d%s", g_base, i / 2, publish ? "" : " live=1");
  /* SetupURL keeps pointers into the string: it lives as long as the handle (freed at the end). */
  if (!RTMP_SetupURL(r, url)) { fail(i, "RTMP_SetupURL"); RTMP_Free(r); free(url); return NULL; }
  r->Link.timeout = 10;
  if (publish) RTMP_EnableWrite(r);
  if (!RTMP_Connect(r, NULL) || !RTMP_ConnectStream(r, 0)) { fail(i, "connect"); RTMP_Free(r); free(url); return NULL; }
  return r;
}

static void close_url(RTMP *r, char *url)
{
  RTMP_Close(r);
  RTMP_Free(r);
  free(url);
}

static void *player(void *arg)
{
  int i = (int)(long)arg;
  char *url;
  RTMP *r = open_url(i, 0, &url);
  pthread_barrier_wait(&g_playing);
  if (!r) return NULL;
  long cap = g_flv_len * 2 + 65536, got = 0;
  char *out = malloc(cap);
  int n;
  while (got < cap && (n = RTMP_Read(r, out + got, (int)(cap - got > 65536 ? 65536 : cap - got))) > 0) got += n;
  int tags = count_av_tags(out, got);
  if (tags != g_tags) {
    char m[128];
    snprintf(m, sizeof(m), "received %d audio/video tags of %d", tags, g_tags);
    fail(i, m);
  }
  free(out);
  close_url(r, url);
  return NULL;
}

static void *publisher(void *arg)
{
  int i = (int)(long)arg;
  pthread_barrier_wait(&g_playing);
  char *url;
  RTMP *r = open_url(i, 1, &url);
  if (!r) return NULL;
  /* In uneven pieces, as an application hands over what it read. */
  long pos = 0, step = 1000 + 317 * i;
  while (pos < g_flv_len) {
    long n = g_flv_len - pos < step ? g_flv_len - pos : step;
    if (RTMP_Write(r, g_flv + pos, (int)n) <= 0) { fail(i, "RTMP_Write"); break; }
    pos += n;
  }
  close_url(r, url);
  return NULL;
}

int main(int argc, char **argv)
{
  if (argc < 4) { fprintf(stderr, "usage: threads URL-BASE FILE.flv N\n"); return 2; }
  g_base = argv[1];
  int n = atoi(argv[3]) & ~1;
  FILE *f = fopen(argv[2], "rb");
  if (!f || n < 2) { fprintf(stderr, "threads: cannot read %s or N < 2\n", argv[2]); return 2; }
  fseek(f, 0, SEEK_END);
  g_flv_len = ftell(f);
  rewind(f);
  g_flv = malloc(g_flv_len);
  if (fread(g_flv, 1, g_flv_len, f) != (size_t)g_flv_len) return 2;
  fclose(f);
  g_tags = count_av_tags(g_flv, g_flv_len);

  RTMP_LogSetCallback(log_cb);
  RTMP_LogSetLevel(RTMP_LOGDEBUG);
  pthread_barrier_init(&g_playing, NULL, (unsigned)n);
  pthread_t *t = calloc(n, sizeof(*t));
  for (int i = 0; i < n; i++) pthread_create(&t[i], NULL, i % 2 ? publisher : player, (void *)(long)i);
  /* Meanwhile the application changes the log level and reads it back, as a UI thread might. */
  atomic_store(&g_running, 1);
  pthread_t changer;
  pthread_create(&changer, NULL, level_changer, NULL);
  for (int i = 0; i < n; i++) pthread_join(t[i], NULL);
  atomic_store(&g_running, 0);
  pthread_join(changer, NULL);
  printf("threads: %d threads (%d players, %d publishers), %d tags each, %ld log lines, %d failures\n",
         n, n / 2, n / 2, g_tags, atomic_load(&g_log_lines), atomic_load(&g_failures));
  free(t);
  free(g_flv);
  return atomic_load(&g_failures) != 0;
}
