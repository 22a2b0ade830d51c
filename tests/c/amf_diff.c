/* Differential test of the AMF exports: prints one deterministic block per call (return value,
 * canonical printout of the resulting tree, every log line) so that the output of this program
 * linked with Debian's librtmp and linked with librtmp-rs can be compared byte for byte
 * (tests/c/amf_diff.sh does that).
 *
 * Three builds of this file:
 *   default            the common section: inputs on which the original stays within its input.
 *   -DAMF_DIFF_CLASSIFY (original only, -rdynamic -ldl) runs every decoder case in a child process
 *                      with the input flush against a PROT_NONE page and hooks on AMF3_Decode /
 *                      AMF3Prop_Decode, and prints the id of each case where the original reads
 *                      outside its input, crashes, hangs, claims more bytes than it was given,
 *                      walks backwards after a failed AMF3 member, or uses a property it never
 *                      wrote. The other builds read that list (argv[1]) and leave those cases out
 *                      of the common section.
 *   -DONLY_SAFE_IMPL   (ours only) additionally runs the listed cases and hostile inputs, asserting
 *                      that each is refused cleanly (-1 / NULL / defaults).
 *
 * The last line is "N passed, N failed" over the checks with fixed expectations; the exit status
 * is non-zero when one failed. */
#define _GNU_SOURCE
#include <ctype.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <librtmp/amf.h>
#include <librtmp/log.h>
#include <librtmp/rtmp.h>

#ifdef AMF_DIFF_CLASSIFY
#include <dlfcn.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#endif

/* Exported by both libraries, declared by no header. */
int AMF3ReadInteger(const char *data, int32_t *valp);
int AMF3ReadString(const char *data, AVal *str);
int RTMP_FindPrefixProperty(AMFObject *obj, const AVal *name, AMFObjectProperty *p);

static int n_pass, n_fail;

static void check(int ok, const char *what)
{
  if (ok)
    n_pass++;
  else
    {
      n_fail++;
      printf("CHECK FAILED: %s\n", what);
    }
}

/* ---------------------------------------------------------------------------------------------
 * Printing. Pointers into the current input print as offsets, so zero-copy is compared too. */

static const unsigned char *cur_base;
static int cur_len;

static void put_bytes(const unsigned char *p, long n)
{
  long i, shown = n > 80 ? 80 : n;
  putchar('"');
  for (i = 0; i < shown; i++)
    {
      if (p[i] >= 0x20 && p[i] < 0x7f && p[i] != '"' && p[i] != '\\')
        putchar(p[i]);
      else
        printf("\\x%02x", p[i]);
    }
  putchar('"');
  if (shown < n)
    printf("...(%ld)", n);
}

static void put_ptr(const void *v)
{
  const unsigned char *p = v;
  if (p == NULL)
    printf("NULL");
  else if (cur_base && p >= cur_base && p <= cur_base + cur_len + 64)
    printf("in+%ld", (long)(p - cur_base));
  else
    printf("ext");
}

static void put_aval(const AVal *a)
{
  put_ptr(a->av_val);
  printf("/%d", a->av_len);
  if (a->av_val && a->av_len > 0)
    {
      putchar(':');
      put_bytes((const unsigned char *)a->av_val, a->av_len);
    }
}

static void put_prop(const AMFObjectProperty *p, int depth);

static void put_obj(const AMFObject *o, int depth)
{
  int i;
  printf("{%d}\n", o->o_num);
  if (depth > 80)
    return;
  for (i = 0; i < o->o_num; i++)
    {
      printf("%*s[%d] ", 2 * depth + 2, "", i);
      put_prop(&o->o_props[i], depth + 1);
    }
}

static void put_prop(const AMFObjectProperty *p, int depth)
{
  printf("name=");
  put_aval(&p->p_name);
  printf(" type=%d ", (int)p->p_type);
  switch ((int)p->p_type)
    {
    case AMF_NUMBER:
    case AMF_BOOLEAN:
      printf("%.17g\n", p->p_vu.p_number);
      break;
    case AMF_DATE:
      printf("%.17g tz=%d\n", p->p_vu.p_number, p->p_UTCoffset);
      break;
    case AMF_STRING:
    case AMF_XML_DOC:
      put_aval(&p->p_vu.p_aval);
      putchar('\n');
      break;
    case AMF_OBJECT:
    case AMF_ECMA_ARRAY:
    case AMF_STRICT_ARRAY:
      put_obj(&p->p_vu.p_object, depth);
      break;
    default:
      putchar('\n');
    }
}

static void put_hex(const char *label, const char *start, const char *end)
{
  const unsigned char *p = (const unsigned char *)start;
  long n, i;
  printf("%s: ", label);
  if (end == NULL)
    {
      printf("NULL\n");
      return;
    }
  n = end - start;
  printf("%ld:", n);
  for (i = 0; i < n && i < 48; i++)
    printf("%02x", p[i]);
  if (n > 48)
    printf("...%02x%02x", p[n - 2], p[n - 1]);
  putchar('\n');
}

/* Log lines, with "@0x…" pointers turned into offsets from the current input. */
static int log_quiet;

static void log_cb(int level, const char *fmt, va_list ap)
{
  char text[4096];
  const char *s;
  if (log_quiet)
    return;
  vsnprintf(text, sizeof text, fmt, ap);
  printf("  log%d: ", level);
  for (s = text; *s; s++)
    {
      /* "%p" is 0x… in glibc, bare hex digits in msvcrt */
      if (s[0] == '@' && (s[1] == '0' && s[2] == 'x' ? isxdigit((unsigned char)s[3]) : strspn(s + 1, "0123456789ABCDEFabcdef") >= 8))
        {
          char *e;
          unsigned long long v = strtoull(s + 1, &e, 16);
          const unsigned char *p = (const unsigned char *)(uintptr_t)v;
          if (cur_base && p >= cur_base && p <= cur_base + cur_len + 64)
            printf("@in+%ld", (long)(p - cur_base));
          else
            printf("@ptr");
          s = e - 1;
          continue;
        }
      if ((unsigned char)*s >= 0x20 && (unsigned char)*s < 0x7f)
        putchar(*s);
      else
        printf("\\x%02x", (unsigned char)*s);
    }
  putchar('\n');
}

/* ---------------------------------------------------------------------------------------------
 * Inputs. */

typedef struct
{
  const char *name;
  const char *data;
  int len;
} Sample;

#define S(name, lit) { name, lit, (int)sizeof(lit) - 1 }

