/* RTMP_UserInterrupt from another thread, with no signal, ends a call blocked in a read.
 *
 * A server on loopback takes the client's C0+C1 and then says nothing. RTMP_Connect (timeout 5 s)
 * blocks waiting for S0+S1; once the server has the client's bytes another thread calls
 * RTMP_UserInterrupt, as a program's watchdog or Windows' console handler would: no signal
 * interrupts the blocked recv. The connect must fail within 2 s of the interrupt. The original
 * only notices RTMP_ctrlC when a signal breaks the recv, so it waits out the timeout. */
#include <librtmp/rtmp.h>
#include <librtmp/log.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static int g_listen = -1;
static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t g_cond = PTHREAD_COND_INITIALIZER;
static int g_got_c0c1; /* the server holds the client's 1537 bytes */
static int g_done;     /* the client's call returned: the server may close */

static double now(void)
{
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec / 1e9;
}

static void *server(void *arg)
{
  (void)arg;
  int c = accept(g_listen, NULL, NULL);
  if (c < 0) return NULL;
  char buf[1537];
  size_t got = 0;
  ssize_t n;
  while (got < sizeof(buf) && (n = recv(c, buf + got, sizeof(buf) - got, 0)) > 0) got += (size_t)n;
  pthread_mutex_lock(&g_lock);
  g_got_c0c1 = got == sizeof(buf);
  pthread_cond_broadcast(&g_cond);
  while (!g_done) pthread_cond_wait(&g_cond, &g_lock);
  pthread_mutex_unlock(&g_lock);
  close(c);
  return NULL;
}

static double g_interrupted_at;

static void *interrupter(void *arg)
{
  (void)arg;
  struct timespec limit;
  clock_gettime(CLOCK_REALTIME, &limit);
  limit.tv_sec += 4;
  pthread_mutex_lock(&g_lock);
  while (!g_got_c0c1 && !g_done && pthread_cond_timedwait(&g_cond, &g_lock, &limit) == 0) {}
  int reached = g_got_c0c1;
  pthread_mutex_unlock(&g_lock);
  if (reached) {
    g_interrupted_at = now();
    RTMP_UserInterrupt();
  }
  return NULL;
}

int main(void)
{
  RTMP_LogSetLevel(RTMP_LOGCRIT);
  struct sockaddr_in a = { 0 };
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(a);
  g_listen = socket(AF_INET, SOCK_STREAM, 0);
  if (g_listen < 0 || bind(g_listen, (struct sockaddr *)&a, sizeof(a)) || listen(g_listen, 1) ||
      getsockname(g_listen, (struct sockaddr *)&a, &len)) {
    perror("interrupt: listen");
    return 2;
  }
  char url[128];
  snprintf(url, sizeof(url), "rtmp://127.0.0.1:%d/app/silent", ntohs(a.sin_port));
  pthread_t st, it;
  pthread_create(&st, NULL, server, NULL);
  pthread_create(&it, NULL, interrupter, NULL);

  RTMP *r = RTMP_Alloc();
  RTMP_Init(r);
  int ok = RTMP_SetupURL(r, url);
  r->Link.timeout = 5;
  double start = now();
  int connected = ok && RTMP_Connect(r, NULL);
  double end = now();

  pthread_mutex_lock(&g_lock);
  g_done = 1;
  pthread_cond_broadcast(&g_cond);
  int reached = g_got_c0c1;
  pthread_mutex_unlock(&g_lock);
  pthread_join(it, NULL);
  shutdown(g_listen, SHUT_RDWR);
  close(g_listen);
  pthread_join(st, NULL);
  RTMP_Close(r);
  RTMP_Free(r);

  if (!reached) {
    printf("interrupt: FAIL: the connect never reached the server (setup %d, connected %d, %.2f s)\n", ok, connected,
           end - start);
    return 1;
  }
  if (connected) {
    printf("interrupt: FAIL: RTMP_Connect succeeded against a server that never answered\n");
    return 1;
  }
  double after = end - g_interrupted_at;
  if (after > 2.0) {
    printf("interrupt: FAIL: still blocked %.2f s after RTMP_UserInterrupt (the call took %.2f s; its timeout is 5 s)\n",
           after, end - start);
    return 1;
  }
  printf("interrupt: PASS: RTMP_Connect ended %.2f s after RTMP_UserInterrupt from another thread (no signal)\n", after);
  return 0;
}
