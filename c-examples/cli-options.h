/* cli-options.h: the option flags rtmp-play and rtmp-publish share (--opt NAME=VALUE and the
 * Enhanced RTMP fields by name), included by both; each is built from its one .c file. */
#ifndef CLI_OPTIONS_H
#define CLI_OPTIONS_H
#include <stdio.h>
#include <string.h>
#include <librtmp/rtmp.h>

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

#endif
