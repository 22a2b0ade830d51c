/* A client compiled with -DNO_CRYPTO against a CRYPTO= build: the handle is the smaller NO_CRYPTO
 * struct (the library must not write past it), and everything that needs OpenSSL fails cleanly. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <librtmp/rtmp.h>
#include <librtmp/log.h>

static void quiet(int l, const char *f, va_list ap) { (void)l; (void)f; (void)ap; }

int main(void)
{
  int pass = 0, fail = 0;
  unsigned char *mem;
  RTMP *r;
  unsigned int sz = 0;
  unsigned char hash[32];
  size_t i;
#define CHECK(c) do { if (c) pass++; else { fail++; printf("FAIL: line %d: %s\n", __LINE__, #c); } } while (0)
  RTMP_LogSetCallback(quiet);
#ifdef CRYPTO
  CHECK(!"compiled without NO_CRYPTO");
#endif
  CHECK(sizeof(RTMP) == (sizeof(void *) == 8 ? 16984 : 16792));
  mem = malloc(sizeof(RTMP) + 256);
  memset(mem + sizeof(RTMP), 0x5A, 256);
  r = (RTMP *)mem;
  RTMP_Init(r);
  for (i = 0; i < 256 && mem[sizeof(RTMP) + i] == 0x5A; i++) ;
  CHECK(i == 256); /* Init stayed inside the NO_CRYPTO struct */
  CHECK(r->Link.timeout == 30 && r->Link.swfAge == 30 && r->m_sb.sb_socket == -1);
  CHECK(RTMP_TLS_AllocServerContext("cert.pem", "key.pem") == NULL);
  CHECK(RTMP_HashSWF("http://127.0.0.1:1/x.swf", &sz, hash, 0) == -1);
  RTMP_Close(r);
  for (i = 0; i < 256 && mem[sizeof(RTMP) + i] == 0x5A; i++) ;
  CHECK(i == 256);
  free(mem);
  printf("nocrypto: %d passed, %d failed\n", pass, fail);
  return fail != 0;
}
