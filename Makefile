# librtmp-rs: builds librtmp.so.1 / librtmp.a / librtmp.pc from the Rust crate (cargo underneath).
# librtmp's own variables keep their meaning: prefix, libdir, DESTDIR, SYS, CRYPTO, SHARED,
# CROSS_COMPILE; TARGET=<rust triple> selects a cross build (e.g. aarch64-unknown-linux-gnu).

VERSION    = v2.4
SO_VERSION = 1

prefix     ?= /usr/local
libdir     ?= $(prefix)/lib
incdir      = $(prefix)/include/librtmp
LIBDIR      = $(DESTDIR)$(libdir)
INCDIR      = $(DESTDIR)$(incdir)

SYS           ?= posix
CRYPTO        ?= OPENSSL
SHARED        ?= yes
CROSS_COMPILE ?=
TARGET        ?=

CC     = $(CROSS_COMPILE)gcc
AR     = $(CROSS_COMPILE)ar
CARGO ?= cargo
# Extra cargo arguments (a cross build may need -Zbuild-std, --features vendored).
CARGO_FLAGS ?=

# SYS=mingw: Windows, as the original builds it there (mingw-w64, natively or as a cross compiler):
# librtmp-1.dll with exactly librtmp's exports, its import library librtmp.dll.a, librtmp.a and
# librtmp.pc; `make install` puts the DLL in $(bindir). The Rust target follows the compiler.
bindir ?= $(prefix)/bin
BINDIR  = $(DESTDIR)$(bindir)
ifeq ($(SYS),mingw)
  MINGW_TRIPLE := $(shell $(CC) -dumpmachine 2>/dev/null)
  ifeq ($(filter %-w64-mingw32,$(MINGW_TRIPLE)),)
    $(error SYS=mingw needs mingw-w64's gcc: give CROSS_COMPILE=x86_64-w64-mingw32- (or i686-w64-mingw32-); $(CC) builds for '$(MINGW_TRIPLE)')
  endif
  ifeq ($(TARGET),)
    TARGET := $(patsubst %-w64-mingw32,%-pc-windows-gnu,$(MINGW_TRIPLE))
  endif
  # Beside the Linux build, one tree per target and crypto choice.
  BUILD      ?= build/$(TARGET)$(if $(CRYPTO),,-nocrypto)
  TARGET_DIR ?= $(if $(CRYPTO),target,target/nocrypto)
else ifneq ($(SYS),posix)
  $(error SYS=$(SYS) is not supported: use SYS=posix (default) or SYS=mingw)
endif
# Where cargo builds (a second tree keeps a CRYPTO= build from invalidating the default one).
TARGET_DIR ?= target
BUILD      ?= build

ifeq ($(CRYPTO),OPENSSL)
  CARGO_FEATURES  =
  PC_REQUIRES     = libssl libcrypto
  # Windows has no OpenSSL to link: unless OPENSSL_DIR names one built for the target, OpenSSL is
  # built from source (openssl-src) and goes inside librtmp.a and the DLL.
  ifeq ($(SYS)$(OPENSSL_DIR),mingw)
    CARGO_FEATURES = --features vendored
    PC_REQUIRES    =
  endif
else ifeq ($(CRYPTO),)
  CARGO_FEATURES  = --no-default-features
  PC_REQUIRES     =
  # The headers' NO_CRYPTO layout is this library's: programs built through pkg-config get it
  # (the original left that to each program).
  CRYPTO_CFLAGS   = -DNO_CRYPTO
else
$(error CRYPTO=$(CRYPTO) is not supported: use CRYPTO=OPENSSL (default) or CRYPTO= (plain rtmp only))
endif

# Android: the NDK's clang and llvm-ar for the API level ANDROID_API (rustup's std for the target:
# `rustup target add aarch64-linux-android`). CROSS_COMPILE= or CC= still win when given.
ifneq ($(findstring android,$(TARGET)),)
  ANDROID_API ?= 21
  ifneq ($(ANDROID_NDK_HOME),)
    NDK_HOST ?= linux-x86_64
    NDK_BIN = $(ANDROID_NDK_HOME)/toolchains/llvm/prebuilt/$(NDK_HOST)/bin
    # the NDK spells the armv7 compiler's triple armv7a-
    NDK_CC_TRIPLE = $(patsubst armv7-%,armv7a-%,$(TARGET))
    ifeq ($(CROSS_COMPILE)$(filter command line,$(origin CC)),)
      CC = $(NDK_BIN)/$(NDK_CC_TRIPLE)$(ANDROID_API)-clang
      AR = $(NDK_BIN)/llvm-ar
      $(if $(wildcard $(CC)),,$(error no $(CC): check ANDROID_NDK_HOME, ANDROID_API, NDK_HOST))
    endif
  else ifeq ($(CROSS_COMPILE)$(filter command line,$(origin CC)),)
    $(error TARGET=$(TARGET) needs ANDROID_NDK_HOME (the NDK's directory), or CC= and AR=)
  endif
endif

ifneq ($(TARGET),)
  CARGO_TARGET   = --target $(TARGET)
  RUST_OUT       = $(TARGET_DIR)/$(TARGET)/release
  # the cc crate compiles the C log shim with the cross compiler
  export CC_$(subst -,_,$(TARGET)) = $(CC)
  export AR_$(subst -,_,$(TARGET)) = $(AR)
else
  CARGO_TARGET   =
  RUST_OUT       = $(TARGET_DIR)/release
endif

HEADERS = include/librtmp/rtmp.h include/librtmp/amf.h include/librtmp/log.h include/librtmp/http.h

ifeq ($(SYS),mingw)
  SO_LIBS = $(BUILD)/librtmp-$(SO_VERSION).dll $(BUILD)/librtmp.dll.a
  # windows-sys links its own import library (libwindows.0.52.0.a, found only inside cargo's
  # tree): a program that links librtmp.a takes the system's import libraries of the DLLs it
  # covers instead (Winsock, the clock, the certificate store, the kernel).
  NATIVE_LIBS_FIX = -e 's/-lwindows\.[0-9.]*/-lws2_32 -lwinmm -lcrypt32 -lkernel32/'
else
  SO_LIBS = $(BUILD)/librtmp.so.$(SO_VERSION) $(BUILD)/librtmp.so
  NATIVE_LIBS_FIX = -e ''
endif
ifeq ($(SHARED),yes)
  LIBS_OUT = $(BUILD)/librtmp.a $(SO_LIBS)
else
  LIBS_OUT = $(BUILD)/librtmp.a
endif

all: $(LIBS_OUT) $(BUILD)/librtmp.pc $(BUILD)/librtmp-uninstalled.pc check-headers $(if $(filter yes,$(SHARED)),examples)

# cargo decides what to rebuild; make always asks it. The staticlib is built through `cargo rustc`
# so that rustc prints the native libraries a static link needs (for Libs.private). MAKEFLAGS is
# not passed on: it carries this make's command-line variables (CROSS_COMPILE=, TARGET=) into
# the makes that build scripts run, such as OpenSSL's own when it is vendored.
$(BUILD)/.cargo-stamp: FORCE
	@mkdir -p $(BUILD)
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL $(CARGO) rustc --release --lib --crate-type staticlib $(CARGO_FEATURES) $(CARGO_FLAGS) $(CARGO_TARGET) --target-dir $(TARGET_DIR) \
		-- --print native-static-libs 2> $(BUILD)/cargo.log || { cat $(BUILD)/cargo.log; exit 1; }
	@grep -q '^warning' $(BUILD)/cargo.log && grep -A8 '^warning' $(BUILD)/cargo.log || true
	@if grep -q 'native-static-libs:' $(BUILD)/cargo.log; then \
		sed -n 's/.*native-static-libs: //p' $(BUILD)/cargo.log | tail -n1 | sed $(NATIVE_LIBS_FIX) > $(BUILD)/native-libs.new; \
		cmp -s $(BUILD)/native-libs.new $(BUILD)/native-libs.txt || mv $(BUILD)/native-libs.new $(BUILD)/native-libs.txt; \
		rm -f $(BUILD)/native-libs.new; fi
	@test -s $(BUILD)/native-libs.txt || echo "-lssl -lcrypto -lgcc_s -lutil -lrt -lpthread -lm -ldl -lc" > $(BUILD)/native-libs.txt
	@touch $@

# Copied only when cargo produced something new, so the shared library is relinked only then.
$(BUILD)/librtmp.a: $(BUILD)/.cargo-stamp
	@cmp -s $(RUST_OUT)/librtmp.a $@ || cp $(RUST_OUT)/librtmp.a $@

# The version script exports exactly the names in librtmp.sym (those of Debian's librtmp.so.1) and
# nothing else; an anonymous version node keeps them unversioned, as in the original.
$(BUILD)/librtmp.map: librtmp.sym
	@mkdir -p $(BUILD)
	{ echo '{'; echo '  global:'; sed 's/.*/    &;/' $<; echo '  local: *;'; echo '};'; } > $@

$(BUILD)/librtmp.so.$(SO_VERSION): $(BUILD)/librtmp.a $(BUILD)/librtmp.map
	$(CC) -shared -o $@ -Wl,-soname,librtmp.so.$(SO_VERSION) \
		-Wl,--whole-archive $(BUILD)/librtmp.a -Wl,--no-whole-archive \
		-Wl,--version-script=$(BUILD)/librtmp.map -Wl,--gc-sections -Wl,-z,relro,-z,now -Wl,-z,noexecstack \
		$(shell cat $(BUILD)/native-libs.txt | sed 's/-lc$$//')

$(BUILD)/librtmp.so: $(BUILD)/librtmp.so.$(SO_VERSION)
	ln -sf librtmp.so.$(SO_VERSION) $@

# Windows: the exports are a .def file, the names of librtmp.sym that this build defines (CRYPTO=
# has no RTMP_TLS_ctx, as the original's), the variables marked DATA as in the original's import
# library. 32-bit objects carry cdecl's underscore; the .def names do not.
NM = $(CROSS_COMPILE)nm
SYM_UNDERSCORE = $(if $(filter i686-%,$(TARGET)),1,0)
$(BUILD)/librtmp.def: librtmp.sym $(BUILD)/librtmp.a
	@$(NM) --defined-only $(BUILD)/librtmp.a 2>/dev/null | \
		awk -v u=$(SYM_UNDERSCORE) -v crypto=$(if $(CRYPTO),1,0) \
		'NR == FNR { want[$$1] = 1; next } \
		 NF == 3 { n = $$3; if (u) sub(/^_/, "", n); if (n == "RTMP_TLS_ctx" && !crypto) next; \
		           if (n in want) print "    " n ($$2 ~ /^[BDR]$$/ ? " DATA" : "") }' librtmp.sym - | \
		sort -u > $@.exports
	@{ echo 'LIBRARY "librtmp-$(SO_VERSION).dll"'; echo 'EXPORTS'; cat $@.exports; } > $@ && rm -f $@.exports

# --strip-debug: mingw's ld places the std's DWARF sections below the image base, and Windows
# refuses such an image. -static-libgcc: no libgcc_s DLL beside ours.
$(BUILD)/librtmp-$(SO_VERSION).dll: $(BUILD)/librtmp.a $(BUILD)/librtmp.def
	$(CC) -shared -o $@ $(BUILD)/librtmp.def $(BUILD)/librtmp.a -Wl,--out-implib,$(BUILD)/librtmp.dll.a \
		-Wl,--strip-debug -Wl,--gc-sections -static-libgcc $(shell cat $(BUILD)/native-libs.txt)

$(BUILD)/librtmp.dll.a: $(BUILD)/librtmp-$(SO_VERSION).dll

# Libs.private: what a static link of librtmp.a needs besides what Requires.private brings.
PC_PRIVATE = $$(sed -e 's/-lssl//; s/-lcrypto//; s/ -lc$$//; s/  */ /g' $(BUILD)/native-libs.txt)

define pc_file
	{ echo 'prefix=$(1)'; \
	  echo 'exec_prefix=$${prefix}'; \
	  echo 'libdir=$(2)'; \
	  echo 'includedir=$(3)'; \
	  echo 'incdir=$${includedir}/librtmp'; \
	  echo; \
	  echo 'Name: librtmp'; \
	  echo 'Description: RTMP implementation (librtmp-rs, a drop-in replacement written in Rust)'; \
	  echo 'Version: $(VERSION)'; \
	  echo 'Requires.private: $(PC_REQUIRES)'; \
	  echo 'URL: https://rtmpdump.mplayerhq.hu'; \
	  echo 'Libs: -L$${libdir} -lrtmp'; \
	  echo "Libs.private: $(PC_PRIVATE)"; \
	  echo 'Cflags: -I$${includedir} $(CRYPTO_CFLAGS)' | sed 's/ *$$//'; } > $(4)
endef

$(BUILD)/native-libs.txt: $(BUILD)/.cargo-stamp

# Written again whenever its text changes: `make install prefix=...` after a plain `make` must
# install a librtmp.pc that names that prefix.
$(BUILD)/librtmp.pc: $(BUILD)/native-libs.txt FORCE
	@$(call pc_file,$(prefix),$${exec_prefix}$(patsubst $(prefix)%,%,$(libdir)),$${prefix}/include,$@.new)
	@cmp -s $@.new $@ && rm -f $@.new || mv $@.new $@

# pkg-config prefers librtmp-uninstalled.pc when its directory is on PKG_CONFIG_PATH: it points at
# this tree, so FFmpeg's configure and the tests can use the build without installing it.
$(BUILD)/librtmp-uninstalled.pc: $(BUILD)/native-libs.txt Makefile
	@$(call pc_file,$(CURDIR),$(CURDIR)/$(BUILD),$(CURDIR)/include,$@)

# The checked-in headers must be exactly what cbindgen generates from the Rust definitions.
check-headers: $(BUILD)/.cargo-stamp
	@for h in $(notdir $(HEADERS)); do \
		if ! cmp -s $(RUST_OUT)/include/librtmp/$$h include/librtmp/$$h; then \
			echo "include/librtmp/$$h is not what cbindgen generates from the Rust sources:"; \
			diff -u include/librtmp/$$h $(RUST_OUT)/include/librtmp/$$h | head -40; \
			echo "run 'make headers' and commit the result"; exit 1; fi; done

headers: $(BUILD)/.cargo-stamp
	cp $(addprefix $(RUST_OUT)/include/librtmp/,$(notdir $(HEADERS))) include/librtmp/

install: all
	install -d $(LIBDIR)/pkgconfig $(INCDIR)
	install -m 644 $(HEADERS) $(INCDIR)/
	install -m 644 $(BUILD)/librtmp.a $(LIBDIR)/librtmp.a
ifeq ($(SHARED)$(SYS),yesposix)
	install -m 755 $(BUILD)/librtmp.so.$(SO_VERSION) $(LIBDIR)/librtmp.so.$(SO_VERSION)
	ln -sf librtmp.so.$(SO_VERSION) $(LIBDIR)/librtmp.so
endif
# Windows, as the original installs there: the DLL beside the programs, the import library with
# the static one, and a librtmp.dll link to the DLL.
ifeq ($(SHARED)$(SYS),yesmingw)
	install -d $(BINDIR)
	install -m 755 $(BUILD)/librtmp-$(SO_VERSION).dll $(BINDIR)/librtmp-$(SO_VERSION).dll
	ln -sf librtmp-$(SO_VERSION).dll $(BINDIR)/librtmp.dll
	install -m 644 $(BUILD)/librtmp.dll.a $(LIBDIR)/librtmp.dll.a
endif
	install -m 644 $(BUILD)/librtmp.pc $(LIBDIR)/pkgconfig/librtmp.pc

uninstall:
	rm -f $(addprefix $(INCDIR)/,$(notdir $(HEADERS)))
	-rmdir $(INCDIR) 2>/dev/null
	rm -f $(LIBDIR)/librtmp.a $(LIBDIR)/librtmp.so $(LIBDIR)/librtmp.so.$(SO_VERSION) $(LIBDIR)/pkgconfig/librtmp.pc
	rm -f $(BINDIR)/librtmp-$(SO_VERSION).dll $(BINDIR)/librtmp.dll $(LIBDIR)/librtmp.dll.a

clean:
	rm -rf $(BUILD)
	$(CARGO) clean

include tests/tests.mk

.PHONY: all check-headers headers install uninstall clean FORCE
FORCE:

# The example programs (c-examples/): built against the headers and library of this tree.
# rtmp-relay takes MD5 and base64 from OpenSSL's libcrypto: it is built where the compiler finds
# OpenSSL's headers for the target (cross builds with a vendored OpenSSL have none).
HAVE_LIBCRYPTO := $(shell printf '\043include <openssl/evp.h>\n' | $(CC) -E -x c - >/dev/null 2>&1 && echo yes)
EXAMPLES = $(BUILD)/rtmp-play $(BUILD)/rtmp-publish $(if $(HAVE_LIBCRYPTO),$(BUILD)/rtmp-relay)
EXAMPLE_CFLAGS = -O2 -g -Wall -Wextra -Werror -Iinclude $(CRYPTO_CFLAGS)
# On Windows the player and the publisher, linked through the import library (the relay is
# written for POSIX threads and sockets).
ifeq ($(SYS),mingw)
  EXAMPLES = $(BUILD)/rtmp-play.exe $(BUILD)/rtmp-publish.exe
endif

examples: $(EXAMPLES)

$(BUILD)/rtmp-%.exe: c-examples/rtmp-%.c c-examples/cli-options.h $(BUILD)/librtmp.dll.a include/librtmp/rtmp.h
	$(CC) $(EXAMPLE_CFLAGS) -o $@ $< -L$(BUILD) -lrtmp -lws2_32

$(BUILD)/rtmp-%: c-examples/rtmp-%.c c-examples/cli-options.h $(BUILD)/librtmp.so include/librtmp/rtmp.h
	$(CC) $(EXAMPLE_CFLAGS) -o $@ $< -L$(BUILD) -lrtmp -Wl,-rpath,'$$ORIGIN'

# The relay runs a thread per connection, and takes MD5 and base64 for publisher authentication
# from OpenSSL's libcrypto.
$(BUILD)/rtmp-relay: c-examples/rtmp-relay.c $(BUILD)/librtmp.so include/librtmp/rtmp.h
	$(CC) $(EXAMPLE_CFLAGS) -pthread -o $@ $< -L$(BUILD) -lrtmp -lcrypto -Wl,-rpath,'$$ORIGIN'

.PHONY: examples

# Our library against Debian's original on the same work, side by side (bench/run.sh): a table of
# ratios in target/bench/report.txt. Not part of `make check`: figures are findings, not tests.
bench: all
	bash bench/run.sh

.PHONY: bench
