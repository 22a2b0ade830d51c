/* A program that never calls WSAStartup (unlike rtmpdump): it plays URL and counts the bytes
 * RTMP_Read gives. The original librtmp never starts Winsock itself, so on it the connect fails
 * (WSANOTINITIALISED, 10093); ours starts it.
 *
 *   nowsa URL MIN_BYTES
 *
 * Prints "connect=0|1 wsa=CODE bytes=N" and exits 0 when at least MIN_BYTES arrived. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <winsock2.h>
#include <librtmp/rtmp.h>
#include <librtmp/log.h>

int main(int argc, char **argv)
{
  static char buf[64 * 1024];
  long long total = 0;
  int n, connected;
  RTMP *r;

  if (argc != 3) { fprintf(stderr, "usage: nowsa URL MIN_BYTES\n"); return 2; }
  RTMP_LogSetLevel(RTMP_LOGERROR);
  r = RTMP_Alloc();
  RTMP_Init(r);
  if (!RTMP_SetupURL(r, strdup(argv[1]))) { fprintf(stderr, "nowsa: bad URL\n"); return 2; }
  connected = RTMP_Connect(r, NULL) && RTMP_ConnectStream(r, 0);
  printf("connect=%d wsa=%d", connected, connected ? 0 : WSAGetLastError());
  while (connected && (n = RTMP_Read(r, buf, sizeof buf)) > 0)
    total += n;
  printf(" bytes=%lld\n", total);
  RTMP_Close(r);
  RTMP_Free(r);
  return total >= atoll(argv[2]) ? 0 : 1;
}
