/* bench-pub: publishes an FLV file with RTMP_Write, one whole tag per call, and reports what it
 * cost. The file is mapped and pre-faulted so that disk reads are not measured, and each call hands
 * the library a pointer into the mapping (as an application holding its frames would).
 *
 *   bench-pub URL FILE [-c CHUNK] [-r] [-t SECONDS]
 *     -c CHUNK   send Set Chunk Size CHUNK first and use CHUNK-byte outgoing chunks (the original's
 *                default is 128; ours announces 4096 unless the application set its own)
 *     -r         real time: pace tags by their timestamps and loop the file (a live source)
 *     -t SECONDS stop after this long (with -r)
 *
 * Prints one line of key=value pairs: lib (the librtmp.so.1 actually loaded), bytes, tags,
 * connect (s), wall (s, the publishing loop alone), user, sys (s, whole process), maxrss_kB. */
#define _GNU_SOURCE
#include <librtmp/rtmp.h>
#include <librtmp/log.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

static int send_chunk_size(RTMP *r, int size) {
  char buf[RTMP_MAX_HEADER_SIZE + 4];
  RTMPPacket p;
  memset(&p, 0, sizeof p);
  p.m_nChannel = 0x02;
  p.m_headerType = RTMP_PACKET_SIZE_LARGE;
  p.m_packetType = RTMP_PACKET_TYPE_CHUNK_SIZE;
  p.m_body = buf + RTMP_MAX_HEADER_SIZE;
  p.m_nBodySize = 4;
  AMF_EncodeInt32(p.m_body, p.m_body + 4, size);
  if (!RTMP_SendPacket(r, &p, FALSE)) return 0;
  r->m_outChunkSize = size;
  return 1;
}

static void sleep_until(double t) {
  struct timespec ts;
  ts.tv_sec = (time_t)t;
  ts.tv_nsec = (long)((t - (double)ts.tv_sec) * 1e9);
  while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) != 0) {
  }
}

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: bench-pub URL FILE [-c CHUNK] [-r] [-t SECONDS]\n");
    return 2;
  }
  int chunk = 0, realtime = 0;
  double limit = 0;
  for (int i = 3; i < argc; i++) {
    if (!strcmp(argv[i], "-c") && i + 1 < argc) chunk = atoi(argv[++i]);
    else if (!strcmp(argv[i], "-r")) realtime = 1;
    else if (!strcmp(argv[i], "-t") && i + 1 < argc) limit = atof(argv[++i]);
    else { fprintf(stderr, "bench-pub: unknown argument %s\n", argv[i]); return 2; }
  }
  int fd = open(argv[2], O_RDONLY);
  struct stat st;
  if (fd < 0 || fstat(fd, &st) != 0 || st.st_size < 13) { perror(argv[2]); return 2; }
  size_t size = (size_t)st.st_size;
  const unsigned char *m = mmap(NULL, size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
  if (m == MAP_FAILED || memcmp(m, "FLV", 3) != 0) { fprintf(stderr, "bench-pub: %s is not an FLV file\n", argv[2]); return 2; }
  size_t first = ((size_t)m[5] << 24 | (size_t)m[6] << 16 | (size_t)m[7] << 8 | m[8]) + 4;

  RTMP_LogSetLevel(RTMP_LOGERROR);
  struct rusage r0, r1;
  getrusage(RUSAGE_SELF, &r0);
  double t0 = now();
  RTMP *r = RTMP_Alloc();
  RTMP_Init(r);
  if (!RTMP_SetupURL(r, argv[1])) { fprintf(stderr, "bench-pub: bad URL\n"); return 1; }
  RTMP_EnableWrite(r);
  if (!RTMP_Connect(r, NULL) || !RTMP_ConnectStream(r, 0)) { fprintf(stderr, "bench-pub: connect failed\n"); return 1; }
  if (chunk > 0 && !send_chunk_size(r, chunk)) { fprintf(stderr, "bench-pub: Set Chunk Size failed\n"); return 1; }
  double t1 = now();

  size_t bytes = 0;
  long tags = 0;
  unsigned char *copy = NULL; /* real time only: tags with rewritten timestamps */
  size_t copy_cap = 0;
  uint32_t base = 0, last = 0;
  for (int pass = 0;; pass++) {
    size_t p = first;
    while (p + 15 <= size) {
      size_t body = (size_t)m[p + 1] << 16 | (size_t)m[p + 2] << 8 | m[p + 3];
      size_t n = 11 + body + 4;
      if (p + n > size) break;
      const unsigned char *tag = m + p;
      p += n;
      if (realtime) {
        uint32_t ts = ((uint32_t)tag[7] << 24 | (uint32_t)tag[4] << 16 | (uint32_t)tag[5] << 8 | tag[6]) + base;
        if (pass > 0 && (tag[0] == 18 || (body > 1 && tag[12] == 0 && (tag[0] == 8 || tag[0] == 9)))) continue; /* configs once */
        if (n > copy_cap) { copy_cap = n; copy = realloc(copy, copy_cap); }
        memcpy(copy, tag, n);
        copy[4] = ts >> 16; copy[5] = ts >> 8; copy[6] = ts; copy[7] = ts >> 24;
        tag = copy;
        last = ts;
        sleep_until(t1 + ts / 1000.0);
      }
      if (RTMP_Write(r, (const char *)tag, (int)n) <= 0) { fprintf(stderr, "bench-pub: RTMP_Write failed at tag %ld\n", tags); return 1; }
      bytes += n;
      tags++;
      if (limit > 0 && now() - t1 >= limit) goto done;
    }
    if (!realtime) break;
    base = last + 40;
  }
done:;
  double t2 = now();
  RTMP_Close(r);
  RTMP_Free(r);
  getrusage(RUSAGE_SELF, &r1);
  printf("lib=%s bytes=%zu tags=%ld connect=%.4f wall=%.4f user=%.4f sys=%.4f maxrss_kB=%ld\n", loaded_lib(), bytes, tags, t1 - t0,
         t2 - t1, secs(r1.ru_utime) - secs(r0.ru_utime), secs(r1.ru_stime) - secs(r0.ru_stime), r1.ru_maxrss);
  free(copy);
  return 0;
}
