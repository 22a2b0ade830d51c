/* The parts of librtmp's logging that stable Rust cannot write: the C-variadic entry points
 * (RTMP_Log, RTMP_LogPrintf, RTMP_LogStatus) and the call of a user callback with a real va_list
 * (GStreamer, FFmpeg and python-librtmp hand that va_list straight to their own vprintf-style code).
 * The callback, the output FILE* and the "a status line is pending" flag are atomics, so threads that
 * log while another replaces the callback see either the old or the new one, never a torn pointer. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

typedef void(RTMP_LogCallback)(int level, const char *fmt, va_list);

/* Defined in Rust (src/ffi/log.rs) and exported: read through the GOT, so a copy relocation in the
 * executable (rtmpdump assigns it directly) is the one the library sees. */
extern int RTMP_debuglevel;

#define LOG_LINE_MAX 2048

static void default_callback(int level, const char *fmt, va_list ap);

static RTMP_LogCallback *callback = default_callback;
static FILE *output;   /* NULL means stderr, resolved at use: stderr is not a constant expression */
static int status_pending;

static int current_level(void) { return __atomic_load_n(&RTMP_debuglevel, __ATOMIC_RELAXED); }

static FILE *current_output(void)
{
  FILE *f = __atomic_load_n(&output, __ATOMIC_ACQUIRE);
  return f ? f : stderr;
}

/* A progress line written by RTMP_LogStatus has no newline: end it before the next message. */
static void end_status_line(FILE *f)
{
  if (__atomic_exchange_n(&status_pending, 0, __ATOMIC_ACQ_REL))
    putc('\n', f);
}

static void default_callback(int level, const char *fmt, va_list ap)
{
  static const char *const names[] = { "CRIT", "ERROR", "WARNING", "INFO", "DEBUG", "DEBUG2", "ALL" };
  char text[LOG_LINE_MAX];
  FILE *f;

  vsnprintf(text, sizeof text, fmt, ap);
  /* The original hides messages about unnamed AMF properties below the most verbose level. */
  if (current_level() < 6 && strstr(text, "no-name") != NULL)
    return;
  if (level > current_level())
    return;
  f = current_output();
  end_status_line(f);
  fprintf(f, "%s: %s\n", (level >= 0 && level <= 6) ? names[level] : "LOG", text);
}

void RTMP_LogSetCallback(RTMP_LogCallback *cb)
{
  /* NULL restores the default instead of leaving a pointer that would crash the next message. */
  __atomic_store_n(&callback, cb ? cb : default_callback, __ATOMIC_RELEASE);
}

void RTMP_LogSetOutput(FILE *file)
{
  __atomic_store_n(&output, file, __ATOMIC_RELEASE);
}

void RTMP_Log(int level, const char *format, ...)
{
  va_list ap;
  RTMP_LogCallback *cb;

  if (level > current_level() || format == NULL)
    return;
  cb = __atomic_load_n(&callback, __ATOMIC_ACQUIRE);
  va_start(ap, format);
  cb(level, format, ap);
  va_end(ap);
}

/* RTMP_LogPrintf and RTMP_LogStatus write raw text for applications (rtmpdump's banner and progress
 * line); they bypass the callback, as in the original, and are silent at level CRIT. */
void RTMP_LogPrintf(const char *format, ...)
{
  char text[LOG_LINE_MAX];
  va_list ap;
  int len;
  FILE *f;

  if (format == NULL)
    return;
  va_start(ap, format);
  len = vsnprintf(text, sizeof text, format, ap);
  va_end(ap);
  if (current_level() == 0)
    return;
  if (len < 0)
    return;
  if (len > (int)sizeof text - 1)
    len = (int)sizeof text - 1;
  f = current_output();
  end_status_line(f);
  fputs(text, f);
  if (len > 0 && text[len - 1] == '\n')
    fflush(f);
}

void RTMP_LogStatus(const char *format, ...)
{
  char text[LOG_LINE_MAX];
  va_list ap;
  FILE *f;

  if (format == NULL)
    return;
  va_start(ap, format);
  vsnprintf(text, sizeof text, format, ap);
  va_end(ap);
  if (current_level() == 0)
    return;
  f = current_output();
  fputs(text, f);
  fflush(f);
  __atomic_store_n(&status_pending, 1, __ATOMIC_RELEASE);
}

/* The Rust side logs finished text: pass it as "%s" so no byte of it is taken for a format. */
void librtmp_rs_log_text(int level, const char *text)
{
  RTMP_Log(level, "%s", text);
}
