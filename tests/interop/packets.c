/* The packet-level API against a real server, printed so that two libraries can be compared:
 * RTMP_Connect0 (with the address resolved here, IPv4 or IPv6) and RTMP_Connect1, RTMP_ConnectStream,
 * then RTMP_ReadPacket chunk by chunk with RTMP_ClientPacket on each complete message, and at the
 * end RTMP_GetNextMediaPacket. One line per complete message: type, size, timestamp, what
 * ClientPacket said, a checksum of the body. Built against the installed headers.
 *
 *   packets URL [HOST_FOR_CONNECT0]   exit 0 when the stream was read to its end */
#include <netdb.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <librtmp/rtmp.h>
#include <librtmp/log.h>

static uint32_t sum(const char *p, uint32_t n)
{
  uint32_t h = 2166136261u, i;
  for (i = 0; i < n; i++) h = (h ^ (unsigned char)p[i]) * 16777619u;
  return h;
}

int main(int argc, char **argv)
{
  RTMP *r = RTMP_Alloc();
  RTMPPacket p;
  struct addrinfo hints, *ai;
  char port[16];
  int n = 0, media = 0, kind;
  memset(&p, 0, sizeof p);
  if (argc < 2) { fprintf(stderr, "usage: packets URL [HOST]\n"); return 2; }
  RTMP_Init(r);
  r->Link.timeout = 5;
  if (!RTMP_SetupURL(r, argv[1])) return 1;
  memset(&hints, 0, sizeof hints);
  hints.ai_socktype = SOCK_STREAM;
  snprintf(port, sizeof port, "%u", r->Link.port);
  if (getaddrinfo(argc > 2 ? argv[2] : "127.0.0.1", port, &hints, &ai) != 0) { fprintf(stderr, "packets: cannot resolve\n"); return 1; }
  if (!RTMP_Connect0(r, ai->ai_addr)) { fprintf(stderr, "packets: RTMP_Connect0 failed\n"); return 1; }
  freeaddrinfo(ai);
  if (!RTMP_Connect1(r, NULL)) { fprintf(stderr, "packets: RTMP_Connect1 failed\n"); return 1; }
  if (!RTMP_ConnectStream(r, 0)) { fprintf(stderr, "packets: RTMP_ConnectStream failed\n"); return 1; }
  printf("connected: stream id %d, playing %d\n", r->m_stream_id, r->m_bPlaying);
  /* Half the messages packet by packet... */
  while (n < 300 && RTMP_IsConnected(r) && RTMP_ReadPacket(r, &p)) {
    if (!RTMPPacket_IsReady(&p))
      continue;
    kind = RTMP_ClientPacket(r, &p);
    if (kind == 1) media++;
    printf("msg type 0x%02x size %u ts %u client %d sum %08x\n", p.m_packetType, p.m_nBodySize, p.m_nTimeStamp, kind, p.m_nBodySize ? sum(p.m_body, p.m_nBodySize) : 0);
    RTMPPacket_Free(&p);
    n++;
    if (kind == 2) break;
  }
  /* ...the rest through RTMP_GetNextMediaPacket. */
  while (RTMP_IsConnected(r) && (kind = RTMP_GetNextMediaPacket(r, &p)) > 0) {
    printf("media type 0x%02x size %u ts %u kind %d sum %08x\n", p.m_packetType, p.m_nBodySize, p.m_nTimeStamp, kind, p.m_nBodySize ? sum(p.m_body, p.m_nBodySize) : 0);
    RTMPPacket_Free(&p);
    media++;
  }
  printf("end: %d media messages, connected %d, duration %.2f\n", media, RTMP_IsConnected(r), RTMP_GetDuration(r));
  RTMP_Close(r);
  RTMP_Free(r);
  return media > 0 ? 0 : 1;
}
