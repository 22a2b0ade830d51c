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

/* Options given on the command line, set with RTMP_SetOpt after the URL's (which keeps pointers
 * to them: argv lives as long as the program). */
#define MAX_OPTS 64
static AVal opt_name[MAX_OPTS], opt_value[MAX_OPTS];
static int n_opts;

static int add_opt(const char *name, const char *value)
{
  if (n_opts == MAX_OPTS) return 0;
  opt_name[n_opts].av_val = (char *)name;
  opt_name[n_opts].av_len = (int)strlen(name);
  opt_value[n_opts].av_val = (char *)value;
  opt_value[n_opts++].av_len = (int)strlen(value);
  return 1;
}

/* --opt NAME=VALUE */
static int add_opt_pair(char *arg)
{
  char *eq = strchr(arg, '=');
  if (!eq || eq == arg) return 0;
  *eq = 0;
  return add_opt(arg, eq + 1);
}

/* The flags that name an option: --opt's, and the Enhanced RTMP fields by name. i is moved past
 * the value; 0 when argv[i] is none of them, -1 when it is malformed. */
static int option_flag(int argc, char **argv, int *i)
{
  static const char *const named[][2] = { { "--fourcc-list", "fourCcList" }, { "--video-fourcc-map", "videoFourCcInfoMap" },
                                          { "--audio-fourcc-map", "audioFourCcInfoMap" }, { "--caps-ex", "capsEx" } };
  if (*i + 1 >= argc) return 0;
  if (!strcmp(argv[*i], "--opt")) return add_opt_pair(argv[++*i]) ? 1 : -1;
  for (size_t k = 0; k < sizeof(named) / sizeof(named[0]); k++)
    if (!strcmp(argv[*i], named[k][0])) return add_opt(named[k][1], argv[++*i]) ? 1 : -1;
  return 0;
}

/* After RTMP_SetupURL: FALSE (and a message) when the library refuses one. */
static int apply_opts(RTMP *r, const char *prog)
{
  for (int k = 0; k < n_opts; k++)
    if (!RTMP_SetOpt(r, &opt_name[k], &opt_value[k])) {
      fprintf(stderr, "%s: invalid option %s=%s\n", prog, opt_name[k].av_val, opt_value[k].av_val);
      return 0;
    }
  return 1;
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
