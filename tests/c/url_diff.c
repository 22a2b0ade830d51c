/* Differential test of librtmp's URL parsing and options: RTMP_ParseURL, RTMP_ParsePlaypath,
 * RTMP_SetupURL, RTMP_SetOpt and RTMP_SetupStream.
 *
 * url_diff.sh builds this twice, against Debian's librtmp and against librtmp-rs, and compares
 * what the two print. Everything printed is meant to be identical, except the IPv6 literal of
 * the vector file, which only librtmp-rs parses. The program also checks things that printing
 * cannot show (ownership: NUL-terminated malloc'd playpaths, strings borrowed from the caller's
 * buffer) and ends with a summary line "N passed, N failed".
 *
 * Usage: url_diff VECTORS.tsv [--ours]
 *   --ours  expect librtmp-rs's IPv6 extension and run the NULL-tolerance checks (the original
 *           crashes on those).
 *
 * Cases whose result is undefined in the original (an unreadable %XX or \XX escape leaves an
 * uninitialised byte; lengths that go negative) are deliberately absent.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <librtmp/log.h>
#include <librtmp/rtmp.h>

static int passed, failed, ours;

static void check(int ok, const char *fmt, ...)
{
	va_list ap;

	if (ok) {
		passed++;
		return;
	}
	failed++;
	printf("FAIL: ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

/* ---- printing ---- */

/* An AVal the way the vector file shows it. */
static void put_av(FILE *f, const char *label, AVal a)
{
	if (!a.av_val)
		fprintf(f, "%s=(null)", label);
	else
		fprintf(f, "%s=\"%.*s\"", label, a.av_len, a.av_val);
}

