/* What the benchmark programs share: clocks, rusage seconds and, for the programs that use
 * librtmp (include <librtmp/rtmp.h> first, with _GNU_SOURCE for dladdr), the path of the
 * librtmp.so.1 the dynamic linker actually loaded. */
#ifndef BENCH_H
#define BENCH_H

#include <stdlib.h>
#include <sys/time.h>
#include <time.h>

static inline double clock_s(clockid_t c) {
  struct timespec t;
  clock_gettime(c, &t);
  return t.tv_sec + t.tv_nsec / 1e9;
}

static inline double now(void) { return clock_s(CLOCK_MONOTONIC); }

static inline double secs(struct timeval t) { return t.tv_sec + t.tv_usec / 1e6; }

#ifdef __RTMP_H__
#include <dlfcn.h>

static inline const char *loaded_lib(void) {
  Dl_info info;
  static char path[4096];
  if (!dladdr((void *)RTMP_Init, &info) || !info.dli_fname) return "?";
  if (!realpath(info.dli_fname, path)) return info.dli_fname;
  return path;
}
#endif

#endif
