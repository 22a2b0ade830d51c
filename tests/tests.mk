# Test targets (included by the Makefile). `make check` runs everything a fresh machine can run
# after scripts/install-deps.sh; each target prints an "N passed, N failed" or a clear FAIL line.

C_DIFF_TESTS = tests/c/core_diff.c

check: all check-rust check-headers check-abi check-symbols check-c check-nocrypto
	@echo "make check: all test groups passed"

# The Rust core and the ffi layer's own tests (release profile: it shares the dependencies the
# library build already compiled).
check-rust:
	$(CARGO) test --release --target-dir $(TARGET_DIR)

check-abi: all
	bash tests/abi/check-abi.sh

check-symbols: all
	bash tests/abi/check-symbols.sh $(BUILD)/librtmp.so.1

# Each differential test runs on Debian's original librtmp and on ours and must print the same.
check-c: all
	@set -e; for t in $(C_DIFF_TESTS); do bash tests/c/run-diff.sh $$t; done
	bash tests/c/run-copyreloc.sh
	bash tests/c/run-null-safety.sh
	OURS_CFLAGS="-Iinclude" OURS_LIBS="-L$(BUILD) -lrtmp -Wl,-rpath,$(CURDIR)/$(BUILD)" bash tests/c/amf_diff.sh
	OURS_CFLAGS="-Iinclude" OURS_LIBS="-L$(BUILD) -lrtmp -Wl,-rpath,$(CURDIR)/$(BUILD)" bash tests/c/url_diff.sh

# CRYPTO= (no OpenSSL at all): builds in its own trees, exports the same 116 names, its headers give
# the NO_CRYPTO layout, and crypto-dependent functions fail cleanly.
check-nocrypto:
	$(MAKE) --no-print-directory CRYPTO= BUILD=build/nocrypto TARGET_DIR=target/nocrypto all
	! readelf -d build/nocrypto/librtmp.so.1 | grep -q 'libssl\|libcrypto'
	bash tests/abi/check-symbols.sh build/nocrypto/librtmp.so.1
	$(CARGO) test --release --no-default-features --target-dir target/nocrypto --lib
	bash tests/c/run-nocrypto.sh build/nocrypto

.PHONY: check check-rust check-abi check-symbols check-c check-nocrypto