static const Sample samples[] = {
  /* AMF0 scalars */
  S("num_pi", "\x00\x40\x09\x21\xfb\x54\x44\x2d\x18"),
  S("num_eighth", "\x00\x3f\xc0\x00\x00\x00\x00\x00\x00"),
  S("num_2675", "\x00\x40\x05\x66\x66\x66\x66\x66\x66"),
  S("num_negzero", "\x00\x80\x00\x00\x00\x00\x00\x00\x00"),
  S("num_inf", "\x00\x7f\xf0\x00\x00\x00\x00\x00\x00"),
  S("num_nan", "\x00\x7f\xf8\x00\x00\x00\x00\x00\x00"),
  S("num_negnan", "\x00\xff\xf8\x00\x00\x00\x00\x00\x00"),
  S("num_1e300", "\x00\x7e\x37\xe4\x3c\x88\x00\x75\x9c"),
  S("bool_true", "\x01\x01"),
  S("bool_false", "\x01\x00"),
  S("bool_seven", "\x01\x07"),
  S("str_hello", "\x02\x00\x05hello"),
  S("str_empty", "\x02\x00\x00"),
  S("str_nul", "\x02\x00\x03" "a\0b"),
  S("str_binary", "\x02\x00\x04\xff\x80\x01\x7f"),
  S("longstr", "\x0c\x00\x00\x00\x03" "abc"),
  S("longstr_empty", "\x0c\x00\x00\x00\x00"),
  S("xmldoc", "\x0f\x00\x00\x00\x04<a/>"),
  S("null", "\x05"),
  S("undefined", "\x06"),
  S("unsupported", "\x0d"),
  S("date", "\x0b\x42\x75\xd3\x14\x5c\x8c\x00\x00\xff\xc4"),
  S("date_tz_pos", "\x0b\x00\x00\x00\x00\x00\x00\x00\x00\x00\x3c"),
  /* AMF0 containers */
  S("object", "\x03\x00\x04name\x02\x00\x03val\x00\x03num\x00\x3f\xf0\x00\x00\x00\x00\x00\x00\x00\x00\x09"),
  S("object_empty", "\x03\x00\x00\x09"),
  S("object_nested",
    "\x03\x00\x01o\x03\x00\x01i\x01\x01\x00\x00\x09\x00\x01" "e\x08\x00\x00\x00\x01\x00\x01k\x05\x00\x00\x09"
    "\x00\x01s\x0a\x00\x00\x00\x02\x05\x02\x00\x01z\x00\x01n\x05\x00\x00\x09"),
  S("object_no_end", "\x03\x00\x01" "a\x05"),
  S("object_long_name",
    "\x03\x00\x1a" "abcdefghijklmnopqrstuvwxyz\x02\x00\x01v\x00\x00\x09"),
  S("object_name_overflow", "\x03\x00\xff" "a\x05"),
  S("object_empty_name", "\x03\x00\x00\x05\x00\x00\x09"),
  S("ecma", "\x08\x00\x00\x00\x02\x00\x01" "a\x00\x3f\xf0\x00\x00\x00\x00\x00\x00\x00\x01" "b\x01\x01\x00\x00\x09"),
  S("ecma_wrong_count", "\x08\x00\x00\x00\x09\x00\x01" "a\x05\x00\x00\x09"),
  S("strict", "\x0a\x00\x00\x00\x03\x00\x3f\xf0\x00\x00\x00\x00\x00\x00\x02\x00\x01x\x05"),
  S("strict_empty", "\x0a\x00\x00\x00\x00"),
  S("strict_huge", "\x0a\x7f\xff\xff\xff\x05\x05"),
  S("strict_negative", "\x0a\x80\x00\x00\x00\x05"),
  S("strict_nested", "\x0a\x00\x00\x00\x02\x0a\x00\x00\x00\x01\x05\x03\x00\x01q\x05\x00\x00\x09"),
  S("connect",
    "\x02\x00\x07" "connect\x00\x3f\xf0\x00\x00\x00\x00\x00\x00\x03\x00\x03" "app\x02\x00\x04live"
    "\x00\x08" "flashVer\x02\x00\x0dLNX 10,0,32,18\x00\x04" "fpad\x01\x00\x00\x0c" "capabilities"
    "\x00\x40\x2e\x00\x00\x00\x00\x00\x00\x00\x00\x09"),
  S("result",
    "\x02\x00\x07_result\x00\x3f\xf0\x00\x00\x00\x00\x00\x00\x03\x00\x06" "fmsVer\x02\x00\x0d" "FMS/3,5,7,7009"
    "\x00\x00\x09\x03\x00\x05level\x02\x00\x06status\x00\x04" "code\x02\x00\x1d" "NetConnection.Connect.Success"
    "\x00\x0b" "description\x02\x00\x15" "Connection succeeded."
    "\x00\x0e" "objectEncoding\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x09"),
  S("metadata",
    "\x02\x00\x0aonMetaData\x08\x00\x00\x00\x04\x00\x08" "duration\x00\x40\x5e\x00\x00\x00\x00\x00\x00"
    "\x00\x05width\x00\x40\x84\x00\x00\x00\x00\x00\x00\x00\x0cvideocodecid\x00\x40\x1c\x00\x00\x00\x00\x00\x00"
    "\x00\x0c" "audiocodecid\x02\x00\x04mp4a\x00\x00\x09"),
  S("top_end_marker", "\x05\x00\x00\x09\x05"),
  S("number_like_end", "\x00\x00\x09\x00\x00\x00\x00\x00\x00"),
  /* AMF0 refusals */
  S("movieclip", "\x04\x00"),
  S("reference", "\x07\x00\x01"),
  S("object_end", "\x09"),
  S("recordset", "\x0e"),
  S("typed_object", "\x10\x00\x01X\x00\x00\x09"),
  S("unknown_12", "\x12\x00"),
  S("unknown_ff", "\xff"),
  S("null_then_bad", "\x05\x05\x07\x00"),
  /* AMF3 behind the AVMPLUS switch */
  S("avm_anon", "\x11\x0a\x0b\x01\x03" "a\x04\x05\x03" "b\x06\x05xy\x01"),
  S("avm_scalars",
    "\x11\x0a\x0b\x01\x03n\x01\x03u\x00\x03t\x03\x03" "f\x02\x03" "d\x05\x40\x04\x00\x00\x00\x00\x00\x00"
    "\x03i\x04\xff\xff\x7f\x03x\x0b\x09<a/>\x03" "D\x08\x01\x42\x75\xd3\x14\x5c\x8c\x00\x00\x01"),
  S("avm_sealed", "\x11\x0a\x23\x03" "C\x03x\x03y\x04\x01\x05\x40\x04\x00\x00\x00\x00\x00\x00"),
  S("avm_sealed_dyn", "\x11\x0a\x2b\x05Pt\x03x\x04\x02\x03z\x06\x03q\x01"),
  S("avm_extern", "\x11\x0a\x07\x07" "Foo\x04\x07"),
  S("avm_objref", "\x11\x0a\x02"),
  S("avm_traitref", "\x11\x0a\x05"),
  S("avm_strref", "\x11\x0a\x0b\x01\x03" "a\x06\x00\x01"),
  S("avm_nameref", "\x11\x0a\x0b\x01\x03" "a\x04\x01\x00\x05\x05"),
  S("avm_dateref", "\x11\x0a\x23\x03" "C\x03x\x03y\x04\x05\x08\x02"),
  S("avm_nested", "\x11\x0a\x0b\x01\x03o\x0a\x0b\x01\x03p\x04\x01\x01\x01"),
  S("avm_array", "\x11\x0a\x0b\x01\x03" "a\x09\x01\x01\x01"),
  S("avm_not_object", "\x11\x06\x03" "a"),
  S("avm_in_object", "\x03\x00\x01" "a\x11\x0a\x0b\x01\x03k\x04\x01\x01\x00\x00\x09"),
  S("avm_in_command", "\x02\x00\x04" "cmd\x11\x0a\x0b\x01\x03v\x02\x01\x05"),
  S("avm_empty_dyn", "\x11\x0a\x0b\x01\x01"),
  /* bare AMF3 (for AMF3_Decode / AMF3Prop_Decode) */
  S("a3_anon", "\x0a\x0b\x01\x03" "a\x04\x05\x03" "b\x06\x05xy\x01"),
  S("a3_sealed", "\x0a\x23\x03" "C\x03x\x03y\x04\x01\x05\x40\x04\x00\x00\x00\x00\x00\x00"),
  S("a3_extern", "\x0a\x07\x07" "Foo\x06\x07" "abc"),
  S("a3_int_small", "\x04\x7f"),
  S("a3_int_2", "\x04\x81\x00"),
  S("a3_int_3", "\x04\xff\xff\x7f"),
  S("a3_int_4", "\x04\x80\xc0\x80\x00"),
  S("a3_int_max", "\x04\xbf\xff\xff\x7f"),
  S("a3_int_neg", "\x04\xc0\x80\x80\x00"),
  S("a3_double", "\x05\xc0\x04\x00\x00\x00\x00\x00\x00"),
  S("a3_string", "\x06\x0bhello"),
  S("a3_string_empty", "\x06\x01"),
  S("a3_string_ref", "\x06\x04"),
  S("a3_xml", "\x0b\x07<x>"),
  S("a3_xmldoc", "\x07\x07<y>"),
  S("a3_date", "\x08\x01\x42\x75\xd3\x14\x5c\x8c\x00\x00"),
  S("a3_bytearray", "\x0c\x05\x01\x02"),
  S("a3_array", "\x09\x03\x01\x04\x01"),
  S("a3_named", "\x05" "ab\x03"),
  S("a3_named_empty", "\x01\x03"),
  S("a3_bad_marker", "\x12\x00"),
  S("a3_class_name_long", "\x0a\x03\x09" "abcd"),
  S("a3_members_short", "\x0a\x23\x01\x03x"),
  S("a3_shared_copy", "\x0a\x23\x01\x03x\x03y\x0a\x0a\x0b\x01\x03p\x04\x01\x01\x08\x02"),
  S("a3_shared_end", "\x0a\x0b\x01\x03o\x0a\x0a\x0b\x01\x03p\x04\x01\x01\x01"),
  S("a3_empty_copy", "\x0a\x23\x01\x03x\x03y\x0a\x0a\x01\x08\x02"),
  S("a3_many_members", "\x0a\xbf\xff\xff\xf3\x01\x03" "a\x03" "b"),
};

