/* bench-tcp: the physical reference. The same bytes as an FLV file through plain loopback TCP:
 * a child process sends FILE in SEND-byte writes, this process receives it into a 64 KiB buffer
 * and reports its own cost, which is the least any RTMP receiver can pay for those bytes.
 *
 *   bench-tcp FILE [SEND]      (SEND defaults to 65536)
 *
 * Prints: bytes, wall (s), user, sys (s, the receiving process alone). */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

static int send_file(const char *path, size_t piece, struct sockaddr_in *to) {
  int fd = open(path, O_RDONLY);
  struct stat st;
  if (fd < 0 || fstat(fd, &st) != 0) return 1;
  const char *m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
  int s = socket(AF_INET, SOCK_STREAM, 0);
  if (m == MAP_FAILED || s < 0 || connect(s, (struct sockaddr *)to, sizeof *to) != 0) return 1;
  for (size_t p = 0; p < (size_t)st.st_size;) {
    size_t n = (size_t)st.st_size - p < piece ? (size_t)st.st_size - p : piece;
    ssize_t k = write(s, m + p, n);
    if (k <= 0) return 1;
    p += (size_t)k;
  }
  close(s);
  return 0;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: bench-tcp FILE [SEND]\n");
    return 2;
  }
  size_t piece = argc > 2 ? (size_t)atol(argv[2]) : 65536;
  struct sockaddr_in a;
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t alen = sizeof a;
  int l = socket(AF_INET, SOCK_STREAM, 0);
  if (l < 0 || bind(l, (struct sockaddr *)&a, sizeof a) != 0 || listen(l, 1) != 0 || getsockname(l, (struct sockaddr *)&a, &alen) != 0) {
    perror("bench-tcp: listen");
    return 1;
  }
  pid_t child = fork();
  if (child == 0) _exit(send_file(argv[1], piece, &a));
  int c = accept(l, NULL, NULL);
  if (c < 0) { perror("bench-tcp: accept"); return 1; }
  char *buf = malloc(65536);
  struct rusage r0, r1;
  getrusage(RUSAGE_SELF, &r0);
  double t0 = now();
  size_t total = 0;
  ssize_t k;
  while ((k = read(c, buf, 65536)) > 0) total += (size_t)k;
  double wall = now() - t0;
  getrusage(RUSAGE_SELF, &r1);
  int status = 1;
  waitpid(child, &status, 0);
  if (k < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) { fprintf(stderr, "bench-tcp: transfer failed\n"); return 1; }
  printf("lib=none bytes=%zu wall=%.4f user=%.4f sys=%.4f\n", total, wall, secs(r1.ru_utime) - secs(r0.ru_utime), secs(r1.ru_stime) - secs(r0.ru_stime));
  free(buf);
  return 0;
}
