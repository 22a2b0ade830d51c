/* Windows semantics that a caller of librtmp-1.dll can see, one case per run:
 *
 *   winsem interrupt URL   RTMP_UserInterrupt from another thread while RTMP_Connect (timeout 5 s)
 *                          waits on a server that never answers: prints how long the call went on
 *                          after the interrupt ("after=S")
 *   winsem close URL       RTMP_Close from another thread while RTMP_Read waits on a stream that
 *                          sends nothing: "after=S"
 *   winsem lasterror       RTMP_Read on a handle whose read status is RTMP_READ_ERROR: its return
 *                          and then WSAGetLastError() (the original's SetSockError(EINVAL): 22)
 *   winsem clock           RTMP_GetTime() against timeGetTime(): "clock=timeGetTime" when within 50 ms
 *   winsem socket URL      plays URL a little: RTMP_Socket is a live SOCKET (getsockopt SO_TYPE)
 *   winsem own URL         curl's way: the application connects its own socket, stores (int)sock in
 *                          m_sb.sb_socket, then RTMP_Connect1 and RTMP_ConnectStream; reads 64 kB;
 *                          after RTMP_Close, closesocket(sock) fails (WSAENOTSOCK, 10038): the
 *                          library closed it
 *
 * Every line is deterministic (no addresses, no times but rounded ones) so the original's output
 * and ours can be compared where they should agree. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <winsock2.h>
#include <ws2tcpip.h>
#include <windows.h>
#include <mmsystem.h>
#include <librtmp/rtmp.h>
#include <librtmp/log.h>

static RTMP *g_r;
static double g_acted_at;

static double now(void)
{
  LARGE_INTEGER f, c;
  QueryPerformanceFrequency(&f);
  QueryPerformanceCounter(&c);
  return (double)c.QuadPart / f.QuadPart;
}

/* Acts one second into the call (of five allowed): whether the call is blocked by then or about
 * to block, it must end soon after; the original ends only with its timeout. */
static DWORD WINAPI actor(LPVOID close)
{
  Sleep(1000);
  g_acted_at = now();
  if (close)
    RTMP_Close(g_r);
  else
    RTMP_UserInterrupt();
  return 0;
}

static int blocked_call(const char *url, int close)
{
  char *u = strdup(url);
  static char buf[4096];
  double end;
  int ok, n = 0;
  HANDLE t;

  g_r = RTMP_Alloc();
  RTMP_Init(g_r);
  if (!RTMP_SetupURL(g_r, u)) { printf("setup failed\n"); return 2; }
  g_r->Link.timeout = 5;
  if (close) {
    /* the stream is connected first; the read then waits for media that never comes */
    if (!RTMP_Connect(g_r, NULL) || !RTMP_ConnectStream(g_r, 0)) { printf("connect failed\n"); return 2; }
  }
  t = CreateThread(NULL, 0, actor, close ? (LPVOID)1 : NULL, 0, NULL);
  if (close) {
    while ((n = RTMP_Read(g_r, buf, sizeof buf)) > 0) {}
    ok = n > 0;
  } else {
    ok = RTMP_Connect(g_r, NULL);
  }
  end = now();
  WaitForSingleObject(t, INFINITE);
  printf("%s: returned %s after=%.1f\n", close ? "close" : "interrupt", ok ? "success" : "failure", end - g_acted_at);
  if (!close)
    RTMP_Close(g_r);
  RTMP_Free(g_r);
  return 0;
}

static int lasterror(void)
{
  static char buf[100];
  RTMP *r = RTMP_Alloc();
  int n;
  RTMP_Init(r);
  r->m_read.status = RTMP_READ_ERROR; /* as after a corrupted stream or a failed resume */
  WSASetLastError(0);
  n = RTMP_Read(r, buf, sizeof buf);
  printf("lasterror: RTMP_Read=%d WSAGetLastError=%d\n", n, WSAGetLastError());
  RTMP_Free(r);
  return 0;
}

