/* rtmp-publish: publishes an FLV file to an RTMP server through librtmp, in real time (as a live
 * encoder would) or, with --fast, as fast as the connection allows.
 *
 *   rtmp-publish [-v] [--fast] [--timeout S] [--opt NAME=VALUE]... FILE.flv URL
 *
 * Exit status: 0 all sent, 1 usage, 2 could not connect or the server refused to publish,
 * 3 sending failed, 4 could not read the file. A progress line is shown on a terminal. */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <librtmp/rtmp.h>
#include <librtmp/log.h>
#include "cli-options.h"
#ifdef _WIN32
#include <winsock2.h>
#endif

static void on_signal(int sig)
{
  (void)sig;
  RTMP_UserInterrupt();
}

static void usage(void)
{
  fprintf(stderr, "usage: rtmp-publish [-v] [--fast] [--timeout SECONDS] [--opt NAME=VALUE]... FILE.flv URL\n"
                  "  publishes FILE.flv to URL, paced by its timestamps unless --fast\n"
                  "  --opt NAME=VALUE sets any librtmp option (as NAME=VALUE after the URL would);\n"
                  "  Enhanced RTMP: --fourcc-list LIST, --video-fourcc-map MAP, --audio-fourcc-map MAP, --caps-ex N\n"
                  "  (fourCcList, videoFourCcInfoMap, audioFourCcInfoMap, capsEx: see the README)\n");
}

#ifdef _WIN32
static double now_s(void)
{
  return GetTickCount64() / 1e3;
}

static void pause_s(double d)
{
  Sleep((DWORD)(d * 1e3) + 1);
}
#else
static double now_s(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void pause_s(double d)
{
  struct timespec ts = { (time_t)d, (long)((d - (time_t)d) * 1e9) };
  nanosleep(&ts, NULL);
}
#endif

/* Sleeps until `t` (monotonic seconds) unless interrupted. */
static void sleep_until(double t)
{
  double d;
  while (!RTMP_ctrlC && (d = t - now_s()) > 0)
    pause_s(d);
}

int main(int argc, char **argv)
{
  const char *path = NULL, *url = NULL;
  int verbose = 0, fast = 0, timeout = 0, i, k, status = 0, progress;
  char *url_buf, *tag = NULL;
  size_t tag_cap = 0;
  unsigned char hdr[11];
  FILE *in;
  RTMP *r;
  double start;
  unsigned long long sent = 0;
  uint32_t ts = 0;

  for (i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "-v")) verbose++;
    else if (!strcmp(argv[i], "--fast")) fast = 1;
    else if (!strcmp(argv[i], "--timeout") && i + 1 < argc) timeout = atoi(argv[++i]);
    else if ((k = option_flag(argc, argv, &i)) != 0) { if (k < 0) { usage(); return 1; } }
    else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) { usage(); return 0; }
    else if (argv[i][0] == '-' && argv[i][1]) { usage(); return 1; }
    else if (!path) path = argv[i];
    else if (!url) url = argv[i];
    else { usage(); return 1; }
  }
  if (!path || !url) { usage(); return 1; }

  RTMP_LogSetLevel(verbose >= 2 ? RTMP_LOGDEBUG : verbose ? RTMP_LOGINFO : RTMP_LOGERROR);
  signal(SIGINT, on_signal);
  signal(SIGTERM, on_signal);
#ifdef _WIN32
  { WSADATA wsa; WSAStartup(MAKEWORD(2, 2), &wsa); } /* the original librtmp never starts Winsock */
#endif

  in = fopen(path, "rb");
  if (!in) { fprintf(stderr, "rtmp-publish: cannot open %s: %s\n", path, strerror(errno)); return 4; }
  if (fread(hdr, 1, 9, in) != 9 || memcmp(hdr, "FLV", 3) != 0) { fprintf(stderr, "rtmp-publish: %s is not an FLV file\n", path); return 4; }
  /* Skip the rest of the header and PreviousTagSize0. */
  if (fseek(in, (long)((hdr[5] << 24) | (hdr[6] << 16) | (hdr[7] << 8) | hdr[8]) + 4, SEEK_SET) != 0) { fprintf(stderr, "rtmp-publish: %s is truncated\n", path); return 4; }
  progress = isatty(STDERR_FILENO);

  url_buf = strdup(url); /* RTMP_SetupURL keeps pointers into it */
  r = RTMP_Alloc();
  RTMP_Init(r);
  if (timeout > 0) r->Link.timeout = timeout;
  if (!RTMP_SetupURL(r, url_buf)) { fprintf(stderr, "rtmp-publish: invalid URL: %s\n", url); return 1; }
  if (!apply_opts(r, "rtmp-publish")) return 1;
  RTMP_EnableWrite(r);
  if (!RTMP_Connect(r, NULL)) { fprintf(stderr, "rtmp-publish: cannot connect to %s\n", url); status = 2; goto done; }
  if (!RTMP_ConnectStream(r, 0)) { fprintf(stderr, "rtmp-publish: the server refused to publish %s\n", url); status = 2; goto done; }

  start = now_s();
  for (;;) {
    size_t size, n = fread(hdr, 1, 11, in);
    if (n == 0) break;
    if (n < 11) { fprintf(stderr, "rtmp-publish: %s ends inside a tag header; stopping there\n", path); break; }
    size = ((size_t)hdr[1] << 16) | (hdr[2] << 8) | hdr[3];
    ts = ((uint32_t)hdr[7] << 24) | (hdr[4] << 16) | (hdr[5] << 8) | hdr[6];
    if (tag_cap < size + 15) { tag_cap = size + 15; tag = realloc(tag, tag_cap); }
    memcpy(tag, hdr, 11);
    if (fread(tag + 11, 1, size + 4, in) < size) { fprintf(stderr, "rtmp-publish: %s ends inside a tag; stopping there\n", path); break; }
    if (!fast)
      sleep_until(start + ts / 1000.0);
    if (RTMP_ctrlC) break;
    if (RTMP_Write(r, tag, (int)(size + 15)) <= 0) { fprintf(stderr, "rtmp-publish: sending failed after %llu bytes\n", sent); status = 3; break; }
    sent += size + 15;
    if (progress)
      fprintf(stderr, "\r%.1f s  %.0f kB ", ts / 1000.0, sent / 1024.0);
  }
  if (progress) fputc('\n', stderr);
  if (RTMP_ctrlC) fprintf(stderr, "rtmp-publish: interrupted after %llu bytes\n", sent);
  else if (verbose && !status) fprintf(stderr, "rtmp-publish: sent %llu bytes (%.1f s of media)\n", sent, ts / 1000.0);

done:
  RTMP_Close(r);
  RTMP_Free(r);
  free(url_buf);
  free(tag);
  fclose(in);
  return status;
}
