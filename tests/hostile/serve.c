/* hostile-serve PORTFILE: what a server does with librtmp, rtmpsrv's way (accept, RTMP_Serve,
 * RTMP_ReadPacket, AMF_Decode of every command, a peer's Set Chunk Size taken as it comes, the
 * other messages to RTMP_ClientPacket), against one hostile or broken client from
 * tests/hostile/client.py. Reports how far it got and how the calls ended (each case of client.py
 * says what this line must show) and how long the longest call took; the library is whichever
 * librtmp.so.1 the dynamic linker finds. */
#include <librtmp/rtmp.h>
#include <librtmp/log.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec / 1e9;
}

static double longest;

static double since(double t0)
{
  double d = now() - t0;
  if (d > longest) longest = d;
  return d;
}

int main(int argc, char **argv)
{
  struct sockaddr_in a;
  socklen_t alen = sizeof(a);
  int ls, fd, served, packets = 0, commands = 0, undecodable = 0, polls = 0, timedout;
  FILE *f;
  double t0, start;

  if (argc < 2) return 2;
  RTMP_LogSetLevel(RTMP_LOGWARNING);
  memset(&a, 0, sizeof(a));
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ls = socket(AF_INET, SOCK_STREAM, 0);
  if (ls < 0 || bind(ls, (struct sockaddr *)&a, sizeof(a)) || listen(ls, 1) || getsockname(ls, (struct sockaddr *)&a, &alen)) return 2;
  /* The port file appears whole (renamed into place) once the socket listens. */
  {
    char tmp[4096];
    snprintf(tmp, sizeof(tmp), "%s.tmp", argv[1]);
    if (!(f = fopen(tmp, "w"))) return 2;
    fprintf(f, "%d\n", ntohs(a.sin_port));
    fclose(f);
    if (rename(tmp, argv[1])) return 2;
  }
  {
    struct pollfd p = { ls, POLLIN, 0 };
    if (poll(&p, 1, 20000) != 1) { fprintf(stderr, "hostile-serve: no client within 20 s\n"); return 3; }
  }
  fd = accept(ls, NULL, NULL);
  close(ls);
  if (fd < 0) return 2;

  start = now();
  RTMP *r = RTMP_Alloc();
  RTMP_Init(r);
  r->Link.timeout = 1;
  r->m_sb.sb_socket = fd;
  t0 = now();
  served = RTMP_Serve(r);
  since(t0);
  while (served && now() - start < 15) {
    RTMPPacket p = { 0 };
    t0 = now();
    int ok = RTMP_ReadPacket(r, &p);
    since(t0);
    if (!ok) {
      /* An rtmpt client's idle poll ends a read on a live connection (ours): read on, a while. */
      if (RTMP_IsConnected(r) && RTMP_IsTimedout(r) && (r->Link.protocol & RTMP_FEATURE_HTTP) && ++polls < 100) continue;
      break;
    }
    if (!RTMPPacket_IsReady(&p)) continue;
    packets++;
    if (p.m_packetType == RTMP_PACKET_TYPE_INVOKE || p.m_packetType == RTMP_PACKET_TYPE_FLEX_MESSAGE) {
      /* A Flex message starts with a format byte, then AMF0 (what rtmpsrv decodes). */
      int skip = p.m_packetType == RTMP_PACKET_TYPE_FLEX_MESSAGE && p.m_nBodySize > 0 ? 1 : 0;
      AMFObject obj;
      t0 = now();
      if (AMF_Decode(&obj, p.m_body + skip, (int)p.m_nBodySize - skip, FALSE) < 0) undecodable++;
      else { commands++; AMF_Reset(&obj); }
      since(t0);
    } else if (p.m_packetType == RTMP_PACKET_TYPE_CHUNK_SIZE) {
      if (p.m_nBodySize >= 4) r->m_inChunkSize = AMF_DecodeInt32(p.m_body);
    } else {
      t0 = now();
      RTMP_ClientPacket(r, &p);
      since(t0);
    }
    RTMPPacket_Free(&p);
  }
  timedout = RTMP_IsTimedout(r);
  t0 = now();
  RTMP_Close(r);
  since(t0);
  RTMP_Free(r);
  printf("serve=%d packets=%d commands=%d undecodable=%d timedout=%d longest_call=%.2f seconds=%.2f\n", served, packets, commands,
         undecodable, timedout, longest, now() - start);
  return 0;
}