static int clock_check(void)
{
  DWORD ours = RTMP_GetTime(), sys = timeGetTime();
  long d = (long)(sys - ours);
  printf("clock=%s\n", d >= -50 && d <= 50 ? "timeGetTime" : "other");
  return 0;
}

static int play_socket(const char *url)
{
  char *u = strdup(url);
  static char buf[65536];
  int type = 0, len = sizeof type, n;
  RTMP *r = RTMP_Alloc();
  RTMP_Init(r);
  if (!RTMP_SetupURL(r, u) || !RTMP_Connect(r, NULL) || !RTMP_ConnectStream(r, 0)) { printf("socket: connect failed\n"); return 1; }
  n = RTMP_Read(r, buf, sizeof buf);
  if (getsockopt((SOCKET)RTMP_Socket(r), SOL_SOCKET, SO_TYPE, (char *)&type, &len) != 0)
    printf("socket: RTMP_Socket is not a socket (error %d)\n", WSAGetLastError());
  else
    printf("socket: RTMP_Socket is a SOCKET of type %d; read %s\n", type, n > 0 ? "data" : "nothing");
  RTMP_Close(r);
  RTMP_Free(r);
  return 0;
}

static int own_socket(const char *url)
{
  char *u = strdup(url);
  static char buf[65536];
  long long total = 0;
  int n, rc;
  struct addrinfo hints = { 0 }, *ai;
  char port[8];
  SOCKET s;
  RTMP *r = RTMP_Alloc();

  RTMP_Init(r);
  if (!RTMP_SetupURL(r, u)) { printf("own: setup failed\n"); return 1; }
  snprintf(port, sizeof port, "%d", r->Link.port);
  hints.ai_family = AF_INET;
  hints.ai_socktype = SOCK_STREAM;
  if (getaddrinfo("127.0.0.1", port, &hints, &ai) != 0) { printf("own: getaddrinfo failed\n"); return 1; }
  s = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
  if (s == INVALID_SOCKET || connect(s, ai->ai_addr, (int)ai->ai_addrlen) != 0) { printf("own: connect failed %d\n", WSAGetLastError()); return 1; }
  freeaddrinfo(ai);
  r->m_sb.sb_socket = (int)s;
  if (!RTMP_Connect1(r, NULL) || !RTMP_ConnectStream(r, 0)) { printf("own: RTMP_Connect1 failed\n"); return 1; }
  while (total < 65536 && (n = RTMP_Read(r, buf, sizeof buf)) > 0)
    total += n;
  printf("own: RTMP_Socket is the application's: %s; read %s\n", RTMP_Socket(r) == (int)s ? "yes" : "no",
         total >= 65536 ? "64 kB" : "less");
  RTMP_Close(r);
  rc = closesocket(s);
  printf("own: after RTMP_Close, closesocket: %s %d\n", rc == 0 ? "ok" : "error", rc == 0 ? 0 : WSAGetLastError());
  RTMP_Free(r);
  return 0;
}

int main(int argc, char **argv)
{
  WSADATA wsa;
  setvbuf(stdout, NULL, _IONBF, 0);
  RTMP_LogSetLevel(RTMP_LOGCRIT);
  WSAStartup(MAKEWORD(2, 2), &wsa);
  if (argc == 3 && !strcmp(argv[1], "interrupt")) return blocked_call(argv[2], 0);
  if (argc == 3 && !strcmp(argv[1], "close")) return blocked_call(argv[2], 1);
  if (argc == 2 && !strcmp(argv[1], "lasterror")) return lasterror();
  if (argc == 2 && !strcmp(argv[1], "clock")) return clock_check();
  if (argc == 3 && !strcmp(argv[1], "socket")) return play_socket(argv[2]);
  if (argc == 3 && !strcmp(argv[1], "own")) return own_socket(argv[2]);
  fprintf(stderr, "usage: winsem interrupt|close|socket|own URL, winsem lasterror|clock\n");
  return 2;
}
