#!/usr/bin/env python3
"""Turns the measured reference tables of Debian's librtmp (tests/data/) into C11 _Static_assert
checks, so that compiling the output against a set of headers proves they have the original's
layout, constants and prototypes. Compile-only: it works with cross compilers and no emulator.

usage: gen_checks.py layout ARCH   > layout_ARCH.c    (layout-ARCH.tsv and nocrypto sizes)
       gen_checks.py constants     > constants.c      (every #define / enum value)
       gen_checks.py prototypes    > prototypes.c     (each header prototype's type, each export redeclared)
"""
import os
import re
import sys

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data")
PRELUDE = "#include <stddef.h>\n#include <stdio.h>\n#include <librtmp/rtmp.h>\n#include <librtmp/log.h>\n#include <librtmp/http.h>\n"


def rows(name):
    with open(os.path.join(DATA, name)) as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            yield line.rstrip("\n").split("\t")


def layout(arch):
    out = [PRELUDE, "#define MEMBER(T, m) (((T *)0)->m)\n#ifndef NO_CRYPTO\n"]
    n = 0
    for r in rows(f"layout-{arch}.tsv"):
        if r[0] == "kind":
            continue
        kind, struct, field, ftype, off, size, align = r
        tag = f"{arch}: {struct}.{field}" if field != "-" else f"{arch}: {struct}"
        if kind == "struct":
            out.append(f'_Static_assert(sizeof({struct}) == {size}, "sizeof {tag}");')
            out.append(f'_Static_assert(_Alignof({struct}) == {align}, "alignof {tag}");')
            n += 2
        elif kind == "field":
            m = f"MEMBER({struct}, {field})"
            out.append(f'_Static_assert(offsetof({struct}, {field}) == {off}, "offsetof {tag}");')
            out.append(f'_Static_assert(sizeof({m}) == {size}, "sizeof {tag}");')
            out.append(f'_Static_assert(_Alignof(__typeof__({m})) == {align}, "alignof {tag}");')
            n += 3
            # The member's declared type must be the original's (the anonymous union aside).
            if not ftype.startswith("union"):
                out.append(f'_Static_assert(__builtin_types_compatible_p(__typeof__({m}), {ftype}), "type of {tag} is {ftype}");')
                n += 1
        elif kind == "scalar":
            out.append(f'_Static_assert(sizeof({struct}) == {size} && _Alignof({struct}) == {align}, "{tag}");')
            n += 1
    out.append("#else /* NO_CRYPTO: the crypto members of RTMP_LNK are absent, as in the original */")
    compiler = {
        "x86_64": "gcc",
        "i386": "i686-linux-gnu-gcc",
        "aarch64": "aarch64-linux-gnu-gcc",
        "armhf": "arm-linux-gnueabihf-gcc",
        "win64": "x86_64-w64-mingw32-gcc",
        "win32": "i686-w64-mingw32-gcc",
    }[arch]
    with open(os.path.join(DATA, "nocrypto-sizes.txt")) as f:
        for line in f:
            parts = line.strip().split("\t")
            if len(parts) == 5 and parts[0] == f"{compiler}:" and parts[1] == "NO_CRYPTO":
                for kv in parts[2:]:
                    lhs, val = kv.split("=")
                    out.append(f'_Static_assert({lhs} == {val}, "{arch} NO_CRYPTO {lhs}");')
                    n += 1
    out.append("#endif")
    out.append(f"int layout_checks_{arch} = {n};")
    return "\n".join(out) + "\n"


def constants():
    out = [PRELUDE + "#include <string.h>\n"]
    n = 0
    for r in rows("constants.tsv"):
        if len(r) < 4 or r[0].startswith("#"):
            continue
        where, kind, name, value = r[0], r[1], r[2], r[3]
        if kind in ("define", ) or kind.startswith("enum:"):
            out.append(f'_Static_assert(({name}) == ({value}), "{name} == {value}");')
            n += 1
        elif kind == "define-empty":
            out.append(f"#ifndef {name}\n#error {name} is not defined\n#endif")
            n += 1
    for enum_name in ("AMFDataType", "AMF3DataType", "RTMP_LogLevel", "HTTPResult"):
        out.append(f"static {enum_name} enum_type_exists_{enum_name};")
    # The three function-like macros, used as the original's callers use them.
    out.append(r'''
static int use_macros(RTMPPacket *p)
{
  AVal a = AVC("abc"), b = AVC("abc");
  (void)enum_type_exists_AMFDataType; (void)enum_type_exists_AMF3DataType;
  (void)enum_type_exists_RTMP_LogLevel; (void)enum_type_exists_HTTPResult;
  return AVMATCH(&a, &b) + RTMPPacket_IsReady(p);
}
int (*keep_use_macros)(RTMPPacket *) = use_macros;''')
    out.append(f"int constant_checks = {n + 3};")
    return "\n".join(out) + "\n"


def prototypes():
    out = [PRELUDE + "#include <string.h>\n#include <sys/socket.h>\n"]
    asserts, redecls = [], []
    for r in rows("symbols.tsv"):
        if len(r) < 8 or r[1] not in ("function", "data"):
            continue
        name, kind, section, in_header = r[0], r[1], r[2], r[5]
        decl = re.sub(r"/\*.*", "", r[7]).strip().split(";")[0] + ";"
        if kind == "data":
            if "TLS_CTX" in decl:
                decl = "extern void *RTMP_TLS_ctx;"
            if not decl.startswith("extern"):
                decl = "extern " + decl
        # "DECLARED ONLY": the 4 AMFProp_Set* that the original's amf.h declares but nothing
        # defines; a caller that names them compiles against the original, so against ours too.
        if in_header == "yes" or in_header.startswith("DECLARED ONLY"):
            # A redeclaration alone would pass for a name the headers lack (it declares it anew),
            # so the header's own declaration is used first: an undeclared name or another type is
            # a compile error. Through a pointer, so that a lost const on a data object counts too.
            proto = f"proto_{name}"
            typedef = re.sub(rf"\b{name}\b", proto, re.sub(r"^extern\s+", "", decl), count=1)
            asserts.append(f"typedef {typedef}")
            asserts.append(f'_Static_assert(__builtin_types_compatible_p(__typeof__(&{name}), {proto} *), '
                           f'"{name} is not declared in a header as: {decl}");')
        if section != "-":
            # Redeclaring each export after the headers: for the 6 that no header declares this is
            # the only check, and it catches a conflicting declaration in ours (which would break a
            # program that declares them itself, as the original's callers had to).
            redecls.append(decl)
    n_typed = len(asserts) // 2
    out += asserts + redecls
    out.append(f"int prototype_checks = {n_typed + len(redecls)}; /* {n_typed} typed, {len(redecls)} redeclared */")
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    what = sys.argv[1]
    if what == "layout":
        sys.stdout.write(layout(sys.argv[2]))
    elif what == "constants":
        sys.stdout.write(constants())
    elif what == "prototypes":
        sys.stdout.write(prototypes())
    else:
        sys.exit(__doc__)
