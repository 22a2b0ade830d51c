/* swf_hash URL AGE: RTMP_HashSWF(URL) and HTTP_get(URL), printed so that two librtmp builds can
 * be compared line by line. HOME decides where ~/.swfinfo is. */
#include <librtmp/rtmp.h>
#include <librtmp/http.h>
#include <stdio.h>
#include <stdlib.h>

static size_t count(void *ptr, size_t size, size_t nmemb, void *stream) {
  (void)ptr;
  *(size_t *)stream += size * nmemb;
  return size * nmemb;
}

int main(int argc, char **argv) {
  if (argc < 3) return 2;
  unsigned int size = 0;
  unsigned char hash[32] = {0};
  int rc = RTMP_HashSWF(argv[1], &size, hash, atoi(argv[2]));
  printf("RTMP_HashSWF rc=%d size=%u hash=", rc, size);
  for (int i = 0; i < 32; i++) printf("%02x", hash[i]);
  printf("\n");
  char date[64] = "";
  size_t got = 0;
  struct HTTP_ctx http = {date, 0, 0, &got}; /* the original's http.h has no typedef */
  HTTPResult r = HTTP_get(&http, argv[1], count);
  printf("HTTP_get result=%d status=%d size=%d delivered=%zu last-modified=%s\n", (int)r, http.status, http.size, got, date[0] ? "yes" : "no");
  HTTPResult again = HTTP_get(&http, argv[1], count);
  printf("HTTP_get with If-Modified-Since: result=%d status=%d\n", (int)again, http.status);
  return 0;
}
