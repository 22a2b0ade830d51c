/* Test scaffolding only: wine 8.0 (Debian bookworm) has no bcryptprimitives.dll, from which Rust's
 * standard library (1.78 and later) on *-windows-gnu imports ProcessPrng, its source of random
 * numbers. Windows 10 and later have the real one; under wine this stand-in, put beside the
 * program, answers from BCryptGenRandom. */
#include <windows.h>
#include <bcrypt.h>

BOOL WINAPI ProcessPrng(PBYTE out, SIZE_T len)
{
  while (len > 0) {
    ULONG n = len > 0x40000000 ? 0x40000000 : (ULONG)len;
    if (BCryptGenRandom(NULL, out, n, BCRYPT_USE_SYSTEM_PREFERRED_RNG) != 0)
      return FALSE;
    out += n;
    len -= n;
  }
  return TRUE;
}
