#!/usr/bin/env python3
"""Writes the C source of a deliberately useless librtmp.so.1: the original's 116 exports, of
which none does its job. It never connects, never serves, never decodes or encodes, parses no
URL; it only logs, in librtmp's format ("ERROR: ..." on stderr), and returns what librtmp returns
on failure. RTMP_Alloc, RTMP_Init and RTMP_Free manage the struct, RTMP_SetupURL accepts any URL
and the log functions work, so that a program on it runs to the end without crashing, never
hangs, and leaves an ERROR line: everything a test that only checked for those would pass.

The negative control (tests/negative/run.sh) runs the suites on it: every one must fail.

usage: useless.py SYMBOLS.TSV > useless.c   (the prototypes are the original's, from the table)
"""
import re
import sys

# What the few working functions do; every other export logs and fails.
WORKING = r'''
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <librtmp/rtmp.h>
#include <librtmp/log.h>
#include <librtmp/http.h>

/* The data objects, of the original's sizes, empty. */
const char RTMPProtocolStrings[9][7];
const char RTMPProtocolStringsLower[9][7];
const AVal RTMP_DefaultFlashVer;
void *RTMP_TLS_ctx;
int RTMP_ctrlC;
RTMP_LogLevel RTMP_debuglevel = RTMP_LOGERROR;

static FILE *log_out;
static RTMP_LogCallback *log_cb;
static const char *const level_names[] = { "CRIT", "ERROR", "WARNING", "INFO", "DEBUG", "DEBUG2" };

static void vlog(int level, const char *fmt, va_list ap)
{
  if (level > (int)RTMP_debuglevel || !fmt) return;
  if (log_cb) { log_cb(level, fmt, ap); return; }
  FILE *f = log_out ? log_out : stderr;
  if (level >= 0 && level < 6) fprintf(f, "%s: ", level_names[level]);
  vfprintf(f, fmt, ap);
  fputc('\n', f);
}

void RTMP_Log(int level, const char *format, ...) { va_list ap; va_start(ap, format); vlog(level, format, ap); va_end(ap); }
void RTMP_LogPrintf(const char *format, ...) { va_list ap; va_start(ap, format); if (format) vfprintf(log_out ? log_out : stderr, format, ap); va_end(ap); }
void RTMP_LogStatus(const char *format, ...) { va_list ap; va_start(ap, format); if (format) vfprintf(log_out ? log_out : stderr, format, ap); va_end(ap); }
void RTMP_LogHex(int level, const uint8_t *data, unsigned long len) { (void)data; RTMP_Log(level, "(%lu bytes)", len); }
void RTMP_LogHexString(int level, const uint8_t *data, unsigned long len) { (void)data; RTMP_Log(level, "(%lu bytes)", len); }
void RTMP_LogSetCallback(RTMP_LogCallback *cb) { log_cb = cb; }
void RTMP_LogSetLevel(RTMP_LogLevel lvl) { RTMP_debuglevel = lvl; }
RTMP_LogLevel RTMP_LogGetLevel(void) { return RTMP_debuglevel; }
void RTMP_LogSetOutput(FILE *file) { log_out = file; }

RTMP *RTMP_Alloc(void) { return calloc(1, sizeof(RTMP)); }
void RTMP_Free(RTMP *r) { free(r); }
void RTMP_Init(RTMP *r) { if (r) { memset(r, 0, sizeof(*r)); r->m_sb.sb_socket = -1; } }
int RTMP_SetupURL(RTMP *r, char *url) { (void)r; (void)url; return 1; }

/* Every other export: a log line, and librtmp's failure value. */
#define USELESS(name) RTMP_Log(RTMP_LOGERROR, "%s: this librtmp does nothing", name)
'''

# Exports that fail with -1 rather than 0 in librtmp.
MINUS_ONE = {'RTMP_Read', 'RTMP_Write', 'RTMP_Socket', 'RTMPSockBuf_Fill', 'RTMPSockBuf_Send',
             'RTMPSockBuf_Close', 'RTMP_HashSWF', 'AMF_Decode', 'AMF3_Decode', 'AMFProp_Decode',
             'AMF3Prop_Decode', 'AMF_DecodeArray'}
# What HTTP_get returns on failure.
FAILURE = {'HTTP_get': 'HTTPRES_LOST_CONNECTION', 'AMFProp_GetType': 'AMF_INVALID'}


def main():
    out = [WORKING.lstrip()]
    done = set(re.findall(r'^\S[^(\n]*?\b(\w+)\(', WORKING, re.M))
    with open(sys.argv[1]) as f:
        for line in f:
            if line.startswith('#'):
                continue
            col = line.rstrip('\n').split('\t')
            if len(col) < 8 or col[1] != 'function' or col[2] == '-':
                continue
            proto = col[7].split(';')[0].strip()
            m = re.match(r'(.*?)\b(\w+)\((.*)\)$', proto)
            ret, name, params = m.group(1).strip(), m.group(2), m.group(3)
            if name in done:
                continue
            body = [f'USELESS("{name}");']
            for p in params.split(','):
                p = p.strip()
                if p and p != 'void':
                    arg = re.search(r'(\w+)$', p).group(1)
                    body.append(f'(void){arg};')
            if ret != 'void':
                value = FAILURE.get(name, '-1' if name in MINUS_ONE else '0')
                body.append(f'return ({ret}){value};')
            out.append(f'{proto}\n{{\n  ' + '\n  '.join(body) + '\n}\n')
    sys.stdout.write('\n'.join(out))


if __name__ == '__main__':
    main()