#define N_SAMPLES ((int)(sizeof samples / sizeof samples[0]))

/* ---------------------------------------------------------------------------------------------
 * The list of cases the original mishandles (made by the classifier build). */

static char **unsafe_ids;
static int n_unsafe;

static int cmp_str(const void *a, const void *b)
{
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static void load_unsafe(const char *path)
{
  FILE *f = fopen(path, "r");
  char line[512];
  int cap = 0;
  if (!f)
    {
      fprintf(stderr, "cannot read %s\n", path);
      exit(2);
    }
  while (fgets(line, sizeof line, f))
    {
      line[strcspn(line, "\n")] = 0;
      if (!line[0])
        continue;
      if (n_unsafe == cap)
        {
          cap = cap ? 2 * cap : 256;
          unsafe_ids = realloc(unsafe_ids, cap * sizeof *unsafe_ids);
        }
      /* "id reason": the id compares as a C string, the reason follows its NUL. */
      unsafe_ids[n_unsafe] = strdup(line);
      if (strchr(unsafe_ids[n_unsafe], ' '))
        *strchr(unsafe_ids[n_unsafe], ' ') = 0;
      n_unsafe++;
    }
  fclose(f);
  qsort(unsafe_ids, n_unsafe, sizeof *unsafe_ids, cmp_str);
}

/* Why the original mishandles case `id`, or NULL. */
static const char *unsafe_reason(const char *id)
{
  char **hit;
  if (!n_unsafe)
    return NULL;
  hit = bsearch(&id, unsafe_ids, n_unsafe, sizeof *unsafe_ids, cmp_str);
  return hit ? *hit + strlen(*hit) + 1 : NULL;
}

/* ---------------------------------------------------------------------------------------------
 * Decoder cases. */

enum { K_AMF, K_PROP, K_AMF3, K_AMF3PROP, K_ARRAY, N_KINDS };
static const char *const kind_names[] = { "AMF_Decode", "AMFProp_Decode", "AMF3_Decode", "AMF3Prop_Decode",
                                          "AMF_DecodeArray" };

static int call_decoder(int kind, int flag, const char *buf, int len, AMFObject *obj, AMFObjectProperty *prop)
{
  switch (kind)
    {
    case K_AMF:
      return AMF_Decode(obj, buf, len, flag);
    case K_PROP:
      return AMFProp_Decode(prop, buf, len, flag);
    case K_AMF3:
      return AMF3_Decode(obj, buf, len, flag);
    case K_AMF3PROP:
      return AMF3Prop_Decode(prop, buf, len, flag);
    default:
      return AMF_DecodeArray(obj, buf, len, 3, flag);
    }
}

#ifdef AMF_DIFF_CLASSIFY
/* Hooks on the original's internal calls (they go through its PLT, so the executable's definitions
 * win with -rdynamic). A frame per AMF3_Decode call: its reused property must be written before a
 * value that writes no type reuses it, and no member may fail inside it. */
static int hook_depth, hook_flag;
static int frame_written[4096];

int AMF3Prop_Decode(AMFObjectProperty *prop, const char *p, int n, int b)
{
  static int (*real)(AMFObjectProperty *, const char *, int, int);
  int saved, r;
  if (!real)
    real = (int (*)(AMFObjectProperty *, const char *, int, int))dlsym(RTLD_NEXT, "AMF3Prop_Decode");
  if (hook_depth == 0)
    return real(prop, p, n, b);
  saved = prop->p_type;
  prop->p_type = (AMFDataType)0x5a5a;
  r = real(prop, p, n, b);
  if ((int)prop->p_type == 0x5a5a)
    {
      prop->p_type = (AMFDataType)saved;
      if (!frame_written[hook_depth] && !hook_flag)
        hook_flag = 6;
    }
  else
    frame_written[hook_depth] = 1;
  if (r == -1)
    hook_flag = 1;
  return r;
}

/* The x86 original sign-extends the fourth byte of an AMF3 integer (ours and the ARM builds do not):
 * cases that meet such an integer are a deliberate difference. */
int AMF3ReadInteger(const char *data, int32_t *valp)
{
  static int (*real)(const char *, int32_t *);
  if (!real)
    real = (int (*)(const char *, int32_t *))dlsym(RTLD_NEXT, "AMF3ReadInteger");
  if ((data[0] & 0x80) && (data[1] & 0x80) && (data[2] & 0x80) && (data[3] & 0x80) && !hook_flag)
    hook_flag = 7;
  return real(data, valp);
}

int AMF3_Decode(AMFObject *obj, const char *p, int n, int b)
{
  static int (*real)(AMFObject *, const char *, int, int);
  int r;
  if (!real)
    real = (int (*)(AMFObject *, const char *, int, int))dlsym(RTLD_NEXT, "AMF3_Decode");
  if (hook_depth >= 4095)
    {
      hook_flag = 1;
      _exit(3);
    }
  frame_written[++hook_depth] = 0;
  r = real(obj, p, n, b);
  hook_depth--;
  return r;
}

/* Touches every byte the result points at, so a pointer past the input faults. */
static unsigned walk_obj(const AMFObject *o, int depth);

static unsigned walk_aval(const AVal *a)
{
  unsigned s = 0;
  int i;
  for (i = 0; a->av_val && i < a->av_len; i++)
    s += (unsigned char)a->av_val[i];
  return s;
}

static unsigned walk_prop(const AMFObjectProperty *p, int depth)
{
  unsigned s = walk_aval(&p->p_name);
  switch ((int)p->p_type)
    {
    case AMF_STRING:
    case AMF_XML_DOC:
      s += walk_aval(&p->p_vu.p_aval);
      break;
    case AMF_OBJECT:
    case AMF_ECMA_ARRAY:
    case AMF_STRICT_ARRAY:
      s += walk_obj(&p->p_vu.p_object, depth + 1);
      break;
    case AMF_NUMBER:
    case AMF_BOOLEAN:
    case AMF_DATE:
    case AMF_NULL:
      break;
    default:
      /* A type no decoder produces: an uninitialised property. */
      _exit(4);
    }
  return s;
}

static unsigned walk_obj(const AMFObject *o, int depth)
{
  unsigned s = 0;
  int i;
  if (depth > 200)
    _exit(5);
  for (i = 0; i < o->o_num; i++)
    s += walk_prop(&o->o_props[i], depth);
  return s;
}

static volatile unsigned sink_sum;

/* Runs one case in a child; returns why the original misbehaves on it, or NULL. */
static const char *classify_case(int kind, int flag, const char *data, int len)
{
  pid_t pid;
  int status;
  fflush(stdout);
  pid = fork();
  if (pid == 0)
    {
      /* Twice: with the input against a PROT_NONE page after it, then against one before it. */
      long page = sysconf(_SC_PAGESIZE);
      long span = ((len + page - 1) / page + 1) * page;
      int pass, devnull = open("/dev/null", O_WRONLY);
      /* glibc's "double free detected" and the like are expected here. */
      if (devnull >= 0)
        dup2(devnull, 2);
      for (pass = 0; pass < 2; pass++)
        {
          char *m = mmap(NULL, span + page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
          char *buf;
          AMFObject obj = { 0, NULL };
          AMFObjectProperty prop;
          int r;
          if (m == MAP_FAILED)
            _exit(9);
          if (pass == 0)
            {
              mprotect(m + span, page, PROT_NONE);
              buf = m + span - len;
            }
          else
            {
              mprotect(m, page, PROT_NONE);
              buf = m + page;
            }
          memcpy(buf, data, len);
          memset(&prop, 0, sizeof prop);
          prop.p_type = AMF_INVALID;
          alarm(2);
          r = call_decoder(kind, flag, buf, len, &obj, &prop);
          if (hook_flag)
            _exit(hook_flag);
          if (r > len || r < -1)
            _exit(2);
          if (r >= 0)
            {
              if (kind == K_PROP || kind == K_AMF3PROP)
                {
                  if ((int)prop.p_type != AMF_INVALID)
                    sink_sum += walk_prop(&prop, 0);
                  AMFProp_Reset(&prop);
                }
              else
                {
                  sink_sum += walk_obj(&obj, 0);
                  AMF_Reset(&obj);
                }
            }
        }
      _exit(0);
    }
  if (pid < 0 || waitpid(pid, &status, 0) < 0)
    return "fork";
  if (WIFSIGNALED(status))
    return WTERMSIG(status) == SIGALRM ? "hang" : WTERMSIG(status) == SIGSEGV ? "out-of-bounds" : "crash";
  switch (WEXITSTATUS(status))
    {
    case 0:
      return NULL;
    case 1:
      return "amf3-member-failed";
    case 2:
      return "bad-count";
    case 4:
      return "garbage-type";
    case 6:
      return "uninitialised";
    case 7:
      return "sign-extended";
    default:
      return "other";
    }
}
#endif

/* A case left out of the common section, for the ONLY_SAFE_IMPL build. */
typedef struct
{
  char id[160];
  int kind, flag, len;
  const char *data;
  const char *why;
} Deferred;

static Deferred *deferred;
static int n_deferred, cap_deferred;

static void run_case(const char *id, int kind, int flag, const char *data, int len)
{
  AMFObject obj;
  AMFObjectProperty prop;
  char *buf;
  int r;

#ifdef AMF_DIFF_CLASSIFY
  {
    const char *why = classify_case(kind, flag, data, len);
    if (why)
      printf("%s %s\n", id, why);
  }
  return;
#endif
  if (unsafe_reason(id))
    {
      if (n_deferred == cap_deferred)
        {
          cap_deferred = cap_deferred ? 2 * cap_deferred : 256;
          deferred = realloc(deferred, cap_deferred * sizeof *deferred);
        }
      snprintf(deferred[n_deferred].id, sizeof deferred[n_deferred].id, "%s", id);
      deferred[n_deferred].kind = kind;
      deferred[n_deferred].flag = flag;
      deferred[n_deferred].data = data;
      deferred[n_deferred].len = len;
      deferred[n_deferred].why = unsafe_reason(id);
      n_deferred++;
      return;
    }

  printf("== %s\n", id);
  /* Zero padding after the input: the original's C "%s" of an AMF3 class or member name stops
   * there, where ours stops at the end of the input. */
  buf = calloc(len + 64, 1);
  memcpy(buf, data, len);
  cur_base = (const unsigned char *)buf;
  cur_len = len;
  memset(&obj, 0, sizeof obj);
  memset(&prop, 0, sizeof prop);
  prop.p_type = AMF_INVALID;
  r = call_decoder(kind, flag, buf, len, &obj, &prop);
  printf("ret=%d\n", r);
  if (r >= 0)
    {
      if (kind == K_PROP || kind == K_AMF3PROP)
        {
          put_prop(&prop, 0);
          AMFProp_Dump(&prop);
          AMFProp_Reset(&prop);
          printf("reset: type=%d\n", (int)prop.p_type);
        }
      else
        {
          put_obj(&obj, 0);
          AMF_Dump(&obj);
          AMF_Reset(&obj);
          printf("reset: %d %s\n", obj.o_num, obj.o_props ? "props" : "NULL");
        }
    }
  cur_base = NULL;
  free(buf);
}

static void decoder_cases(void)
{
  int s, k, flag, cut;
  char id[160];
  for (s = 0; s < N_SAMPLES; s++)
    for (k = 0; k < N_KINDS; k++)
      for (flag = 0; flag < 2; flag++)
        {
          if (k == K_ARRAY && flag)
            continue;
          snprintf(id, sizeof id, "%s/%s%d/full", samples[s].name, kind_names[k], flag);
          run_case(id, k, flag, samples[s].data, samples[s].len);
          for (cut = 0; cut < samples[s].len; cut++)
            {
              snprintf(id, sizeof id, "%s/%s%d/cut%d", samples[s].name, kind_names[k], flag, cut);
              run_case(id, k, flag, samples[s].data, cut);
            }
        }
}

/* ---------------------------------------------------------------------------------------------
 * Encoders. */

static char outbuf[70000 + 64];

static void enc_string_cases(void)
{
  static char big[65600];
  int lens[] = { 0, 1, 5, 65535, 65536, 65537 };
  int i, d;
  AVal v;
  char label[64];
  memset(big, 'q', sizeof big);
  for (i = 0; i < (int)(sizeof lens / sizeof lens[0]); i++)
    {
      v.av_val = big;
      v.av_len = lens[i];
      for (d = -3; d <= 1; d++)
        {
          int room = lens[i] + 5 + d;
          char *r;
          snprintf(label, sizeof label, "EncodeString len=%d room=%d", lens[i], room);
          r = AMF_EncodeString(outbuf, outbuf + room, &v);
          put_hex(label, outbuf, r);
        }
    }
}

static void enc_scalar_cases(void)
{
  int room;
  char label[64];
  AVal name = AVC("key"), val = AVC("value");
  for (room = 0; room <= 12; room++)
    {
      snprintf(label, sizeof label, "EncodeNumber room=%d", room);
      put_hex(label, outbuf, AMF_EncodeNumber(outbuf, outbuf + room, -1.5));
      snprintf(label, sizeof label, "EncodeBoolean room=%d", room);
      put_hex(label, outbuf, AMF_EncodeBoolean(outbuf, outbuf + room, 42));
      snprintf(label, sizeof label, "EncodeInt16 room=%d", room);
      put_hex(label, outbuf, AMF_EncodeInt16(outbuf, outbuf + room, (short)-2));
      snprintf(label, sizeof label, "EncodeInt24 room=%d", room);
      put_hex(label, outbuf, AMF_EncodeInt24(outbuf, outbuf + room, 0x7abcdef1));
      snprintf(label, sizeof label, "EncodeInt32 room=%d", room);
      put_hex(label, outbuf, AMF_EncodeInt32(outbuf, outbuf + room, -123456789));
    }
  for (room = 0; room <= 20; room++)
    {
      snprintf(label, sizeof label, "EncodeNamedString room=%d", room);
      put_hex(label, outbuf, AMF_EncodeNamedString(outbuf, outbuf + room, &name, &val));
      snprintf(label, sizeof label, "EncodeNamedNumber room=%d", room);
      put_hex(label, outbuf, AMF_EncodeNamedNumber(outbuf, outbuf + room, &name, 3.25));
      snprintf(label, sizeof label, "EncodeNamedBoolean room=%d", room);
      put_hex(label, outbuf, AMF_EncodeNamedBoolean(outbuf, outbuf + room, &name, 0));
    }
  put_hex("EncodeNumber nan", outbuf, AMF_EncodeNumber(outbuf, outbuf + 9, 0.0 / 0.0));
}

static AMFObjectProperty mkprop(const char *name, int type)
{
  AMFObjectProperty p;
  memset(&p, 0, sizeof p);
  if (name)
    {
      p.p_name.av_val = (char *)name;
      p.p_name.av_len = (int)strlen(name);
    }
  p.p_type = (AMFDataType)type;
  return p;
}

static AMFObjectProperty mknum(const char *name, double v)
{
  AMFObjectProperty p = mkprop(name, AMF_NUMBER);
  p.p_vu.p_number = v;
  return p;
}

static AMFObjectProperty mkstr(const char *name, const char *s, int len)
{
  AMFObjectProperty p = mkprop(name, AMF_STRING);
  p.p_vu.p_aval.av_val = (char *)s;
  p.p_vu.p_aval.av_len = len;
  return p;
}

static AMFObjectProperty mkobj(const char *name, int type, AMFObject o)
{
  AMFObjectProperty p = mkprop(name, type);
  p.p_vu.p_object = o;
  return p;
}

/* A tree with every kind of property, built with AMF_AddProp. */
static AMFObject build_tree(int with_bad)
{
  AMFObject top = { 0, NULL }, inner = { 0, NULL }, arr = { 0, NULL }, ecma = { 0, NULL };
  AMFObjectProperty p;
  AMF_AddProp(&inner, (p = mknum("x", 1), &p));
  AMF_AddProp(&inner, (p = mkstr("label", "in", 2), &p));
  AMF_AddProp(&arr, (p = mknum(NULL, 7), &p));
  AMF_AddProp(&arr, (p = mkstr(NULL, "s", 1), &p));
  AMF_AddProp(&arr, (p = mkprop(NULL, AMF_NULL), &p));
  AMF_AddProp(&ecma, (p = mknum("k", 0.5), &p));
  AMF_AddProp(&top, (p = mkstr("app", "live", 4), &p));
  AMF_AddProp(&top, (p = mknum("num", 2.675), &p));
  p = mkprop("flag", AMF_BOOLEAN);
  p.p_vu.p_number = 0.5;
  AMF_AddProp(&top, &p);
  AMF_AddProp(&top, (p = mkprop("nothing", AMF_NULL), &p));
  AMF_AddProp(&top, (p = mkobj("inner", AMF_OBJECT, inner), &p));
  AMF_AddProp(&top, (p = mkobj("arr", AMF_STRICT_ARRAY, arr), &p));
  AMF_AddProp(&top, (p = mkobj("map", AMF_ECMA_ARRAY, ecma), &p));
  if (with_bad)
    {
      p = mkprop("when", AMF_DATE);
      p.p_vu.p_number = 1.5;
      p.p_UTCoffset = -120;
      AMF_AddProp(&top, &p);
      AMF_AddProp(&top, (p = mknum("after", 9), &p));
    }
  return top;
}

static void enc_object_cases(void)
{
  int with_bad, room, full;
  char label[80];
  for (with_bad = 0; with_bad < 2; with_bad++)
    {
      AMFObject top = build_tree(with_bad);
      char *r = AMF_Encode(&top, outbuf, outbuf + sizeof outbuf);
      full = r ? (int)(r - outbuf) : 0;
      put_hex(with_bad ? "Encode bad full" : "Encode full", outbuf, r);
      for (room = 0; room <= full + 2; room++)
        {
          snprintf(label, sizeof label, "Encode bad=%d room=%d", with_bad, room);
          put_hex(label, outbuf, AMF_Encode(&top, outbuf, outbuf + room));
          snprintf(label, sizeof label, "EncodeEcmaArray bad=%d room=%d", with_bad, room);
          put_hex(label, outbuf, AMF_EncodeEcmaArray(&top, outbuf, outbuf + room));
          snprintf(label, sizeof label, "EncodeArray bad=%d room=%d", with_bad, room);
          put_hex(label, outbuf, AMF_EncodeArray(&top, outbuf, outbuf + room));
        }
      AMF_Dump(&top);
      AMF_Reset(&top);
    }
}

static void enc_prop_cases(void)
{
  static const int types[] = { AMF_NUMBER, AMF_BOOLEAN, AMF_STRING, AMF_OBJECT, AMF_MOVIECLIP, AMF_NULL,
                               AMF_UNDEFINED, AMF_REFERENCE, AMF_ECMA_ARRAY, AMF_OBJECT_END, AMF_STRICT_ARRAY,
                               AMF_DATE, AMF_LONG_STRING, AMF_UNSUPPORTED, AMF_RECORDSET, AMF_XML_DOC,
                               AMF_TYPED_OBJECT, AMF_AVMPLUS, AMF_INVALID, 42 };
  int t, room;
  char label[80];
  for (t = 0; t < (int)(sizeof types / sizeof types[0]); t++)
    {
      const char *names[] = { NULL, "nm" };
      int n;
      for (n = 0; n < 2; n++)
        {
          AMFObjectProperty p = mkprop(names[n], types[t]);
          if (types[t] == AMF_STRING || types[t] == AMF_XML_DOC || types[t] == AMF_LONG_STRING)
            {
              p.p_vu.p_aval.av_val = "str";
              p.p_vu.p_aval.av_len = 3;
            }
          else if (types[t] != AMF_OBJECT && types[t] != AMF_ECMA_ARRAY && types[t] != AMF_STRICT_ARRAY)
            p.p_vu.p_number = 1.0;
          for (room = 0; room <= 14; room++)
            {
              snprintf(label, sizeof label, "PropEncode type=%d name=%d room=%d", types[t], n, room);
              put_hex(label, outbuf, AMFProp_Encode(&p, outbuf, outbuf + room));
            }
          AMFProp_Dump(&p);
        }
    }
}

/* ---------------------------------------------------------------------------------------------
 * Object and property API. */

static void api_cases(void)
{
  AMFObject top = build_tree(1), obj = { 0, NULL }, got;
  AMFObjectProperty *pp, p, found;
  AVal name, s;
  int i;
  char nm[16];

  printf("== api\n");
  printf("count=%d\n", AMF_CountProp(&top));
  name.av_val = "inner";
  name.av_len = 5;
  pp = AMF_GetProp(&top, &name, -1);
  printf("by name inner: ");
  put_prop(pp, 0);
  name.av_val = "missing";
  name.av_len = 7;
  pp = AMF_GetProp(&top, &name, -1);
  printf("by name missing: valid=%d type=%d\n", AMFProp_IsValid(pp), (int)AMFProp_GetType(pp));
  check((int)pp->p_type == AMF_INVALID && pp->p_name.av_val == NULL, "missing property is the invalid one");
  check(AMF_GetProp(&top, NULL, 99) == pp, "the invalid property is one static object");
  name.av_val = "in";
  name.av_len = 2;
  printf("by prefix-length name: valid=%d\n", AMFProp_IsValid(AMF_GetProp(&top, &name, -1)));
  for (i = -1; i <= AMF_CountProp(&top); i++)
    {
      pp = AMF_GetProp(&top, &name, i);
      printf("index %d: valid=%d type=%d", i, AMFProp_IsValid(pp), (int)AMFProp_GetType(pp));
      /* The number member of other types is a pointer's bits: not comparable between runs. */
      if ((int)pp->p_type == AMF_NUMBER || (int)pp->p_type == AMF_BOOLEAN || (int)pp->p_type == AMF_DATE ||
          (int)pp->p_type == AMF_NULL || (int)pp->p_type == AMF_INVALID)
        printf(" num=%.17g bool=%d", AMFProp_GetNumber(pp), AMFProp_GetBoolean(pp));
      putchar('\n');
      AMFProp_GetName(pp, &s);
      printf("  name ");
      put_aval(&s);
      AMFProp_GetString(pp, &s);
      printf(" string ");
      put_aval(&s);
      AMFProp_GetObject(pp, &got);
      printf(" object %d %s\n", got.o_num, got.o_props ? "props" : "NULL");
    }
  pp = AMF_GetProp(&top, NULL, 0);
  name.av_val = "renamed";
  name.av_len = 7;
  AMFProp_SetName(pp, &name);
  AMFProp_GetName(pp, &s);
  check(s.av_val == name.av_val && s.av_len == 7, "SetName/GetName");

  /* Searches. */
  name.av_val = "label";
  name.av_len = 5;
  memset(&found, 0, sizeof found);
  printf("FindFirst label=%d ", RTMP_FindFirstMatchingProperty(&top, &name, &found));
  put_prop(&found, 0);
  name.av_val = "k";
  name.av_len = 1;
  printf("FindFirst k (in ECMA)=%d\n", RTMP_FindFirstMatchingProperty(&top, &name, &found));
  name.av_val = "zzz";
  name.av_len = 3;
  printf("FindFirst zzz=%d\n", RTMP_FindFirstMatchingProperty(&top, &name, &found));
  name.av_val = "lab";
  name.av_len = 3;
  printf("FindPrefix lab=%d ", RTMP_FindPrefixProperty(&top, &name, &found));
  put_prop(&found, 0);
  name.av_val = "label";
  name.av_len = 5;
  printf("FindPrefix label (not longer)=%d\n", RTMP_FindPrefixProperty(&top, &name, &found));
  name.av_val = "k";
  name.av_len = 0;
  printf("FindPrefix empty=%d ", RTMP_FindPrefixProperty(&top, &name, &found));
  put_prop(&found, 0);

  /* Growth past 16, 32: AddProp copies, reallocating in blocks of 16. */
  for (i = 0; i < 40; i++)
    {
      snprintf(nm, sizeof nm, "p%d", i);
      p = mknum(strdup(nm), i);
      AMF_AddProp(&obj, &p);
    }
  printf("grown count=%d\n", AMF_CountProp(&obj));
  name.av_val = "p33";
  name.av_len = 3;
  printf("p33=%.17g\n", AMFProp_GetNumber(AMF_GetProp(&obj, &name, -1)));
  check(AMF_GetProp(&obj, NULL, 39)->p_vu.p_number == 39 && AMF_CountProp(&obj) == 40, "AddProp past 32");
  for (i = 0; i < 40; i++)
    free(obj.o_props[i].p_name.av_val);
  AMF_Reset(&obj);
  check(obj.o_num == 0 && obj.o_props == NULL, "AMF_Reset empties");

  /* A decoded object accepts more properties (its array has room in blocks of 16). */
  {
    static const char enc[] = "\x03\x00\x01" "a\x05\x00\x01" "b\x05\x00\x00\x09";
    AMFObject dec;
    int r = AMF_Decode(&dec, enc, sizeof enc - 1, 0);
    AMFObjectProperty inner;
    AMFProp_GetObject(&dec.o_props[0], &got);
    for (i = 0; i < 20; i++)
      {
        p = mknum("added", i);
        AMF_AddProp(&got, &p);
      }
    printf("decoded then added: r=%d count=%d last=%.17g\n", r, AMF_CountProp(&got),
           AMF_GetProp(&got, NULL, 21)->p_vu.p_number);
    dec.o_props[0].p_vu.p_object = got;
    inner = dec.o_props[0];
    AMFProp_Reset(&inner);
    printf("prop reset: type=%d num=%d props=%s\n", (int)inner.p_type, inner.p_vu.p_object.o_num,
           inner.p_vu.p_object.o_props ? "set" : "NULL");
    check(inner.p_vu.p_object.o_props == NULL, "AMFProp_Reset frees nested arrays");
    dec.o_props[0].p_type = AMF_NULL;
    AMF_Reset(&dec);
  }
  p = mkstr("s", "abc", 3);
  AMFProp_Reset(&p);
  printf("string prop reset: type=%d val=%s len=%d\n", (int)p.p_type, p.p_vu.p_aval.av_val ? "set" : "NULL",
         p.p_vu.p_aval.av_len);
  p = mknum("b", 0.0);
  p.p_type = AMF_BOOLEAN;
  printf("GetBoolean(0)=%d\n", AMFProp_GetBoolean(&p));
  p.p_vu.p_number = -0.25;
  printf("GetBoolean(-0.25)=%d\n", AMFProp_GetBoolean(&p));
  AMF_Reset(&top);

  /* AMF3 class definitions. */
  {
    AMF3ClassDef cd;
    AVal m;
    memset(&cd, 0, sizeof cd);
    for (i = 0; i < 20; i++)
      {
        snprintf(nm, sizeof nm, "m%d", i);
        m.av_val = strdup(nm);
        m.av_len = (int)strlen(nm);
        AMF3CD_AddProp(&cd, &m);
      }
    printf("cd_num=%d\n", cd.cd_num);
    for (i = 0; i <= 21; i++)
      {
        AVal *g = AMF3CD_GetProp(&cd, i);
        printf("cd[%d]=", i);
        put_aval(g);
        putchar('\n');
      }
    check(AMF3CD_GetProp(&cd, 20) == AMF3CD_GetProp(&cd, 99), "one static empty AVal");
    for (i = 0; i < 20; i++)
      free(cd.cd_props[i].av_val);
    free(cd.cd_props);
  }
}

static void fixed_reader_cases(void)
{
  static const char d[] = "\x81\x82\x83\x84\x85\x86\x87\x88\x00\x02hi\x00\x00\x00\x02hi\x00\x00\x00\x00\x00\x00"
                          "\xff\xff\xff\xff";
  AVal v;
  int32_t iv;
  int i;
  printf("== fixed readers\n");
  printf("int16=%u int24=%u int32=%u\n", AMF_DecodeInt16(d), AMF_DecodeInt24(d), AMF_DecodeInt32(d));
  printf("number=%.17g bool=%d bool0=%d\n", AMF_DecodeNumber(d), AMF_DecodeBoolean(d), AMF_DecodeBoolean(d + 8));
  cur_base = (const unsigned char *)d;
  cur_len = sizeof d - 1;
  AMF_DecodeString(d + 8, &v);
  printf("string ");
  put_aval(&v);
  AMF_DecodeLongString(d + 12, &v);
  printf(" long ");
  put_aval(&v);
  AMF_DecodeLongString(d + 18, &v);
  printf(" long-empty ");
  put_aval(&v);
  AMF_DecodeString(d + 22, &v);
  printf(" empty ");
  put_aval(&v);
  AMF_DecodeLongString(d + 24, &v);
  printf(" long-negative ptr=%s len=%d", v.av_val ? "set" : "NULL", v.av_len);
  putchar('\n');
  check(AMF_DecodeInt16("\xfe\xdc") == 0xfedc, "DecodeInt16");
  check(AMF_DecodeInt24("\xfe\xdc\xba") == 0xfedcba, "DecodeInt24");
  check(AMF_DecodeInt32("\xfe\xdc\xba\x98") == 0xfedcba98u, "DecodeInt32");

  {
    static const char *const ints[] = { "\x00", "\x7f", "\x81\x00", "\xff\x7f", "\x81\x80\x00", "\xff\xff\x7f",
                                        "\x80\xc0\x80\x00", "\xbf\xff\xff\x7f", "\xc0\x80\x80\x01", "\xff\xff\xff\x7e" };
    for (i = 0; i < (int)(sizeof ints / sizeof ints[0]); i++)
      {
        int n = AMF3ReadInteger(ints[i], &iv);
        printf("AMF3ReadInteger #%d: %d -> %d\n", i, n, iv);
      }
  }
  {
    static const char *const strs[] = { "\x01", "\x07" "abc", "\x00", "\x06", "\x80\x00", "\x09" "abcd" };
    for (i = 0; i < (int)(sizeof strs / sizeof strs[0]); i++)
      {
        int n;
        cur_base = (const unsigned char *)strs[i];
        cur_len = 8;
        n = AMF3ReadString(strs[i], &v);
        printf("AMF3ReadString #%d: %d -> ", i, n);
        put_aval(&v);
        putchar('\n');
      }
  }
  cur_base = NULL;
}

/* Results known in advance (the same for both libraries). */
static void fixed_checks(void)
{
  static const char connect[] = "\x02\x00\x07" "connect\x00\x3f\xf0\x00\x00\x00\x00\x00\x00\x03\x00\x03"
                                "app\x02\x00\x04live\x00\x00\x09";
  static const char no_end[] = "\x03\x00\x01" "a\x02\x00\x00";
  static const char a3_empty[] = "\x06\x01";
  AMFObject obj, inner;
  AMFObjectProperty prop;
  AVal s, name = AVC("app");
  char *r;

  printf("== fixed checks\n");
  r = AMF_EncodeNumber(outbuf, outbuf + 9, 1.0);
  check(r == outbuf + 9 && memcmp(outbuf, "\x00\x3f\xf0\x00\x00\x00\x00\x00\x00", 9) == 0, "EncodeNumber 1.0");
  s.av_val = "abc";
  s.av_len = 3;
  check(AMF_EncodeString(outbuf, outbuf + 7, &s) == NULL, "EncodeString wants 5 + len");
  r = AMF_EncodeString(outbuf, outbuf + 8, &s);
  check(r == outbuf + 6 && memcmp(outbuf, "\x02\x00\x03" "abc", 6) == 0, "EncodeString abc");
  prop = mkprop("n", AMF_NULL);
  r = AMFProp_Encode(&prop, outbuf, outbuf + 2);
  check(r == outbuf + 1 && outbuf[0] == AMF_NULL, "a named null loses its name");
  check(AMFProp_Encode(&prop, outbuf, outbuf + 1) == NULL, "a null wants 2 bytes");

  check(AMF_Decode(&obj, connect, sizeof connect - 1, FALSE) == (int)sizeof connect - 1 && obj.o_num == 3,
        "connect decodes whole");
  AMFProp_GetObject(AMF_GetProp(&obj, NULL, 2), &inner);
  AMFProp_GetString(AMF_GetProp(&inner, &name, -1), &s);
  check(s.av_len == 4 && memcmp(s.av_val, "live", 4) == 0 && s.av_val == connect + 28, "app is live, in place");
  AMFProp_GetString(AMF_GetProp(&obj, NULL, 1), &s);
  check(s.av_val == NULL && s.av_len == 0, "GetString of a number");
  check(!AMFProp_IsValid(AMF_GetProp(&obj, NULL, 3)), "index past the end");
  AMF_Reset(&obj);

  check(AMF_Decode(&obj, no_end, sizeof no_end - 1, FALSE) == (int)sizeof no_end - 1 && obj.o_num == 1,
        "an object may end with the input");
  AMFProp_GetObject(&obj.o_props[0], &inner);
  check(inner.o_num == 1 && inner.o_props[0].p_vu.p_aval.av_val == NULL, "AMF0 empty string is NULL");
  AMF_Reset(&obj);
  memset(&prop, 0, sizeof prop);
  check(AMF3Prop_Decode(&prop, a3_empty, 2, FALSE) == 2 && prop.p_vu.p_aval.av_val == a3_empty + 2 &&
          prop.p_vu.p_aval.av_len == 0,
        "AMF3 inline empty string points into the input");
}

/* The dump of a hand-made tree: every type, odd names and numbers. */
static void dump_cases(void)
{
  AMFObject top = { 0, NULL }, nested = { 0, NULL };
  AMFObjectProperty p;
  static const double nums[] = { 0.125, 0.375, 2.675, -0.0, 1e300, 5e-324, 123456789.125, -1.005, 1e22, 0.5 };
  static char big[600];
  int i;
  double zero = 0.0;
  printf("== dump\n");
  memset(big, 'w', sizeof big);
  for (i = 0; i < (int)(sizeof nums / sizeof nums[0]); i++)
    AMF_AddProp(&top, (p = mknum("n", nums[i]), &p));
  AMF_AddProp(&top, (p = mknum("inf", 1.0 / zero), &p));
  AMF_AddProp(&top, (p = mknum("-inf", -1.0 / zero), &p));
  AMF_AddProp(&top, (p = mknum("nan", zero / zero), &p));
  AMF_AddProp(&top, (p = mknum("-nan", -(zero / zero)), &p));
  AMF_AddProp(&top, (p = mknum("exactly_18_chars__", 1), &p));
  AMF_AddProp(&top, (p = mknum("nineteen_characters", 1), &p));
  AMF_AddProp(&top, (p = mknum("n\0ul", 1), p.p_name.av_len = 4, &p));
  AMF_AddProp(&top, (p = mkstr("s", "with\0nul", 8), &p));
  AMF_AddProp(&top, (p = mkstr("big", big, sizeof big), &p));
  AMF_AddProp(&top, (p = mkstr("empty", NULL, 0), &p));
  AMF_AddProp(&top, (p = mkstr("\xc3\xa9t\xc3\xa9", "\xff\xfe", 2), &p));
  p = mkprop("d", AMF_DATE);
  p.p_vu.p_number = 1.6e12;
  p.p_UTCoffset = -32768;
  AMF_AddProp(&top, &p);
  for (i = 0; i < 20; i++)
    if (i != AMF_NUMBER && i != AMF_STRING && i != AMF_OBJECT && i != AMF_ECMA_ARRAY && i != AMF_STRICT_ARRAY &&
        i != AMF_DATE)
      {
        p = mkprop(NULL, i);
        p.p_vu.p_number = 1;
        AMF_AddProp(&top, &p);
      }
  p = mkprop("big type", 0x1234);
  AMF_AddProp(&top, &p);
  p = mkprop("invalid", AMF_INVALID);
  AMF_AddProp(&top, &p);
  AMF_AddProp(&nested, (p = mknum("deep", 1), &p));
  AMF_AddProp(&top, (p = mkobj("o", AMF_OBJECT, nested), &p));
  AMF_AddProp(&top, (p = mkobj("e", AMF_ECMA_ARRAY, nested), &p));
  AMF_AddProp(&top, (p = mkobj(NULL, AMF_STRICT_ARRAY, nested), &p));
  AMF_Dump(&top);
  AMFProp_Dump(&top.o_props[0]);
  /* The three containers share `nested`: reset it once. */
  AMF_Reset(&nested);
  free(top.o_props);

  /* Below DEBUG nothing is printed. */
  top.o_num = 0;
  top.o_props = NULL;
  AMF_AddProp(&top, (p = mknum("silent", 1), &p));
  RTMP_LogSetLevel(RTMP_LOGINFO);
  AMF_Dump(&top);
  AMFProp_Dump(&top.o_props[0]);
  RTMP_LogSetLevel(RTMP_LOGDEBUG);
  AMF_Reset(&top);
}

#ifdef ONLY_SAFE_IMPL
/* ---------------------------------------------------------------------------------------------
 * Inputs on which the original reads out of bounds, crashes or uses uninitialised memory:
 * ours must refuse them cleanly. */

static void safe_decode_minus1(const char *what, int kind, int flag, const char *data, int len)
{
  AMFObject obj = { 7, (AMFObjectProperty *)1 };
  AMFObjectProperty prop;
  int r;
  char msg[256];
  memset(&prop, 0, sizeof prop);
  r = call_decoder(kind, flag, data, len, &obj, &prop);
  snprintf(msg, sizeof msg, "%s: -1 (got %d)", what, r);
  check(r == -1, msg);
  if (kind != K_PROP && kind != K_AMF3PROP)
    {
      snprintf(msg, sizeof msg, "%s: object left empty", what);
      check(obj.o_num == 0 && obj.o_props == NULL, msg);
    }
}

static void only_safe_cases(void)
{
  int i;
  char *deep;
  AMFObject obj;
  AMFObjectProperty prop, *pp;
  AVal v;
  int32_t iv;
  char msg[256];

  printf("== only safe: %d deferred cases\n", n_deferred);
  log_quiet = 1;
  for (i = 0; i < n_deferred; i++)
    {
      /* Exactly sized, so a read past the end would show under valgrind or ASan. */
      char *buf = malloc(deferred[i].len ? deferred[i].len : 1);
      memcpy(buf, deferred[i].data, deferred[i].len);
      if (strcmp(deferred[i].why, "uninitialised") == 0 || strcmp(deferred[i].why, "sign-extended") == 0)
        {
          /* The original used a property it never wrote (ours puts a null there), or read an
           * AMF3 integer with a sign-extended fourth byte (ours reads it unsigned). */
          AMFObject o = { 0, NULL };
          AMFObjectProperty p;
          int r;
          memset(&p, 0, sizeof p);
          r = call_decoder(deferred[i].kind, deferred[i].flag, buf, deferred[i].len, &o, &p);
          snprintf(msg, sizeof msg, "%s (%s): defined result (got %d)", deferred[i].id, deferred[i].why, r);
          check(r >= -1 && r <= deferred[i].len, msg);
          AMF_Reset(&o);
          if (deferred[i].kind == K_PROP || deferred[i].kind == K_AMF3PROP)
            AMFProp_Reset(&p);
        }
      else
        {
          snprintf(msg, sizeof msg, "%s (%s)", deferred[i].id, deferred[i].why);
          safe_decode_minus1(msg, deferred[i].kind, deferred[i].flag, buf, deferred[i].len);
        }
      free(buf);
    }
  log_quiet = 0;

  /* Deep nesting: the original recursed until the stack overflowed. */
  deep = malloc(6 * 200000 + 3);
  for (i = 0; i < 200000; i++)
    memcpy(deep + 4 * i, "\x03\x00\x01" "a", 4);
  deep[4 * 200000] = 5;
  log_quiet = 1;
  safe_decode_minus1("deep AMF0 objects", K_AMF, 0, deep, 4 * 200000 + 1);
  for (i = 0; i < 200000; i++)
    memcpy(deep + 5 * i, "\x0a\x00\x00\x00\x01", 5);
  deep[5 * 200000] = 5;
  safe_decode_minus1("deep strict arrays", K_AMF, 0, deep, 5 * 200000 + 1);
  memcpy(deep, "\x0a\x0b\x01", 3);
  for (i = 0; i < 200000; i++)
    memcpy(deep + 3 + 6 * i, "\x03o\x0a\x0a\x0b\x01", 6);
  safe_decode_minus1("deep AMF3 objects", K_AMF3, 1, deep, 3 + 6 * 200000);
  log_quiet = 0;
  free(deep);

  /* Sizes and pointers. */
  safe_decode_minus1("AMF_Decode NULL buffer", K_AMF, 0, NULL, 10);
  safe_decode_minus1("AMFProp_Decode negative size", K_PROP, 0, "\x05", -5);
  safe_decode_minus1("AMF3Prop_Decode negative size", K_AMF3PROP, 0, "\x05", -5);
  safe_decode_minus1("AMF3_Decode empty", K_AMF3, 1, "\x0a", 0);
  safe_decode_minus1("AMF3 string length 2^28", K_AMF3PROP, 0, "\x06\xc0\x80\x80\x01", 5);
  safe_decode_minus1("ECMA count missing", K_PROP, 0, "\x08\x00\x00", 3);
  safe_decode_minus1("strict count missing", K_PROP, 0, "\x0a\x00", 2);
  check(AMF_Decode(NULL, "\x05", 1, 0) == -1, "AMF_Decode NULL object");
  check(AMF3_Decode(NULL, "\x0a\x01", 2, 1) == -1, "AMF3_Decode NULL object");
  check(AMFProp_Decode(NULL, "\x05", 1, 0) == -1, "AMFProp_Decode NULL property");
  check(AMF_DecodeArray(NULL, "\x05", 1, 1, 0) == -1, "AMF_DecodeArray NULL object");
  pp = AMF_GetProp(NULL, NULL, 0);
  check(pp && (int)pp->p_type == AMF_INVALID, "AMF_GetProp NULL object");
  obj.o_num = 1;
  obj.o_props = &prop;
  prop = mknum("x", 1);
  check((int)AMF_GetProp(&obj, NULL, -1)->p_type == AMF_INVALID, "AMF_GetProp NULL name");
  check(AMF_Encode(NULL, outbuf, outbuf + 10) == NULL, "AMF_Encode NULL object");
  check(AMF_EncodeNumber(NULL, outbuf, 1) == NULL, "EncodeNumber NULL output");
  check(AMF_EncodeString(outbuf, outbuf + 100, NULL) == NULL, "EncodeString NULL string");
  v.av_val = "x";
  v.av_len = -1;
  check(AMF_EncodeString(outbuf, outbuf + 100, &v) == NULL, "EncodeString negative length");
  check(AMF_EncodeNamedNumber(outbuf, outbuf + 100, &v, 1) == NULL, "EncodeNamedNumber negative name");
  check(AMF_EncodeNumber(outbuf + 10, outbuf, 1) == NULL, "EncodeNumber end before start");
  check(AMFProp_GetNumber(NULL) == 0 && AMFProp_GetBoolean(NULL) == 0 && AMFProp_IsValid(NULL) == 0,
        "getters on NULL");
  check((int)AMFProp_GetType(NULL) == AMF_INVALID, "GetType on NULL");
  check(AMF_CountProp(NULL) == 0, "CountProp on NULL");
  AMFProp_GetString(NULL, &v);
  AMFProp_GetName(NULL, &v);
  AMFProp_SetName(NULL, &v);
  AMFProp_GetObject(NULL, &obj);
  AMFProp_Reset(NULL);
  AMFProp_Dump(NULL);
  AMF_Dump(NULL);
  AMF_Reset(NULL);
  AMF_AddProp(NULL, &prop);
  AMF3CD_AddProp(NULL, &v);
  check(AMF3CD_GetProp(NULL, 0) != NULL && AMF3CD_GetProp(NULL, 0)->av_len == 0, "AMF3CD_GetProp NULL");
  {
    AMF3ClassDef cd;
    memset(&cd, 0, sizeof cd);
    check(AMF3CD_GetProp(&cd, -1)->av_val == NULL, "AMF3CD_GetProp negative index");
  }
  check(AMF3ReadInteger(NULL, &iv) == 0 && AMF3ReadString("\x01", NULL) == 0, "AMF3Read* NULL");
  check(RTMP_FindFirstMatchingProperty(NULL, &v, &prop) == 0 && RTMP_FindPrefixProperty(&obj, NULL, &prop) == 0,
        "Find* NULL");

  /* A shared array reset twice by one AMF_Reset: the original freed it twice. */
  {
    AMFObject top = { 0, NULL }, inner = { 0, NULL };
    AMF_AddProp(&inner, (prop = mknum("z", 1), &prop));
    prop = mkobj("a", AMF_OBJECT, inner);
    AMF_AddProp(&top, &prop);
    AMF_AddProp(&top, &prop);
    AMF_Reset(&top);
    check(top.o_props == NULL, "shared arrays freed once");
  }
  /* A cyclic tree: dumps, searches and encoders stop. */
  {
    AMFObjectProperty self[1];
    AMFObject cyc = { 1, self };
    self[0] = mkobj("me", AMF_OBJECT, cyc);
    log_quiet = 1;
    AMF_Dump(&cyc);
    log_quiet = 0;
    v.av_val = "zz";
    v.av_len = 2;
    check(RTMP_FindFirstMatchingProperty(&cyc, &v, &prop) == 0, "search of a cyclic tree ends");
    check(AMF_Encode(&cyc, outbuf, outbuf + sizeof outbuf) != NULL, "encoding a cyclic tree ends");
  }

  memset(&obj, 0, sizeof obj);
  check(AMF_Decode(&obj, "\x05\x07\x00\x01", 4, FALSE) == -1 && obj.o_num == 0 && obj.o_props == NULL,
        "a failed decode leaves the object empty (the original leaks what it had)");

  /* Deliberate differences. */
  check(AMF3ReadInteger("\x80\x80\x80\x80", &iv) == 4 && iv == 128, "AMF3 4th byte is unsigned");
  check(AMF3ReadInteger("\x80\x80\x80\xff", &iv) == 4 && iv == 255, "AMF3 4th byte is unsigned (255)");
  {
    static const char empty_dyn[] = "\x0a\x0b\x01\x01";
    static const char ext_dateref[] = "\x0a\x07\x03" "C\x08\x00";
    memset(&obj, 0, sizeof obj);
    i = AMF3_Decode(&obj, empty_dyn, 4, 1);
    snprintf(msg, sizeof msg, "empty dynamic AMF3 object: one unnamed null (got %d, %d)", i, obj.o_num);
    check(i == 4 && obj.o_num == 1 && (int)obj.o_props[0].p_type == AMF_NULL && obj.o_props[0].p_name.av_len == 0,
          msg);
    AMF_Reset(&obj);
    i = AMF3_Decode(&obj, ext_dateref, 6, 1);
    check(i == 6 && obj.o_num == 1 && (int)obj.o_props[0].p_type == AMF_NULL,
          "externalizable date reference: DEFAULT_ATTRIBUTE null");
    AMF_Reset(&obj);
  }
  snprintf(msg, sizeof msg, "%d deferred cases refused", n_deferred);
  check(1, msg);
}
#endif

int main(int argc, char **argv)
{
  setvbuf(stdout, NULL, _IOFBF, 1 << 16);
#ifdef AMF_DIFF_CLASSIFY
  (void)argc;
  (void)argv;
  (void)enc_string_cases, (void)enc_scalar_cases, (void)enc_object_cases, (void)enc_prop_cases;
  (void)api_cases, (void)fixed_reader_cases, (void)dump_cases, (void)load_unsafe, (void)fixed_checks;
  RTMP_LogSetLevel(RTMP_LOGERROR);
  RTMP_LogSetCallback(log_cb);
  log_quiet = 1;
  decoder_cases();
  return 0;
#else
  if (argc > 1)
    load_unsafe(argv[1]);
  RTMP_LogSetCallback(log_cb);
  RTMP_LogSetLevel(RTMP_LOGDEBUG);
  decoder_cases();
  enc_string_cases();
  enc_scalar_cases();
  enc_object_cases();
  enc_prop_cases();
  api_cases();
  fixed_reader_cases();
  fixed_checks();
  dump_cases();
#ifdef ONLY_SAFE_IMPL
  only_safe_cases();
#endif
  printf("%d passed, %d failed\n", n_pass, n_fail);
  return n_fail != 0;
#endif
}
