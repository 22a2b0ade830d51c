/* Adds a PEM certificate to the current user's ROOT certificate store, or removes it again:
 * how the Windows tests make a test CA trusted the way Windows programs trust a CA, with no
 * cafile= and no SSL_CERT_FILE. (Under wine the store lives in the test's own prefix.)
 *
 *   trust add|remove FILE.pem */
#include <stdio.h>
#include <string.h>
#include <windows.h>
#include <wincrypt.h>

int main(int argc, char **argv)
{
  static char pem[65536];
  BYTE der[16384];
  DWORD der_len = sizeof der;
  size_t n;
  FILE *f;
  HCERTSTORE store;
  PCCERT_CONTEXT cert = NULL, found;
  int add, ok;

  if (argc != 3 || (strcmp(argv[1], "add") && strcmp(argv[1], "remove"))) {
    fprintf(stderr, "usage: trust add|remove FILE.pem\n");
    return 2;
  }
  add = !strcmp(argv[1], "add");
  if (!(f = fopen(argv[2], "rb"))) { fprintf(stderr, "trust: cannot open %s\n", argv[2]); return 2; }
  n = fread(pem, 1, sizeof pem - 1, f);
  fclose(f);
  pem[n] = 0;
  if (!CryptStringToBinaryA(pem, 0, CRYPT_STRING_BASE64HEADER, der, &der_len, NULL, NULL)) {
    fprintf(stderr, "trust: %s holds no PEM certificate\n", argv[2]);
    return 2;
  }
  if (!(store = CertOpenSystemStoreA(0, "ROOT"))) { fprintf(stderr, "trust: cannot open the ROOT store\n"); return 1; }
  if (add) {
    ok = CertAddEncodedCertificateToStore(store, X509_ASN_ENCODING, der, der_len, CERT_STORE_ADD_REPLACE_EXISTING, NULL);
  } else {
    cert = CertCreateCertificateContext(X509_ASN_ENCODING, der, der_len);
    found = cert ? CertFindCertificateInStore(store, X509_ASN_ENCODING, 0, CERT_FIND_EXISTING, cert, NULL) : NULL;
    ok = found && CertDeleteCertificateFromStore(found);
    if (cert) CertFreeCertificateContext(cert);
  }
  CertCloseStore(store, 0);
  printf("trust: %s %s: %s\n", argv[1], argv[2], ok ? "done" : "failed");
  return ok ? 0 : 1;
}
