/* rtmp-play: records an RTMP stream to an FLV file (or stdout) through librtmp.
 *
 *   rtmp-play [-v] [--live] [--timeout S] [--opt NAME=VALUE]... URL [-o FILE.flv]
 *
 * Exit status: 0 the stream ended normally, 1 usage, 2 could not connect, 3 the server refused the
 * stream or it broke off, 4 could not write the output. A progress line is shown on a terminal. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <librtmp/rtmp.h>
#include <librtmp/log.h>
#include "cli-options.h"
#ifdef _WIN32
#include <fcntl.h>
#include <io.h>
#include <winsock2.h>
#endif

static void on_signal(int sig)
{
  (void)sig;
  RTMP_UserInterrupt(); /* blocking calls return; the file is closed cleanly */
}

static void usage(void)
{
  fprintf(stderr, "usage: rtmp-play [-v] [--live] [--timeout SECONDS] [--opt NAME=VALUE]... URL [-o FILE.flv]\n"
                  "  records the stream at URL as FLV to FILE.flv (default: standard output)\n"
                  "  --opt NAME=VALUE sets any librtmp option (as NAME=VALUE after the URL would);\n"
                  "  Enhanced RTMP: --fourcc-list LIST, --video-fourcc-map MAP, --audio-fourcc-map MAP, --caps-ex N\n"
                  "  (fourCcList, videoFourCcInfoMap, audioFourCcInfoMap, capsEx: see the README)\n");
}

int main(int argc, char **argv)
{
  const char *url = NULL, *out_path = NULL;
  int verbose = 0, live = 0, timeout = 0, i, n, status = 0;
  char *url_buf;
  static char buf[64 * 1024];
  RTMP *r;
  FILE *out;
  unsigned long long total = 0;
  int progress;

  for (i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "-v")) verbose++;
    else if (!strcmp(argv[i], "--live")) live = 1;
    else if (!strcmp(argv[i], "--timeout") && i + 1 < argc) timeout = atoi(argv[++i]);
    else if (!strcmp(argv[i], "-o") && i + 1 < argc) out_path = argv[++i];
    else if ((n = option_flag(argc, argv, &i)) != 0) { if (n < 0) { usage(); return 1; } }
    else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) { usage(); return 0; }
    else if (argv[i][0] == '-' && argv[i][1]) { usage(); return 1; }
    else if (!url) url = argv[i];
    else { usage(); return 1; }
  }
  if (!url) { usage(); return 1; }

  RTMP_LogSetLevel(verbose >= 2 ? RTMP_LOGDEBUG : verbose ? RTMP_LOGINFO : RTMP_LOGERROR);
  signal(SIGINT, on_signal);
  signal(SIGTERM, on_signal);
#ifdef _WIN32
  /* The original librtmp never starts Winsock itself (rtmpdump does it too); and FLV on
   * standard output must not have its newlines translated. */
  { WSADATA wsa; WSAStartup(MAKEWORD(2, 2), &wsa); }
  _setmode(_fileno(stdout), _O_BINARY);
#endif

  out = out_path && strcmp(out_path, "-") ? fopen(out_path, "wb") : stdout;
  if (!out) { fprintf(stderr, "rtmp-play: cannot create %s: %s\n", out_path, strerror(errno)); return 4; }
  progress = isatty(STDERR_FILENO) && out != stdout;

  /* RTMP_SetupURL keeps pointers into the string it is given: it must outlive the session. */
  url_buf = malloc(strlen(url) + 32);
  sprintf(url_buf, "%s%s", url, live ? " live=1" : "");
  r = RTMP_Alloc();
  RTMP_Init(r);
  if (timeout > 0) r->Link.timeout = timeout;
  if (!RTMP_SetupURL(r, url_buf)) { fprintf(stderr, "rtmp-play: invalid URL: %s\n", url); return 1; }
  if (!apply_opts(r, "rtmp-play")) return 1;
  if (!RTMP_Connect(r, NULL)) { fprintf(stderr, "rtmp-play: cannot connect to %s\n", url); status = 2; goto done; }
  if (!RTMP_ConnectStream(r, 0)) { fprintf(stderr, "rtmp-play: the server did not start the stream\n"); status = 3; goto done; }

  while ((n = RTMP_Read(r, buf, sizeof buf)) > 0) {
    if (fwrite(buf, 1, n, out) != (size_t)n) { fprintf(stderr, "rtmp-play: write failed: %s\n", strerror(errno)); status = 4; goto done; }
    total += n;
    if (progress)
      fprintf(stderr, "\r%.1f s  %.0f kB ", r->m_read.timestamp / 1000.0, total / 1024.0);
  }
  if (progress) fputc('\n', stderr);
  if (RTMP_ctrlC)
    fprintf(stderr, "rtmp-play: interrupted after %llu bytes\n", total);
  else if (n < 0 || r->m_read.status == RTMP_READ_ERROR) {
    fprintf(stderr, "rtmp-play: the stream broke off after %llu bytes\n", total);
    status = 3;
  } else if (RTMP_IsTimedout(r)) {
    fprintf(stderr, "rtmp-play: no data for %d s, giving up after %llu bytes\n", r->Link.timeout, total);
    status = 3;
  } else if (total == 0) {
    fprintf(stderr, "rtmp-play: the stream ended without data\n");
    status = 3;
  } else if (verbose)
    fprintf(stderr, "rtmp-play: %llu bytes, stream %s\n", total, r->m_read.status == RTMP_READ_COMPLETE ? "complete" : "ended");

done:
  RTMP_Close(r);
  RTMP_Free(r);
  free(url_buf);
  if (out != stdout && fclose(out) != 0 && !status) status = 4;
  return status;
}