/* Counted bytes with anything unprintable escaped, or (null). */
static void put_esc(FILE *f, const char *p, int n)
{
	int i;

	if (!p) {
		fputs("(null)", f);
		return;
	}
	fputc('"', f);
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];
		if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\')
			fprintf(f, "\\x%02x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

/* A conn tree: name=value items, N number, B boolean (its stored number), S string, Z null,
 * objects in braces. */
static void put_tree(FILE *f, const AMFObject *o)
{
	int i;

	for (i = 0; i < o->o_num; i++) {
		const AMFObjectProperty *p = &o->o_props[i];
		if (i)
			fputc(',', f);
		if (p->p_name.av_val) {
			put_esc(f, p->p_name.av_val, p->p_name.av_len);
			fputc('=', f);
		}
		switch (p->p_type) {
		case AMF_NUMBER:
			fprintf(f, "N%.17g", p->p_vu.p_number);
			break;
		case AMF_BOOLEAN:
			fprintf(f, "B%.17g", p->p_vu.p_number);
			break;
		case AMF_STRING:
			fputc('S', f);
			put_esc(f, p->p_vu.p_aval.av_val, p->p_vu.p_aval.av_len);
			break;
		case AMF_OBJECT:
			fputc('{', f);
			put_tree(f, &p->p_vu.p_object);
			fputc('}', f);
			break;
		case AMF_NULL:
			fputc('Z', f);
			break;
		default:
			fprintf(f, "?%d", (int)p->p_type);
		}
	}
}

static void free_tree(AMFObject *o)
{
	int i;

	for (i = 0; i < o->o_num; i++)
		if (o->o_props[i].p_type == AMF_OBJECT)
			free_tree(&o->o_props[i].p_vu.p_object);
	free(o->o_props);
	o->o_props = NULL;
	o->o_num = 0;
}

/* Every string of a conn tree points into [lo, hi). */
static int tree_within(const AMFObject *o, const char *lo, const char *hi)
{
	int i;

	for (i = 0; i < o->o_num; i++) {
		const AMFObjectProperty *p = &o->o_props[i];
		if (p->p_name.av_val && (p->p_name.av_val < lo || p->p_name.av_val > hi))
			return 0;
		if (p->p_type == AMF_STRING && (p->p_vu.p_aval.av_val < lo || p->p_vu.p_aval.av_val > hi))
			return 0;
		if (p->p_type == AMF_OBJECT && !tree_within(&p->p_vu.p_object, lo, hi))
			return 0;
	}
	return 1;
}

/* The session fields of the vector file's "setup:" part, from "host=" on. */
static void put_state(FILE *f, const RTMP *r)
{
	const RTMP_LNK *l = &r->Link;

	put_av(f, "host", l->hostname);
	fprintf(f, " port=%d\t", l->port);
	put_av(f, "app", l->app);
	fputc('\t', f);
	put_av(f, "playpath", l->playpath);
	fputc('\t', f);
	put_av(f, "tcUrl", l->tcUrl);
	fputc('\t', f);
	put_av(f, "flashVer", l->flashVer);
	fputc('\t', f);
	put_av(f, "swfUrl", l->swfUrl);
	fputc('\t', f);
	put_av(f, "pageUrl", l->pageUrl);
	fputc('\t', f);
	put_av(f, "socks", l->sockshost);
	fprintf(f, ":%d lFlags=0x%x seek=%d stop=%d timeout=%d bufferMS=%d extras=%d\t", l->socksport,
		l->lFlags, l->seekTime, l->stopTime, l->timeout, r->m_nBufferMS, l->extras.o_num);
	put_av(f, "subscribe", l->subscribepath);
	fputc('\t', f);
	put_av(f, "usherToken", l->usherToken);
	fputc('\t', f);
	put_av(f, "token", l->token);
	fputc('\t', f);
	put_av(f, "pubUser", l->pubUser);
	fputc('\t', f);
	put_av(f, "pubPasswd", l->pubPasswd);
	fprintf(f, " swfAge=%d", l->swfAge);
}

/* Releases what the library allocated for a session (what RTMP_Close would). */
static void release(RTMP *r)
{
	free(r->Link.playpath0.av_val);
	r->Link.playpath0.av_val = NULL;
	if (r->Link.lFlags & RTMP_LF_FTCU)
		free(r->Link.tcUrl.av_val);
	free_tree(&r->Link.extras);
}

static int within(const char *p, const char *lo, size_t len)
{
	return !p || (p >= lo && p <= lo + len);
}

/* ---- RTMP_ParseURL and RTMP_SetupURL on one URL, as a vector-file line ---- */

static void put_parse(FILE *f, const char *url)
{
	int proto = -1;
	unsigned int port = 4242;
	AVal host = { NULL, 0 }, playpath = { (char *)"junk", 4 }, app = { (char *)"junk", 4 };
	int ret = RTMP_ParseURL(url, &proto, &host, &port, &playpath, &app);

	fprintf(f, "parse: ret=%d proto=%d\t", ret, proto);
	put_av(f, "host", host);
	fprintf(f, " port=%u\t", port);
	put_av(f, "app", app);
	fputc('\t', f);
	put_av(f, "playpath", playpath);

	check(within(host.av_val, url, strlen(url)) && within(app.av_val, url, strlen(url)),
	      "ParseURL(%s): host and app point into the URL", url);
	if (playpath.av_val) {
		check(playpath.av_val[playpath.av_len] == '\0', "ParseURL(%s): playpath NUL-terminated", url);
		check(playpath.av_val < url || playpath.av_val > url + strlen(url),
		      "ParseURL(%s): playpath is a copy", url);
	}
	free(playpath.av_val); /* as GStreamer does: must be malloc'd or NULL */
}

/* Runs RTMP_SetupURL on a copy of url; the copy is returned (the session points into it). */
static char *put_setup(FILE *f, const char *url, RTMP *r)
{
	char *buf = strdup(url);
	size_t len = strlen(buf);
	int ret;

	RTMP_Init(r);
	ret = RTMP_SetupURL(r, buf);
	fprintf(f, "setup: ret=%d proto=%d\t", ret, r->Link.protocol);
	put_state(f, r);

	check(within(r->Link.hostname.av_val, buf, len) && within(r->Link.app.av_val, buf, len) &&
		      within(r->Link.flashVer.av_val, buf, len) && within(r->Link.pageUrl.av_val, buf, len) &&
		      tree_within(&r->Link.extras, buf, buf + len),
	      "SetupURL(%s): strings borrowed from the caller's buffer", url);
	/* The original strdup's the SOCKS host (and leaks it); librtmp-rs keeps it in the buffer. */
	if (ours)
		check(within(r->Link.sockshost.av_val, buf, len), "SetupURL(%s): SOCKS host borrowed", url);
	if (!(r->Link.lFlags & RTMP_LF_FTCU))
		check(within(r->Link.tcUrl.av_val, buf, len), "SetupURL(%s): tcUrl borrowed", url);
	else
		check(r->Link.tcUrl.av_val[r->Link.tcUrl.av_len] == '\0', "SetupURL(%s): built tcUrl terminated", url);
	if (r->Link.playpath0.av_val)
		check(r->Link.playpath0.av_val[r->Link.playpath0.av_len] == '\0',
		      "SetupURL(%s): playpath0 NUL-terminated", url);
	return buf;
}

#ifdef _WIN32
/* Windows has no open_memstream: a temporary file, read back whole when it is closed. */
typedef struct { FILE *f; } memout;
static FILE *mem_open(memout *m) { return m->f = tmpfile(); }
static char *mem_close(memout *m)
{
	long n = ftell(m->f);
	char *text = malloc(n + 1);
	rewind(m->f);
	text[fread(text, 1, n, m->f)] = 0;
	fclose(m->f);
	return text;
}
#else
typedef struct { FILE *f; char *text; size_t size; } memout;
static FILE *mem_open(memout *m) { return m->f = open_memstream(&m->text, &m->size); }
static char *mem_close(memout *m) { fclose(m->f); return m->text; }
#endif

/* The whole line for url, in a malloc'd string; with_tree adds the conn tree after it. */
static char *url_line(const char *url, int with_tree)
{
	memout m;
	FILE *f = mem_open(&m);
	RTMP r;
	char *buf;

	fprintf(f, "%s\t", url);
	put_parse(f, url);
	fputc('\t', f);
	buf = put_setup(f, url, &r);
	if (with_tree && r.Link.extras.o_num) {
		fprintf(f, "\n\tedepth=%d tree: ", r.Link.edepth);
		put_tree(f, &r.Link.extras);
	}
	release(&r);
	free(buf);
	return mem_close(&m);
}

/* A timeout that an int cannot hold where long is 64 bits (where it is 32, as on Windows, just 5). */
#define LONG_EDGE ((long)(sizeof(long) > 4 ? 0x100000005LL : 5))

/* ---- section 1: the vector file ---- */

static char *replace_all(const char *s, const char *from, const char *to)
{
	size_t n = 0, lf = strlen(from), lt = strlen(to);
	const char *p;
	char *out, *o;

	for (p = s; (p = strstr(p, from)); p += lf)
		n++;
	out = o = malloc(strlen(s) + n * (lt > lf ? lt - lf : 0) + 1);
	while ((p = strstr(s, from))) {
		memcpy(o, s, p - s);
		o += p - s;
		memcpy(o, to, lt);
		o += lt;
		s = p + lf;
	}
	strcpy(o, s);
	return out;
}

static void vectors(const char *path)
{
	FILE *in = fopen(path, "r");
	char line[8192];
	int n = 0;

	if (!in) {
		perror(path);
		exit(2);
	}
	printf("== vectors\n");
	while (fgets(line, sizeof line, in)) {
		char *tab, *actual, *expected;

		line[strcspn(line, "\n")] = '\0';
		if (line[0] == '#' || !line[0])
			continue;
		tab = strchr(line, '\t');
		if (!tab)
			continue;
		*tab = '\0';
		actual = url_line(line, 0);
		*tab = '\t';
		expected = strdup(line);
		if (ours && !strncmp(line, "rtmp://[::1]:1935/", 18)) {
			/* librtmp-rs reads the bracketed literal: host ::1, port 1935 in both parts. */
			char *a = replace_all(expected, "host=\"[\" port=0", "host=\"::1\" port=1935");
			char *b = replace_all(a, "host=\"[\" port=1935", "host=\"::1\" port=1935");
			free(a);
			free(expected);
			expected = b;
		}
		check(!strcmp(actual, expected), "vector differs:\n  expected %s\n  actual   %s", expected, actual);
		puts(actual);
		free(actual);
		free(expected);
		n++;
	}
	fclose(in);
	check(n == 34, "34 vectors read (got %d)", n);
}

/* ---- section 2: more URLs, same line format ---- */

static const char *const extra_urls[] = {
	/* schemes and refusals */
	"rtmp://", "foo", "://h/a", "rtmpx://h/a/s", "RTMPTS://h/a/s", "rtmpe://h", "x/rtmp://h/a",
	"rtmp:///app/s", "rtmp://h?x/a/s",
	/* ports */
	"rtmp://h:/app/s", "rtmp://h:abc/app/s", "rtmp://h: +80/app/s", "rtmp://h:-1/app/s",
	"rtmp://h:65535/a/s", "rtmp://h:65536/a/s", "rtmp://h:4294969231/a/s", "rtmp://h:80x/a/s",
	"rtmp://h:1935", "rtmp://h/app:1/s", "rtmp://user@h/a/s",
	/* the app rule */
	"rtmp://h/app", "rtmp://h/app/", "rtmp://h/a/b/", "rtmp://h/a/b/c/", "rtmp://h//s",
	"rtmp://h/ondemand/", "rtmp://h/ondemand", "rtmp://h/OnDemand/a/b/c", "rtmp://h/ondemand/a/b/c/d.flv",
	/* slist */
	"rtmp://h?q/slist=abc", "rtmp://h/app/slist=x.mp4", "rtmp://h/app?slist=a.flv",
	"rtmp://h/app?slist=a.mp3&b", "rtmp://h/app?x=1&slist=", "rtmp://h/app/inst?slist=mp4:a/b.f4v&x=y",
	"rtmp://h/app?slist=ab%41cd.mp4&z",
	/* playpaths */
	"rtmp://h/app/mp4:file.mp4", "rtmp://h/app/mp3:f.mp3", "rtmp://h/app/mp3:file.mp4", "rtmp://h/a/.mp4",
	"rtmp://h/a/f.MP4", "rtmp://h/a/f.mp4?a=b.flv", "rtmp://h/x.mp4/a?bcd", "rtmp://h/a/a%2e.flv",
	"rtmp://h/a/x.f%6cv", "rtmp://h/a/%4.flv", "rtmp://h/a/b%\t41c", "rtmp://h/a/%-1x", "rtmp://h/a/%+fx",
	"rtmp://h/a/%0x41", "rtmp://h/a/%4", "rtmp://h/a/b/c/d.mp3?x", "rtmp://h/a/?x.mp4?",
	/* option strings */
	"rtmp://h/a/s ", "rtmp://h/a/s live", "rtmp://h/a/s live=1 junk", "rtmp://h/a/s foo bar=1",
	"rtmp://h/a/s =x", "rtmp://h/a/s live=1  buffer=5 ", "rtmp://h/a/s tcUrl=", "rtmp://h/a/s app=",
	"rtmp://h/a/s app= tcUrl=", "rtmp://h:1935/a/s app=x", "rtmpte://h/a/s app=x", "rtmfp://h/a/s app=x",
	"rtmp://h app=x", "rtmp://h/ app=x", "rtmp://h/a/s app=x app=y", "rtmp://h/a/s playpath=mp4:x.mp4",
	"rtmp://h/a/s socks=proxy", "rtmp://h/a/s socks=p:70000", "rtmp://h/a/s socks=",
	"rtmp://h/a/s socks=host\\3a1080", "rtmp://h/a/s buffer=1\\32", "rtmp://h/a/s live=o\\6e",
	"rtmp://h/a/s live=\\31", "rtmp://h/a/s LIVE=On PLAYLIST=yes", "rtmp://h/a/s flashver=a\\20b\\2",
	"rtmp://h/a/s x=\\", "rtmp://h/a/s pageUrl=\\4g", "rtmp://h/a/s pageUrl=\\0x41",
	"rtmp://h/a/s pageUrl=\\5c\\20", "rtmp://h/a/s swfVfy=1", "rtmp://h/a/s swfUrl=http://x/y.swf swfvfy=0",
	"rtmp://h/a/s start=-1 stop=0x7fffffff timeout=99999999999 swfAge=010",
	"rtmp://h/a/s live=1 bogus=1 buffer=5", "rtmp://h/a/s conn=N:1\\32", "rtmp://h/a/s conn=B:\\31",
	"rtmp://h/a/s conn=O:0 conn=NS:k:v", "rtmp://h/a/s conn=NS:k:v",
	"rtmp://h/a/s conn=O:1 conn=NS:a\\3a:b conn=O:0", "rtmp://h/a/s conn=S:a\\20b conn=Z:",
	"rtmp://h/a/s conn=O:1 conn=NO:o:1 conn=NN:n:0x10 conn=O:0 conn=O:0 conn=B:1",
};

static void extras(void)
{
	char host255[300], host256[300];
	size_t i;

	printf("== more URLs\n");
	for (i = 0; i < sizeof extra_urls / sizeof *extra_urls; i++) {
		char *line = url_line(extra_urls[i], 1);
		puts(line);
		free(line);
	}
	/* A host of 255 characters is taken, 256 is not (the previous host stays). */
	memset(host255, 'a', 255);
	strcpy(host255 + 255, "/app/s");
	memset(host256, 'b', 256);
	strcpy(host256 + 256, ":99/app/s");
	{
		char u255[320], u256[320], *line;
		snprintf(u255, sizeof u255, "rtmp://%s", host255);
		snprintf(u256, sizeof u256, "rtmp://%s", host256);
		line = url_line(u255, 1);
		puts(line);
		free(line);
		line = url_line(u256, 1);
		puts(line);
		free(line);
	}
}

/* ---- IPv6: checked, not printed (only this line of the output may differ) ---- */

static void ipv6(void)
{
	struct {
		const char *url, *theirs, *mine;
	} cases[] = {
		{ "rtmp://[2001:db8::7]/live/x", "[2001", "2001:db8::7" },
		{ "rtmp://[::1]/app/s", "[", "::1" },
		{ "rtmp://[fe80::1%eth0]:80", "[fe80", "fe80::1%eth0" },
		{ "rtmp://[abc]/a/s", "[abc]", "[abc]" },
		{ "rtmp://[::1]x/a/s", "[", "[" },
	};
	size_t i;
	RTMP r;
	char *buf;

	for (i = 0; i < sizeof cases / sizeof *cases; i++) {
		int proto;
		unsigned int port;
		AVal host = { NULL, 0 }, pp, app;
		const char *want = ours ? cases[i].mine : cases[i].theirs;
		RTMP_ParseURL(cases[i].url, &proto, &host, &port, &pp, &app);
		check(host.av_val && host.av_len == (int)strlen(want) && !memcmp(host.av_val, want, host.av_len),
		      "IPv6 %s: host %.*s, want %s", cases[i].url, host.av_len, host.av_val, want);
		free(pp.av_val);
	}

	/* A tcUrl built from app= puts the brackets back. */
	buf = strdup("rtmps://[::1]/app/s app=x");
	RTMP_Init(&r);
	RTMP_SetupURL(&r, buf);
	check(r.Link.tcUrl.av_val && !strcmp(r.Link.tcUrl.av_val, ours ? "rtmps://[::1]:0/x" : "rtmps://[:0/x"),
	      "IPv6 tcUrl %.*s", r.Link.tcUrl.av_len, r.Link.tcUrl.av_val);
	check(r.Link.port == 443, "IPv6 default port %d", r.Link.port);
	release(&r);
	free(buf);
}

/* ---- section 3: RTMP_SetOpt ---- */

/* Option strings must outlive the sessions that point at them; each copy is padded with NULs so
 * that the original's reads just past a short value find NUL, as from a C string. */
static char *keep(const char *s)
{
	size_t n = strlen(s);
	char *p = calloc(1, n + 8);
	memcpy(p, s, n);
	return p;
}

static int set_opt(RTMP *r, const char *name, const char *value, char **value_copy)
{
	char *n = keep(name), *v = keep(value);
	AVal opt = { n, (int)strlen(name) }, arg = { v, (int)strlen(value) };
	int ret = RTMP_SetOpt(r, &opt, &arg);
	free(n);
	*value_copy = v;
	return ret;
}

static void setopt_case(const char *name, const char *value)
{
	RTMP r;
	char *v;
	int ret;

	RTMP_Init(&r);
	ret = set_opt(&r, name, value, &v);
	printf("setopt ");
	put_esc(stdout, name, strlen(name));
	putchar('=');
	put_esc(stdout, value, strlen(value));
	printf(": ret=%d edepth=%d\t", ret, r.Link.edepth);
	put_state(stdout, &r);
	if (r.Link.extras.o_num) {
		printf("\ttree: ");
		put_tree(stdout, &r.Link.extras);
	}
	putchar('\n');
	check(within(r.Link.app.av_val, v, strlen(value)) && within(r.Link.tcUrl.av_val, v, strlen(value)) &&
		      within(r.Link.sockshost.av_val, v, strlen(value)) &&
		      tree_within(&r.Link.extras, v, v + strlen(value)),
	      "SetOpt(%s=%s): value borrowed", name, value);
	free_tree(&r.Link.extras);
	free(v);
}

static void lower(char *s)
{
	for (; *s; s++)
		if (*s >= 'A' && *s <= 'Z')
			*s += 'a' - 'A';
}

static void upper(char *s)
{
	for (; *s; s++)
		if (*s >= 'a' && *s <= 'z')
			*s -= 'a' - 'A';
}

static void setopt(void)
{
	static const struct {
		const char *name, *value;
	} table[] = {
		{ "socks", "p:1" },       { "app", "val" },      { "tcUrl", "val" },     { "pageUrl", "val" },
		{ "swfUrl", "val" },      { "flashver", "val" }, { "conn", "S:x" },      { "playpath", "val" },
		{ "playlist", "TRUE" },   { "live", "TRUE" },    { "subscribe", "val" }, { "jtv", "val" },
		{ "token", "val" },       { "swfVfy", "TRUE" },  { "swfAge", "0x1f" },   { "start", "0x1f" },
		{ "stop", "0x1f" },       { "buffer", "0x1f" },  { "timeout", "0x1f" },  { "pubUser", "val" },
		{ "pubPasswd", "val" },
	};
	static const char *const ints[] = { "0x10", "0X1F", "010", "09", "-5", "+7", "12abc", "", "  7", "\t8",
					    "abc", "0x", "99999999999", "-99999999999", "2147483648", "4294967297" };
	static const char *const bools[] = { "1", "on", "ON", "yes", "Yes", "true", "tRuE", "0", "off", "no",
					     "false", "", "y", "2", "yes ", " 1", "truee", "o", "11" };
	static const char *const unknown[] = { "bogus", "liv", "lives", "swfhash", "swfsize", "auth", "protocol",
					       "host", "port", "usherToken", "realtime", "", " live", "live " };
	static const char *const numbers[] = { "N:42", "N:0x10", "N:1e3", "N:-0.5", "N:.5", "N:5.", "N:1e",
					       "N:inf", "N:-INFINITY", "N:nan", "N:-nan", "N:0x1.8p1", "N:1e400",
					       "N:1e-400", "N:0x1p-1074", "N:  12", "N:+3", "N:abc", "N:0.1",
					       "N:123456789012345678901234567890", "N:4.9406564584124654e-324",
					       "N:0x1fffffffffffffp1", "N:", "N:1,5" };
	static const char *const single[] = { "B:1", "B:0", "B:7x", "B:", "B:-1", "B: 5", "O:1", "O:0", "O:",
					      "O:x", "O:-3", "Z:", "Z:junk", "S:", "S:a b", "S:a:b", "S:\t",
					      "", "B", "S", "X:1", "b:1", "s:x", "1:1", ":x", "BB:x", "NS:k:v",
					      "NB:k:1", "NZ:k:", "NO:k:1", "Q" };
	static const char *const in_object[] = { "NB:b:1", "NB:b:0", "NB:b:x", "NS:k:v", "NS:k:", "NS:k:v:w",
						 "NS::x", "NN:n:42", "NN:n:0x10", "NN:n:", "NO:o:1", "NO:o:0",
						 "NO:o:", "NZ:z:", "NS:noval", "Nx:k:v", "N:1", "Z:", "O:1", "O:0" };
	static const char *const seq1[] = { "B:1", "S:str", "O:1", "NN:num:42", "NO:inner:1", "NS:k:v", "O:0",
					    "NB:flag:0", "O:0", "Z:", "O:0", "NS:top:v", "O:1", "O:1", "S:deep" };
	size_t i, j;

	printf("== RTMP_SetOpt\n");
	for (i = 0; i < sizeof table / sizeof *table; i++) {
		char n[32];
		setopt_case(table[i].name, table[i].value);
		strcpy(n, table[i].name);
		lower(n);
		setopt_case(n, table[i].value);
		upper(n);
		setopt_case(n, table[i].value);
	}
	for (i = 0; i < sizeof ints / sizeof *ints; i++) {
		setopt_case("buffer", ints[i]);
		setopt_case("timeout", ints[i]);
	}
	for (i = 0; i < sizeof bools / sizeof *bools; i++)
		setopt_case("live", bools[i]);
	for (i = 0; i < sizeof unknown / sizeof *unknown; i++)
		setopt_case(unknown[i], "1");
	for (i = 0; i < sizeof numbers / sizeof *numbers; i++)
		setopt_case("conn", numbers[i]);
	for (i = 0; i < sizeof single / sizeof *single; i++)
		setopt_case("conn", single[i]);

	/* Items inside an open object, and a long sequence printed as a tree. */
	for (i = 0; i < sizeof in_object / sizeof *in_object; i++) {
		RTMP r;
		char *v1, *v2;
		int ret;

		RTMP_Init(&r);
		set_opt(&r, "conn", "O:1", &v1);
		ret = set_opt(&r, "conn", in_object[i], &v2);
		printf("conn in object ");
		put_esc(stdout, in_object[i], strlen(in_object[i]));
		printf(": ret=%d edepth=%d tree: ", ret, r.Link.edepth);
		put_tree(stdout, &r.Link.extras);
		putchar('\n');
		free_tree(&r.Link.extras);
		free(v1);
		free(v2);
	}
	{
		RTMP r;
		char *keepers[64];
		int nk = 0;

		RTMP_Init(&r);
		printf("conn sequence:");
		for (i = 0; i < sizeof seq1 / sizeof *seq1; i++) {
			int ret = set_opt(&r, "conn", seq1[i], &keepers[nk++]);
			printf(" %s->%d/%d", seq1[i], ret, r.Link.edepth);
		}
		/* More than one block of 16 properties. */
		for (j = 0; j < 20; j++)
			set_opt(&r, "CONN", "N:1", &keepers[nk++]);
		printf("\n\tcount=%d tree: ", r.Link.extras.o_num);
		put_tree(stdout, &r.Link.extras);
		putchar('\n');
		free_tree(&r.Link.extras);
		while (nk)
			free(keepers[--nk]);
	}
	{
		/* Options applied one after the other to the same session. */
		RTMP r;
		char *v[8];
		RTMP_Init(&r);
		set_opt(&r, "live", "1", &v[0]);
		set_opt(&r, "live", "0", &v[1]);
		set_opt(&r, "app", "first", &v[2]);
		set_opt(&r, "APP", "second", &v[3]);
		set_opt(&r, "playlist", "on", &v[4]);
		set_opt(&r, "buffer", "100", &v[5]);
		printf("setopt series: ");
		put_state(stdout, &r);
		putchar('\n');
		for (i = 0; i < 6; i++)
			free(v[i]);
	}
}

/* ---- section 4: RTMP_ParsePlaypath ---- */

static void playpaths(void)
{
	static const char *const inputs[] = {
		"file.mp4", "file.MP4", "file.mp3", "file.flv", "file.f4v", "mp4:file.mp4", "mp3:file.mp3",
		"mp4:file.f4v", "mp3:file.mp4", "mp4:file.flv", ".mp4", ".flv", "a.mp", "abc", "", "f.mp4?a=b.flv",
		"dir/f.flv?x", "?slist=abcdef&x.mp4?y", "?slist=video.mp4&x=1", "?slist=video.flv", "?slist=",
		"?noslist", "a%41%42c", "%2fx", "a% 41b", "%-1x", "%+fx", "%0x41", "%4", "a%2e.flv", "x.f%6cv",
		"%4.flv", "?x.mp4?", "a?bcd", "f.mp4?", "?", "x?slist=a.mp4", "?a&slist=b.mp3&c", "%25%20%7e",
	};
	size_t i;

	printf("== RTMP_ParsePlaypath\n");
	for (i = 0; i < sizeof inputs / sizeof *inputs; i++) {
		/* Bytes before the input are read when its extension is looked for before a leading '?'. */
		char buf[128] = "////////";
		AVal in, out = { (char *)"junk", 4 };
		strcpy(buf + 8, inputs[i]);
		in.av_val = buf + 8;
		in.av_len = (int)strlen(inputs[i]);
		RTMP_ParsePlaypath(&in, &out);
		printf("playpath ");
		put_esc(stdout, inputs[i], strlen(inputs[i]));
		printf(" -> %d ", out.av_len);
		put_esc(stdout, out.av_val, out.av_len);
		putchar('\n');
		check(out.av_val && out.av_val[out.av_len] == '\0', "ParsePlaypath(%s): NUL-terminated", inputs[i]);
		free(out.av_val);

		/* The same AVal as input and output. */
		in.av_val = buf + 8;
		in.av_len = (int)strlen(inputs[i]);
		RTMP_ParsePlaypath(&in, &in);
		check(in.av_val && in.av_val != buf + 8, "ParsePlaypath(%s) in place", inputs[i]);
		free(in.av_val);
	}
}

/* ---- section 5: RTMP_SetupStream ---- */

#define AV(s) { (char *)(s), (int)sizeof(s) - 1 }

static void put_stream(const char *label, RTMP *r)
{
	int i;

	printf("stream %s: ", label);
	put_state(stdout, r);
	printf("\t");
	put_av(stdout, "auth", r->Link.auth);
#ifdef CRYPTO
	printf(" SWFSize=%u hash=", r->Link.SWFSize);
	for (i = 0; i < 32; i++)
		printf("%02x", r->Link.SWFHash[i]);
#else
	(void)i;
#endif
	putchar('\n');
}

static void setupstream(void)
{
	unsigned char hash_bytes[32];
	int i;

	for (i = 0; i < 32; i++)
		hash_bytes[i] = (unsigned char)(i * 7 + 1);
	printf("== RTMP_SetupStream\n");
	{
		RTMP r;
		AVal host = AV("h"), socks = AV("sp:99"), pp = AV("p"), tc = AV("t"), swf = AV("s"), page = AV("pg");
		AVal app = AV("a"), auth = AV("au"), fv = AV("F"), sub = AV("sub"), ut = AV("ut");
		AVal hash = { (char *)hash_bytes, 32 };
		RTMP_Init(&r);
		RTMP_SetupStream(&r, RTMP_PROTOCOL_RTMPS, &host, 0, &socks, &pp, &tc, &swf, &page, &app, &auth,
				 &hash, 1234, &fv, &sub, &ut, 10, 20, 1, 99);
		put_stream("full", &r);
		check(r.Link.hostname.av_val == host.av_val && r.Link.playpath.av_val == pp.av_val &&
			      r.Link.sockshost.av_val != NULL,
		      "SetupStream keeps the caller's strings");
	}
	{
		RTMP r;
		AVal host = AV(""), socks = { NULL, 0 }, pp = { NULL, 0 };
		RTMP_Init(&r);
		RTMP_SetupStream(&r, RTMP_PROTOCOL_RTMPT, &host, 0, &socks, &pp, NULL, NULL, NULL, NULL, NULL, NULL, 0,
				 NULL, NULL, NULL, 0, 0, 0, 30);
		put_stream("minimal", &r);
		check(r.Link.flashVer.av_val == RTMP_DefaultFlashVer.av_val, "default flashVer is RTMP_DefaultFlashVer");
	}
	{
		RTMP r;
		AVal host = AV("h"), socks = AV("proxy"), pp = AV("p"), empty = AV(""), hash = { (char *)hash_bytes, 32 };
		RTMP_Init(&r);
		RTMP_SetupStream(&r, RTMP_PROTOCOL_RTMFP, &host, 70000, &socks, &pp, &empty, &empty, &empty, &empty,
				 &empty, &hash, 0, &empty, &empty, &empty, -1, -2, 5, LONG_EDGE);
		put_stream("edges", &r);
	}
	{
		/* After RTMP_SetupURL: SetupStream overrides only what it is given. */
		RTMP r;
		char *buf = strdup("rtmpe://example.com:99/app/inst/x.mp4 live=1 tcUrl=T pageUrl=P socks=s:5");
		AVal host = AV("other"), socks = { NULL, 0 }, pp = AV("pp"), app = AV("");
		RTMP_Init(&r);
		RTMP_SetupURL(&r, buf);
		free(r.Link.playpath0.av_val);
		RTMP_SetupStream(&r, RTMP_PROTOCOL_RTMPTE, &host, 0, &socks, &pp, NULL, NULL, NULL, &app, NULL, NULL, 0,
				 NULL, NULL, NULL, 0, 0, 0, 30);
		put_stream("after url", &r);
		free(buf);
	}
}

/* ---- librtmp-rs only: NULL is tolerated (the original crashes) ---- */

static void null_tolerance(void)
{
	RTMP r;
	int proto = 9;
	unsigned int port = 9;
	AVal host = { NULL, 0 }, pp = { (char *)"x", 1 }, app = { (char *)"x", 1 }, av = AV("x");
	char url[] = "rtmp://h/a/s";

	RTMP_Init(&r);
	check(!RTMP_ParseURL(NULL, &proto, &host, &port, &pp, &app), "ParseURL(NULL) fails");
	check(pp.av_val == NULL && app.av_val == NULL, "ParseURL(NULL) clears playpath and app");
	check(!RTMP_ParseURL(url, NULL, &host, &port, &pp, &app), "ParseURL(NULL protocol) fails");
	check(!RTMP_SetupURL(NULL, url), "SetupURL(NULL, url) fails");
	check(!RTMP_SetupURL(&r, NULL), "SetupURL(r, NULL) fails");
	check(!RTMP_SetOpt(NULL, &av, &av), "SetOpt(NULL) fails");
	check(!RTMP_SetOpt(&r, NULL, &av), "SetOpt(opt NULL) fails");
	check(!RTMP_SetOpt(&r, &av, NULL), "SetOpt(arg NULL) fails");
	RTMP_ParsePlaypath(NULL, &pp);
	check(pp.av_val == NULL, "ParsePlaypath(NULL) gives NULL");
	RTMP_ParsePlaypath(&av, NULL);
	RTMP_SetupStream(NULL, 0, NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, 0, 0, 0,
			 0);
	RTMP_SetupStream(&r, 0, NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 7, NULL, NULL, NULL, 0, 0, 0,
			 0);
	check(r.Link.hostname.av_val == NULL && r.Link.port == 1935, "SetupStream with NULLs");
	check(1, "survived");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: %s VECTORS.tsv [--ours]\n", argv[0]);
		return 2;
	}
	ours = argc > 2 && !strcmp(argv[2], "--ours");
	/* Errors (unknown options and the option list) go to stderr; keep stdout for results. */
	RTMP_LogSetOutput(stderr);

	vectors(argv[1]);
	extras();
	ipv6();
	setopt();
	playpaths();
	setupstream();
	if (ours)
		null_tolerance();
	printf("%d passed, %d failed\n", passed, failed);
	return failed != 0;
}
