# Test targets (included by the Makefile). `make check` runs everything a fresh machine can run
# after scripts/install-deps.sh; each target prints an "N passed, N failed" or a clear FAIL line.

C_DIFF_TESTS = tests/c/core_diff.c

# The library the suites test (tests/common.sh): the one `all` just built in $(BUILD), unless
# OURS_DIR names another.
OURS_DIR ?= $(CURDIR)/$(BUILD)
export OURS_DIR

# Each suite leaves its counts in CHECK_RESULTS (tests/common.sh's tally); the summary at the end
# of make check sums them (a SKIP is counted apart, never as a pass).
CHECK_RESULTS ?= $(CURDIR)/target/check-results
export CHECK_RESULTS

check: all check-begin check-style check-rust check-headers check-abi check-symbols check-install check-c check-nocrypto check-windows-start check-interop check-relay check-hostile check-negative check-sanitize check-threads check-fuzz check-source-compat check-ffmpeg check-ertmp check-cross check-windows
	@bash tests/summary.sh
	@echo "make check: all test groups passed"

check-begin:
	@rm -rf $(CHECK_RESULTS) && mkdir -p $(CHECK_RESULTS)

# The edit-test loop: the Rust tests, the style gate, the headers, the exports and the C
# differential tests (a few minutes), before the whole of make check.
check-quick: all check-begin check-style check-rust check-headers check-symbols check-c
	@bash tests/summary.sh

# The tree is formatted as rustfmt.toml says, and clippy finds nothing, with and without crypto.
check-style:
	$(CARGO) fmt --check
	$(CARGO) clippy --release --target-dir $(TARGET_DIR) --all-targets -- -D warnings
	$(CARGO) clippy --release --no-default-features --target-dir target/nocrypto --all-targets -- -D warnings

# The Rust core and the ffi layer's own tests (release profile: it shares the dependencies the
# library build already compiled).
check-rust:
	CARGO="$(CARGO)" bash tests/cargo-tests.sh rust --release --target-dir $(TARGET_DIR)

check-abi: all
	bash tests/abi/check-abi.sh

check-symbols: all
	bash tests/abi/check-symbols.sh $(BUILD)/librtmp.so.1

# make install/uninstall under a DESTDIR, and pkg-config as FFmpeg's configure uses it (shared and --static).
check-install: all
	bash tests/abi/check-install.sh

# Each differential test runs on Debian's original librtmp and on ours and must print the same.
check-c: all
	@set -e; for t in $(C_DIFF_TESTS); do bash tests/c/run-diff.sh $$t; done
	bash tests/c/run-copyreloc.sh
	bash tests/c/run-null-safety.sh
	bash tests/c/run-interrupt.sh
	bash tests/c/amf_diff.sh
	bash tests/c/url_diff.sh

# CRYPTO= (no OpenSSL at all): builds in its own trees, exports the same 116 names, its headers give
# the NO_CRYPTO layout, and crypto-dependent functions fail cleanly.
check-nocrypto:
	$(MAKE) --no-print-directory CRYPTO= BUILD=build/nocrypto TARGET_DIR=target/nocrypto all
	! readelf -d build/nocrypto/librtmp.so.1 | grep -q 'libssl\|libcrypto'
	bash tests/abi/check-symbols.sh build/nocrypto/librtmp.so.1
	CARGO="$(CARGO)" bash tests/cargo-tests.sh rust-nocrypto --release --no-default-features --target-dir target/nocrypto --lib
	bash tests/c/run-nocrypto.sh build/nocrypto
	bash tests/interop/nocrypto.sh build/nocrypto

# Real peers on loopback (nginx-rtmp, Debian's rtmpdump/curl/gst/python3-librtmp/ffmpeg) with our
# library swapped in through LD_LIBRARY_PATH; check-interop-orig runs the same matrix on Debian's
# original as a control of the harness itself.
check-interop: all
	LIB=ours bash tests/interop/play-publish.sh

# The server side: c-examples/rtmp-relay on our library, with Debian's ffmpeg, and rtmpdump and
# python3-librtmp on Debian's original librtmp, as its clients (rtmp, rtmpe, rtmps, vod, broken
# clients, valgrind).
check-relay: all
	bash tests/interop/relay.sh

# The C tests and the three examples built with AddressSanitizer and UBSan, against our library.
check-sanitize: all
	bash tests/c/run-sanitize.sh

# 16 threads playing and publishing at once, natively and with everything built with ThreadSanitizer.
check-threads: all
	bash tests/threads/run.sh

# The cargo-fuzz targets (fuzz/): every regression input and seed replayed, then a short run of
# each target (FUZZ_SECONDS, default 10). `make fuzz` is the long run (default 600 s per target;
# `make fuzz FUZZ_SECONDS=3600 FUZZ_RUNS=10000000` stops each target at 10 M executions; FUZZ_OUT=dir
# keeps its corpora, logs and report out of target/fuzz, which check-fuzz starts over).
FUZZ_SECONDS ?= 10
check-fuzz:
	bash scripts/fuzz.sh $(FUZZ_SECONDS)

fuzz:
	FUZZ_RUNS=$(FUZZ_RUNS) bash scripts/fuzz.sh $(if $(filter command line,$(origin FUZZ_SECONDS)),$(FUZZ_SECONDS),600)

# 55 hostile or broken servers (tests/hostile/server.py): ours must end every call within the
# timeout with a log line, valgrind-clean; the original's outcome on each is reported beside it.
# Then a network that does not answer (tests/hostile/network.sh: dropped SYNs, a mute DNS).
check-hostile: all
	bash tests/hostile/run.sh
	bash tests/hostile/serve.sh
	bash tests/hostile/network.sh

# The negative control: a librtmp.so.1 that does nothing (tests/negative/) must fail the hostile
# suites, the interop basics and the C checks, case by case.
check-negative: all
	bash tests/negative/run.sh

check-interop-orig:
	LIB=orig bash tests/interop/play-publish.sh

# rtmpdump's tools from Debian's source package, built against our headers and library.
check-source-compat: all
	bash tests/compat/rtmpdump-tools.sh

# FFmpeg from Debian's source with --enable-librtmp against this library (shared and static).
check-ffmpeg: all
	bash tests/ffmpeg/check-ffmpeg.sh

# Enhanced RTMP with node-media-server, rtmp-relay, FFmpeg 9 built on us (check-ffmpeg's build,
# so it runs after check-ffmpeg) and Debian sid's FFmpeg 9.
check-ertmp: all
	bash tests/ertmp/check-ertmp.sh

# FFmpeg's own rtmpe/rtmpte client (a third FFmpeg build, from source without librtmp) against
# rtmp-relay: not in `check`, which would then outlast CI's time budget.
check-ffmpeg-rtmpe: all
	bash tests/ffmpeg/native-rtmpe.sh

# Windows (tests/windows/run.sh): make SYS=mingw for 64-bit Windows with OpenSSL and without and
# for 32-bit without; the exports and import libraries compared with the original's built from
# Debian's source; the original's own rtmpdump.exe, rtmpgw.exe and programs linked against its
# import library run under wine64 on its DLL and on ours against peers on Linux.
WINDOWS_MAKE = $(MAKE) --no-print-directory SYS=mingw
# In make check its builds start in the background before the suites that mostly wait on the
# network (tests/windows/prebuild.sh), and check-windows waits for them.
check-windows-start:
	bash tests/windows/prebuild.sh start
check-windows: all
	bash scripts/install-windows-deps.sh
	bash tests/windows/prebuild.sh wait
	$(CARGO) clippy --release --no-default-features --target x86_64-pc-windows-gnu --target-dir target/nocrypto --all-targets -- -D warnings
	$(WINDOWS_MAKE) CROSS_COMPILE=x86_64-w64-mingw32- CRYPTO=
	$(WINDOWS_MAKE) CROSS_COMPILE=x86_64-w64-mingw32-
	$(WINDOWS_MAKE) CROSS_COMPILE=i686-w64-mingw32- CRYPTO=
	bash tests/windows/run.sh
	CARGO="$(CARGO)" bash tests/windows/cargo-test.sh

# ARM Linux (aarch64, armv7) with Debian's Rust toolchain: libraries built through the Makefile,
# Rust tests and C tests under qemu-user, an ARM publisher and player through nginx-rtmp; the
# Rust side compiled for Android (no NDK here: see scripts/android-check.sh for what that proves).
check-cross: all
	bash scripts/install-cross-deps.sh
	bash scripts/cross-build.sh aarch64 --test
	bash scripts/cross-build.sh armv7 --test
	bash scripts/android-check.sh

demo: all
	bash scripts/demo.sh

.PHONY: check-ertmp check-windows check-windows-start check check-begin check-quick check-style check-negative check-rust check-install check-hostile check-interop check-relay check-sanitize check-threads check-fuzz fuzz check-source-compat check-ffmpeg check-ffmpeg-rtmpe check-cross check-interop-orig demo check-abi check-symbols check-c check-nocrypto
