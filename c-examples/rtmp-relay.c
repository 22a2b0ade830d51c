/* rtmp-relay: a small live RTMP server on librtmp's public API, for testing players and
 * publishers without an external server. Publishers send to rtmp://HOST:PORT/APP/NAME; any number
 * of players of the same APP/NAME receive what they send, from the last keyframe on (with the
 * stream's metadata and codec headers first), as servers with a GOP cache do; a player that comes
 * before the publisher gets everything from the start.
 *
 *   rtmp-relay [-v] [-b ADDR] [-p PORT] [--tls-port PORT --cert FILE --key FILE] [--vod DIR]
 *              [--auth adobe|llnw:USER:PASSWORD:APP] [--timeout S] [--drain-to TCURL [--grace MS]]
 *
 * The plain port speaks rtmp, rtmpe and rtmpt (RTMP_Serve answers the handshake the client asks
 * for, and becomes the HTTP tunnel's server end for a client that POSTs);
 * the TLS port speaks rtmps. With --vod DIR, players of the app "vod" get the FLV files of DIR
 * (rtmp://HOST:PORT/vod/FILE.flv), sent whole and in order, then Stream EOF and Play.Stop.
 * With --auth, publishers to APP must pass publisher authentication the way FMS and Limelight
 * ask for it (authmod=adobe: salt and challenge, MD5 and base64; authmod=llnw: HTTP digest). A
 * connect that announces no player codecs (audioCodecs), as librtmp's and FFmpeg's publishers
 * do, is a publisher's; players connect freely, and a publish from a connection that did not
 * authenticate is refused.
 * It listens on 127.0.0.1 unless -b says otherwise; port 0 picks a free
 * port. One line per listening port, "rtmp-relay: listening on rtmp://ADDR:PORT", goes to standard
 * error once it accepts connections. SIGINT or SIGTERM stops it.
 *
 * Enhanced RTMP (E-RTMP v2): HEVC, AV1, VP9, Opus, FLAC, AC-3 and multitrack streams are relayed as
 * they come. A player joining mid-stream gets the metadata and the latest sequence header of every
 * codec and track, then the stream from its video tracks' last keyframes, each video track from
 * its own. A player gets only what it
 * can take: enhanced tracks whose FourCC its connect names (fourCcList, or videoFourCcInfoMap /
 * audioFourCcInfoMap with CanDecode or CanForward; "*" for any), multitrack messages only with
 * Multitrack in its capsEx, and legacy H.264/AAC (and older) tags always, so a player that
 * announced nothing gets what it got before E-RTMP. A client that announced any of these fields
 * gets the relay's own in the connect answer (capsEx Reconnect|Multitrack|ModEx; it forwards any
 * codec). With --drain-to TCURL, SIGUSR1 asks every client that announced Reconnect to move there
 * (an onStatus NetConnection.Connect.ReconnectRequest; "" sends none: the same server again); the
 * relay serves on until they leave, and the players of a publisher it asked to move wait
 * --grace MS (default 3000) for it to come back before they are told it stopped.
 *
 * One thread per connection. A player's thread sends what the publisher's thread leaves in the
 * stream's ring; each sender copies a message into its own packet, as RTMP_SendPacket may write
 * chunk headers into the buffer it is given. A player that falls a whole ring behind is dropped. */
#define _GNU_SOURCE /* accept4 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <librtmp/rtmp.h>
#include <librtmp/log.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#define RING 4096          /* messages a player may fall behind before it is dropped */
#define STREAM_ID 1        /* the one NetStream each connection gets */
#define OUT_CHUNK 4096
#define HDRS 32            /* sequence headers kept per stream (codecs × tracks) */
#define TRACKS 16          /* tracks one enhanced message may carry */
#define FOURCCS 32         /* FourCCs a player may announce */

enum { CS_CONTROL = 2, CS_COMMAND = 3, CS_AUDIO = 4, CS_DATA = 5, CS_VIDEO = 6 };

typedef struct {
  uint8_t type;
  uint32_t ts;
  uint32_t len;
  char *data;
} msg;

typedef struct stream {
  struct stream *next;
  char name[512];       /* APP/NAME */
  int users;            /* the publisher and the players holding this entry */
  int publishing;       /* a publisher is attached */
  unsigned gen;         /* publications so far; a player notices a new one by it */
  uint64_t gen_start;   /* ring position where the current publication began */
  uint64_t head;        /* messages appended so far */
  msg ring[RING];
  /* What a player joining mid-stream needs first: the metadata and the latest sequence header of
   * each codec and track (hkey: whose, see tag_key), in the order they first came. */
  msg meta, hdr[HDRS];
  char hkey[HDRS][2 + 5 * TRACKS];
  int hkeylen[HDRS], nhdr;
  uint64_t grace_until;  /* ms: a publisher asked to move may come back until then */
  /* The last keyframe of each video track (track_of) in this publication: where a late joiner
   * starts (the earliest of them, while the ring still holds it). */
  uint64_t key_track[TRACKS], key_pos[TRACKS];
  int nkeys;
  pthread_cond_t cond;
} stream;

static uint32_t be32(const uint8_t *p)
{
  return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* What the client's connect said of Enhanced RTMP. */
typedef struct {
  int announced;         /* any of the fields */
  int caps_ex;           /* capsEx bits: 1 Reconnect, 2 Multitrack, 4 ModEx, 8 TimestampNanoOffset */
  int any_video, any_audio;           /* "*" */
  uint32_t fourcc[FOURCCS];           /* FourCCs it takes (fourCcList, or a map's CanDecode/CanForward) */
  uint8_t video[FOURCCS];             /* 1 when from the video map, 2 the audio map, 3 the list */
  int n;
} ecaps;

typedef struct client {
  struct client *next_client;
  RTMP *r;
  int fd;
  void *tls;
  char app[256];
  stream *st;
  int publisher;
  unsigned play_gen;    /* the stream's publication when play was answered (see play_loop) */
  int play_midstream;   /* a publisher was already there then */
  RTMPPacket out;       /* this connection's own copy of what it sends */
  char vod[1024];       /* the file a vod player asked for */
  int refused;          /* its connect was refused: nothing more is served */
  int authed;           /* it passed publisher authentication */
  ecaps caps;           /* what it announced of Enhanced RTMP */
  int answered;         /* its connect was answered */
  unsigned drained;     /* the drain (g_drain) it last saw */
  int asked_to_move;    /* it was sent a ReconnectRequest */
} client;

static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t g_gone = PTHREAD_COND_INITIALIZER; /* a connection ended */
static stream *g_streams;
static client *g_clients;                                   /* the connections being served */
static volatile sig_atomic_t g_stop;
static int g_timeout = 30;
static int g_verbose;
static char *g_rtmpe_type;                                    /* --rtmpe-type: 6, 8 or 9 */
static const char *g_vod_dir;
static volatile sig_atomic_t g_drain;                         /* SIGUSR1s so far */
static const char *g_drain_to;                                /* --drain-to: the tcUrl ("" none) */
static int g_grace_ms = 3000;

/* --auth: the method (1 adobe, 2 llnw), the one user, and the app it protects. */
static int g_auth;
static char g_auth_user[128], g_auth_pass[128], g_auth_app[128], g_salt[17];
/* Challenges (adobe) or nonces (llnw) handed out and not yet answered; each is good once. */
#define ISSUED 64
static char g_issued[ISSUED][17];
static unsigned g_next_issued;

static void say(const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  fputs("rtmp-relay: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
}

#define SAVC(x) static const AVal av_##x = AVC(#x)
SAVC(app); SAVC(connect); SAVC(createStream); SAVC(publish); SAVC(play); SAVC(deleteStream);
SAVC(closeStream); SAVC(FCUnpublish); SAVC(releaseStream); SAVC(FCPublish); SAVC(getStreamLength);
SAVC(_result); SAVC(onStatus); SAVC(level); SAVC(code); SAVC(description); SAVC(status);
SAVC(fmsVer); SAVC(capabilities); SAVC(mode); SAVC(objectEncoding);
SAVC(details); SAVC(clientid);
static const AVal av_setDataFrame = AVC("@setDataFrame");
static const AVal av_fms = AVC("FMS/3,5,7,7009");

/* ---- sending ---- */

/* This connection's outgoing packet with room for `len` bytes (m_nBytesRead holds its capacity
 * between sends); NULL when memory ran out. */
static char *out_buf(client *c, uint32_t len)
{
  RTMPPacket *p = &c->out;
  if (p->m_body == NULL || (uint32_t)p->m_nBytesRead < len) {
    uint32_t cap = len < 4096 ? 4096 : len;
    RTMPPacket_Free(p);
    if (!RTMPPacket_Alloc(p, cap)) return NULL;
    p->m_nBytesRead = cap;
  }
  return p->m_body;
}

/* Sends the `len` bytes out_buf() holds as one message. */
static int send_out(client *c, int csid, uint8_t type, uint32_t ts, uint32_t stream_id, uint32_t len)
{
  RTMPPacket *p = &c->out;
  uint32_t cap = p->m_nBytesRead;
  p->m_headerType = RTMP_PACKET_SIZE_LARGE;
  p->m_packetType = type;
  p->m_nChannel = csid;
  p->m_nTimeStamp = ts;
  p->m_hasAbsTimestamp = 0;
  p->m_nInfoField2 = (int32_t)stream_id;
  p->m_nBodySize = len;
  int ok = RTMP_SendPacket(c->r, p, FALSE);
  p->m_nBytesRead = cap;
  return ok;
}

static int send_msg(client *c, int csid, uint8_t type, uint32_t ts, uint32_t stream_id, const char *body, uint32_t len)
{
  char *b = out_buf(c, len);
  if (!b) return 0;
  memcpy(b, body, len);
  return send_out(c, csid, type, ts, stream_id, len);
}

static int send_u32(client *c, uint8_t type, uint32_t v, int extra)
{
  char b[5];
  AMF_EncodeInt32(b, b + 4, v);
  b[4] = (char)extra;
  return send_msg(c, CS_CONTROL, type, 0, 0, b, extra >= 0 ? 5 : 4);
}

/* onStatus on the NetStream: level "status" or "error", a code and a description. */
static int send_status(client *c, const char *level, const char *code, const char *desc)
{
  char buf[1024], *e = buf + sizeof(buf), *p = buf;
  AVal lv = { (char *)level, (int)strlen(level) }, cd = { (char *)code, (int)strlen(code) };
  AVal ds = { (char *)desc, (int)strlen(desc) };
  p = AMF_EncodeString(p, e, &av_onStatus);
  p = AMF_EncodeNumber(p, e, 0);
  *p++ = AMF_NULL;
  *p++ = AMF_OBJECT;
  p = AMF_EncodeNamedString(p, e, &av_level, &lv);
  p = AMF_EncodeNamedString(p, e, &av_code, &cd);
  p = AMF_EncodeNamedString(p, e, &av_description, &ds);
  p = AMF_EncodeNamedString(p, e, &av_details, &ds);
  p = AMF_EncodeNamedString(p, e, &av_clientid, &av_fms);
  if (!p || e - p < 3) return 0;
  *p++ = 0; *p++ = 0; *p++ = AMF_OBJECT_END;
  return send_msg(c, CS_DATA, RTMP_PACKET_TYPE_INVOKE, 0, STREAM_ID, buf, (uint32_t)(p - buf));
}

/* Asks the client to move (E-RTMP ReconnectRequest) when a drain is on and it has not been asked
 * yet: FALSE only when sending failed. Only a client that announced Reconnect is asked. */
static int drain_check(client *c)
{
  static const AVal code = AVC("NetConnection.Connect.ReconnectRequest"), desc = AVC("The relay is being drained"),
                    tc = AVC("tcUrl");
  unsigned d = (unsigned)g_drain;
  if (d == c->drained || !c->answered) return 1;
  c->drained = d;
  if (!(c->caps.caps_ex & 1)) {
    if (g_verbose) say("%s: a client without Reconnect in capsEx cannot be asked to move", c->app);
    return 1;
  }
  char buf[2048], *e = buf + sizeof(buf), *p = buf;
  AVal to = { (char *)g_drain_to, (int)strlen(g_drain_to) };
  p = AMF_EncodeString(p, e, &av_onStatus);
  p = AMF_EncodeNumber(p, e, 0);
  if (!p) return 1;
  *p++ = AMF_NULL;
  *p++ = AMF_OBJECT;
  p = AMF_EncodeNamedString(p, e, &av_level, &av_status);
  p = AMF_EncodeNamedString(p, e, &av_code, &code);
  p = AMF_EncodeNamedString(p, e, &av_description, &desc);
  if (to.av_len) p = AMF_EncodeNamedString(p, e, &tc, &to);
  if (!p || e - p < 3) return 1;
  *p++ = 0; *p++ = 0; *p++ = AMF_OBJECT_END;
  say("%s: asking a %s to reconnect %s%s", c->app, c->publisher ? "publisher" : "client", to.av_len ? "to " : "here",
      to.av_len ? g_drain_to : "");
  c->asked_to_move = 1;
  return send_msg(c, CS_COMMAND, RTMP_PACKET_TYPE_INVOKE, 0, 0, buf, (uint32_t)(p - buf));
}

/* _result (or _error) for transaction `txn`: null, then a number (`num` >= 0) or nothing. */
static int send_result(client *c, double txn, double num)
{
  char buf[128], *e = buf + sizeof(buf), *p = buf;
  p = AMF_EncodeString(p, e, &av__result);
  p = AMF_EncodeNumber(p, e, txn);
  *p++ = AMF_NULL;
  if (num >= 0) p = AMF_EncodeNumber(p, e, num);
  return p && send_msg(c, CS_COMMAND, RTMP_PACKET_TYPE_INVOKE, 0, 0, buf, (uint32_t)(p - buf));
}

/* A property name (the start of a named value of an object). */
static char *enc_name(char *p, char *e, const char *name)
{
  size_t n = strlen(name);
  if (!p || e - p < (long)n + 3) return NULL;
  p = AMF_EncodeInt16(p, e, (short)n);
  memcpy(p, name, n);
  return p + n;
}

/* name: {"*": flags}, an E-RTMP FourCC info map that says the same of every codec. */
static char *enc_any_map(char *p, char *e, const char *name, double flags)
{
  static const AVal star = AVC("*");
  p = enc_name(p, e, name);
  if (!p || e - p < 2) return NULL;
  *p++ = AMF_OBJECT;
  p = AMF_EncodeNamedNumber(p, e, &star, flags);
  if (!p || e - p < 3) return NULL;
  *p++ = 0; *p++ = 0; *p++ = AMF_OBJECT_END;
  return p;
}

static int answer_connect(client *c, double txn, double encoding)
{
  static const AVal ok = AVC("NetConnection.Connect.Success"), okd = AVC("Connection succeeded.");
  char buf[512], *e = buf + sizeof(buf), *p = buf;
  /* Window acknowledgement size, peer bandwidth (dynamic), our chunk size. */
  if (!send_u32(c, RTMP_PACKET_TYPE_SERVER_BW, 2500000, -1) || !send_u32(c, RTMP_PACKET_TYPE_CLIENT_BW, 2500000, 2) ||
      !send_u32(c, RTMP_PACKET_TYPE_CHUNK_SIZE, OUT_CHUNK, -1))
    return 0;
  c->r->m_outChunkSize = OUT_CHUNK;
  p = AMF_EncodeString(p, e, &av__result);
  p = AMF_EncodeNumber(p, e, txn);
  *p++ = AMF_OBJECT;
  p = AMF_EncodeNamedString(p, e, &av_fmsVer, &av_fms);
  p = AMF_EncodeNamedNumber(p, e, &av_capabilities, 31);
  p = AMF_EncodeNamedNumber(p, e, &av_mode, 1);
  if (c->caps.announced) {
    /* Ours, to a client that asked: Reconnect (we may ask it to move), Multitrack, ModEx; any
     * codec forwarded (CanForward). */
    static const AVal capsEx = AVC("capsEx");
    p = AMF_EncodeNamedNumber(p, e, &capsEx, 7);
    p = enc_any_map(p, e, "videoFourCcInfoMap", 4);
    p = enc_any_map(p, e, "audioFourCcInfoMap", 4);
  }
  if (!p || e - p < 4) return 0;
  *p++ = 0; *p++ = 0; *p++ = AMF_OBJECT_END;
  *p++ = AMF_OBJECT;
  p = AMF_EncodeNamedString(p, e, &av_level, &av_status);
  p = AMF_EncodeNamedString(p, e, &av_code, &ok);
  p = AMF_EncodeNamedString(p, e, &av_description, &okd);
  p = AMF_EncodeNamedNumber(p, e, &av_objectEncoding, encoding);
  if (!p || e - p < 3) return 0;
  *p++ = 0; *p++ = 0; *p++ = AMF_OBJECT_END;
  return send_msg(c, CS_COMMAND, RTMP_PACKET_TYPE_INVOKE, 0, 0, buf, (uint32_t)(p - buf));
}

/* _error for transaction `txn` with an error status object. */
static int send_error(client *c, double txn, const char *code, const char *desc)
{
  static const AVal av__error = AVC("_error"), av_error = AVC("error");
  char buf[1024], *e = buf + sizeof(buf), *p = buf;
  AVal cd = { (char *)code, (int)strlen(code) }, ds = { (char *)desc, (int)strlen(desc) };
  p = AMF_EncodeString(p, e, &av__error);
  p = AMF_EncodeNumber(p, e, txn);
  *p++ = AMF_NULL;
  *p++ = AMF_OBJECT;
  p = AMF_EncodeNamedString(p, e, &av_level, &av_error);
  p = AMF_EncodeNamedString(p, e, &av_code, &cd);
  p = AMF_EncodeNamedString(p, e, &av_description, &ds);
  if (!p || e - p < 3) return 0;
  *p++ = 0; *p++ = 0; *p++ = AMF_OBJECT_END;
  return send_msg(c, CS_COMMAND, RTMP_PACKET_TYPE_INVOKE, 0, 0, buf, (uint32_t)(p - buf));
}

/* The Enhanced RTMP fields of a connect command object: fourCcList (a strict array of FourCCs),
 * videoFourCcInfoMap and audioFourCcInfoMap (FourCC → flags; CanDecode 1 or CanForward 4 count),
 * capsEx. */
static void read_ecaps(AMFObject *cobj, ecaps *e)
{
  static const AVal list = AVC("fourCcList"), vmap = AVC("videoFourCcInfoMap"), amap = AVC("audioFourCcInfoMap"),
                    caps = AVC("capsEx");
  memset(e, 0, sizeof(*e));
  AMFObjectProperty *p = AMF_GetProp(cobj, &caps, -1);
  if (AMFProp_GetType(p) == AMF_NUMBER) {
    e->caps_ex = (int)AMFProp_GetNumber(p);
    e->announced = 1;
  }
  for (int which = 0; which < 3; which++) {
    p = AMF_GetProp(cobj, which == 0 ? &list : which == 1 ? &vmap : &amap, -1);
    AMFDataType ty = AMFProp_GetType(p);
    if (ty != AMF_STRICT_ARRAY && ty != AMF_OBJECT && ty != AMF_ECMA_ARRAY) continue;
    e->announced = 1;
    AMFObject *o = &p->p_vu.p_object;
    for (int i = 0; i < AMF_CountProp(o); i++) {
      AMFObjectProperty *q = AMF_GetProp(o, NULL, i);
      AVal f = { 0, 0 };
      if (which == 0) {
        AMFProp_GetString(q, &f);
      } else {
        f = q->p_name;
        int flags = AMFProp_GetType(q) == AMF_NUMBER ? (int)AMFProp_GetNumber(q) : 0;
        if (!(flags & 5)) continue;
      }
      uint8_t kind = which == 0 ? 3 : which == 1 ? 1 : 2;
      if (f.av_len == 1 && f.av_val[0] == '*') {
        if (kind & 1) e->any_video = 1;
        if (kind & 2) e->any_audio = 1;
      } else if (f.av_len == 4 && e->n < FOURCCS) {
        e->fourcc[e->n] = be32((const uint8_t *)f.av_val);
        e->video[e->n++] = kind;
      }
    }
  }
}

/* ---- publisher authentication ---- */

static void md5_of(const char *s, unsigned char out[16])
{
  unsigned int n = 16;
  EVP_Digest(s, strlen(s), out, &n, EVP_md5(), NULL);
}

static void random_hex(char out[17])
{
  unsigned char r[8];
  if (RAND_bytes(r, sizeof(r)) != 1) memset(r, 0, sizeof(r));
  for (int i = 0; i < 8; i++) sprintf(out + 2 * i, "%02x", r[i]);
}

/* The value of `name` in the query string q ("a=1&b=2"), or "". */
static const char *qget(const char *q, const char *name, char *out, size_t n)
{
  size_t l = strlen(name);
  out[0] = 0;
  for (const char *p = q; p && *p; p = strchr(p, '&') ? strchr(p, '&') + 1 : NULL) {
    if (!strncmp(p, name, l) && p[l] == '=') {
      const char *v = p + l + 1, *end = strchr(v, '&');
      size_t vl = end ? (size_t)(end - v) : strlen(v);
      snprintf(out, n, "%.*s", (int)(vl < n ? vl : n - 1), v);
      break;
    }
  }
  return out;
}

static int take_issued(const char *tok)
{
  int found = 0;
  pthread_mutex_lock(&g_lock);
  for (int i = 0; i < ISSUED; i++)
    if (tok[0] && !strcmp(g_issued[i], tok)) { g_issued[i][0] = 0; found = 1; break; }
  pthread_mutex_unlock(&g_lock);
  return found;
}

static void issue(char tok[17])
{
  random_hex(tok);
  pthread_mutex_lock(&g_lock);
  snprintf(g_issued[g_next_issued++ % ISSUED], 17, "%s", tok);
  pthread_mutex_unlock(&g_lock);
}

/* Checks the query of a connect to the protected app. TRUE when it carries a valid answer;
 * otherwise `desc` is the refusal that tells the client the next step. */
static int auth_check(const char *query, char *desc, size_t n)
{
  const char *m = g_auth == 1 ? "adobe" : "llnw";
  char mod[16], user[128], resp[128], tok[64], ours[64], nc[16], buf[1024], h1[33], h2[33], b[44];
  unsigned char d[16];
  qget(query, "authmod", mod, sizeof(mod));
  if (strcmp(mod, m)) {
    snprintf(desc, n, "[ AccessManager.Reject ] : [ code=403 need auth; authmod=%s ] : ", m);
    return 0;
  }
  qget(query, "user", user, sizeof(user));
  if (strcmp(user, g_auth_user)) {
    snprintf(desc, n, "[ AccessManager.Reject ] : [ authmod=%s ] : ?reason=nosuchuser", m);
    return 0;
  }
  qget(query, "response", resp, sizeof(resp));
  if (!resp[0]) {
    char t[17];
    issue(t);
    if (g_auth == 1)
      snprintf(desc, n, "[ AccessManager.Reject ] : [ authmod=adobe ] : ?reason=needauth&user=%s&salt=%s&challenge=%s&opaque=%s", user, g_salt, t, t);
    else
      snprintf(desc, n, "[ AccessManager.Reject ] : [ authmod=llnw ] : ?reason=needauth&user=%s&nonce=%s", user, t);
    return 0;
  }
  if (g_auth == 1) {
    /* response = b64(md5(b64(md5(user salt password)) opaque challenge)) */
    qget(query, "opaque", tok, sizeof(tok));
    qget(query, "challenge", ours, sizeof(ours));
    snprintf(buf, sizeof(buf), "%s%s%s", user, g_salt, g_auth_pass);
    md5_of(buf, d);
    EVP_EncodeBlock((unsigned char *)b, d, 16);
    snprintf(buf, sizeof(buf), "%s%s%s", b, tok, ours);
    md5_of(buf, d);
    EVP_EncodeBlock((unsigned char *)b, d, 16);
  } else {
    /* HTTP digest: md5(md5(user:live:password):nonce:nc:cnonce:auth:md5(publish:/app[/_definst_])) */
    qget(query, "nonce", tok, sizeof(tok));
    qget(query, "cnonce", ours, sizeof(ours));
    qget(query, "nc", nc, sizeof(nc));
    snprintf(buf, sizeof(buf), "%s:live:%s", user, g_auth_pass);
    md5_of(buf, d);
    for (int i = 0; i < 16; i++) sprintf(h1 + 2 * i, "%02x", d[i]);
    snprintf(buf, sizeof(buf), "publish:/%s%s", g_auth_app, strchr(g_auth_app, '/') ? "" : "/_definst_");
    md5_of(buf, d);
    for (int i = 0; i < 16; i++) sprintf(h2 + 2 * i, "%02x", d[i]);
    snprintf(buf, sizeof(buf), "%s:%s:%s:%s:auth:%s", h1, tok, nc, ours, h2);
    md5_of(buf, d);
    for (int i = 0; i < 16; i++) sprintf(b + 2 * i, "%02x", d[i]);
  }
  if (take_issued(tok) && !strcmp(b, resp)) return 1;
  snprintf(desc, n, "[ AccessManager.Reject ] : [ authmod=%s ] : ?reason=%s", m, g_auth == 1 ? "authfailed" : "authfail");
  return 0;
}

/* ---- streams (g_lock held) ---- */

static void msg_set(msg *m, uint8_t type, uint32_t ts, const char *data, uint32_t len)
{
  free(m->data);
  m->data = malloc(len ? len : 1);
  if (!m->data) { m->len = 0; return; }
  memcpy(m->data, data, len);
  m->type = type;
  m->ts = ts;
  m->len = len;
}

static void msg_clear(msg *m)
{
  free(m->data);
  memset(m, 0, sizeof(*m));
}

static stream *stream_get(const char *name)
{
  stream *s;
  for (s = g_streams; s; s = s->next)
    if (!strcmp(s->name, name)) break;
  if (!s) {
    s = calloc(1, sizeof(*s));
    if (!s) return NULL;
    snprintf(s->name, sizeof(s->name), "%s", name);
    pthread_cond_init(&s->cond, NULL);
    s->next = g_streams;
    g_streams = s;
  }
  s->users++;
  return s;
}

static void stream_put(stream *s)
{
  stream **pp;
  int i;
  if (--s->users > 0) return;
  for (pp = &g_streams; *pp != s; pp = &(*pp)->next) {}
  *pp = s->next;
  for (i = 0; i < RING; i++) msg_clear(&s->ring[i]);
  msg_clear(&s->meta);
  for (i = 0; i < s->nhdr; i++) msg_clear(&s->hdr[i]);
  pthread_cond_destroy(&s->cond);
  free(s);
}

/* ---- what an audio or video tag is (legacy, or E-RTMP's ExVideoTagHeader / ExAudioTagHeader) ---- */

typedef struct {
  int enhanced;         /* an ex header */
  int keyframe;         /* video coded data a decoder can start at */
  int header;           /* a sequence header (or colorInfo metadata, MultichannelConfig) */
  int multitrack;
  int pt;               /* the packet type (after ModEx and multitrack) */
  int ntracks;
  uint32_t fourcc[TRACKS]; /* per track; legacy tags: 0 */
  uint8_t track[TRACKS];
  int codec;            /* legacy: the codec id (video) or sound format (audio) */
} taginfo;

/* Reads tag body d (type 8 audio, 9 video). FALSE for a body that ends inside its header. */
static int classify(uint8_t type, const char *data, uint32_t len, taginfo *t)
{
  const uint8_t *d = (const uint8_t *)data;
  memset(t, 0, sizeof(*t));
  if (len < 1) return 1;
  int video = type == RTMP_PACKET_TYPE_VIDEO, frame = (d[0] >> 4) & 7;
  if (video ? !(d[0] & 0x80) : d[0] >> 4 != 9) {
    /* Legacy. AVC (and the codec 12 HEVC some servers used): packet 0 configures, 1 carries frames. */
    t->codec = video ? d[0] & 0x0f : d[0] >> 4;
    t->ntracks = 1;
    if (video) {
      int avc_like = t->codec == 7 || t->codec == 12;
      t->header = avc_like && len >= 2 && d[1] == 0;
      t->keyframe = d[0] >> 4 == 1 && !t->header && (!avc_like || (len >= 2 && d[1] == 1));
    } else {
      t->header = t->codec == 10 && len >= 2 && d[1] == 0;
    }
    return 1;
  }
  t->enhanced = 1;
  uint32_t at = 1;
  int pt = d[0] & 0x0f;
  while (pt == 7) { /* ModEx: size (+1; 256 → a 16-bit size +1), data, then modifier | packet type */
    if (at >= len) return 0;
    uint32_t size = d[at++] + 1u;
    if (size == 256) {
      if (at + 2 > len) return 0;
      size = (uint32_t)(d[at] << 8 | d[at + 1]) + 1u;
      at += 2;
    }
    at += size;
    if (at >= len) return 0;
    pt = d[at++] & 0x0f;
  }
  if (pt == (video ? 6 : 5)) { /* multitrack: kind (0 one track, 1 many, 2 many codecs) | packet type */
    if (at >= len) return 0;
    int kind = d[at] >> 4;
    uint32_t shared = 0;
    pt = d[at++] & 0x0f;
    t->multitrack = 1;
    if (kind != 2) {
      if (at + 4 > len) return 0;
      shared = be32(d + at);
      at += 4;
    }
    while (at < len && t->ntracks < TRACKS) {
      uint32_t f = shared;
      if (kind == 2) {
        if (at + 4 > len) return 0;
        f = be32(d + at);
        at += 4;
      }
      if (at >= len) return 0;
      t->fourcc[t->ntracks] = f;
      t->track[t->ntracks++] = d[at++];
      if (kind == 0) break;
      if (at + 3 > len) return 0;
      at += 3 + ((uint32_t)d[at] << 16 | (uint32_t)d[at + 1] << 8 | d[at + 2]);
    }
  } else {
    if (at + 4 > len) return 0;
    t->fourcc[0] = be32(d + at);
    t->ntracks = 1;
  }
  t->pt = pt;
  /* Video: SequenceStart, Metadata (colorInfo, sent as a command frame), MPEG2TSSequenceStart;
   * audio: SequenceStart, MultichannelConfig. */
  t->header = video ? (pt == 0 || pt == 5 || pt == 4) && (frame != 5 || pt == 4) : pt == 0 || pt == 4;
  t->keyframe = video && frame == 1 && (pt == 1 || pt == 3);
  return 1;
}

/* The decoder state a header sets, as bytes: type, packet type (legacy: the codec), then each
 * track's FourCC and id. The latest header of each key is what a late joiner needs. */
static int tag_key(uint8_t type, const taginfo *t, char *key)
{
  int n = 0;
  key[n++] = (char)type;
  key[n++] = (char)(t->enhanced ? t->pt : t->codec);
  for (int i = 0; t->enhanced && i < t->ntracks; i++) {
    for (int b = 3; b >= 0; b--) key[n++] = (char)(t->fourcc[i] >> (8 * b));
    key[n++] = (char)t->track[i];
  }
  return n;
}

static void keep_header(stream *s, uint8_t type, const taginfo *t, uint32_t ts, const char *data, uint32_t len)
{
  char key[sizeof(s->hkey[0])];
  int n = tag_key(type, t, key), i;
  for (i = 0; i < s->nhdr; i++)
    if (s->hkeylen[i] == n && !memcmp(s->hkey[i], key, (size_t)n)) break;
  if (i == s->nhdr) {
    if (s->nhdr == HDRS) return;
    s->nhdr++;
    memcpy(s->hkey[i], key, (size_t)n);
    s->hkeylen[i] = n;
  }
  msg_set(&s->hdr[i], type, ts, data, len);
}

static uint64_t track_of(const taginfo *t);

static void publish_msg(stream *s, uint8_t type, uint32_t ts, const char *data, uint32_t len)
{
  taginfo t;
  if (type == RTMP_PACKET_TYPE_INFO) msg_set(&s->meta, type, ts, data, len);
  else if (classify(type, data, len, &t) && t.header) keep_header(s, type, &t, ts, data, len);
  else if (type == RTMP_PACKET_TYPE_VIDEO && t.keyframe) {
    uint64_t tr = track_of(&t);
    int i = 0;
    while (i < s->nkeys && s->key_track[i] != tr) i++;
    if (i < TRACKS) {
      if (i == s->nkeys) s->nkeys++;
      s->key_track[i] = tr;
      s->key_pos[i] = s->head;
    }
  }
  msg_set(&s->ring[s->head % RING], type, ts, data, len);
  s->head++;
  pthread_cond_broadcast(&s->cond);
}

/* Whether a player takes FourCC f of a video (or audio) track. */
static int takes_fourcc(const ecaps *e, uint32_t f, int video)
{
  if (video ? e->any_video : e->any_audio) return 1;
  for (int i = 0; i < e->n; i++)
    if (e->fourcc[i] == f && e->video[i] & (video ? 1 : 2)) return 1;
  return 0;
}

/* Whether this player gets the tag: legacy tags always; enhanced ones when it named every FourCC
 * they carry; multitrack ones only with Multitrack in its capsEx. */
static int player_takes(const client *c, uint8_t type, const taginfo *t)
{
  if (type != RTMP_PACKET_TYPE_VIDEO && type != RTMP_PACKET_TYPE_AUDIO) return 1;
  if (!t->enhanced) return 1;
  if (t->multitrack && !(c->caps.caps_ex & 2)) return 0;
  for (int i = 0; i < t->ntracks; i++)
    if (!takes_fourcc(&c->caps, t->fourcc[i], type == RTMP_PACKET_TYPE_VIDEO)) return 0;
  return 1;
}

/* Which video track a message is on: its first track's FourCC and id (0 for a legacy tag). */
static uint64_t track_of(const taginfo *t)
{
  return t->enhanced ? (uint64_t)t->fourcc[0] << 8 | t->track[0] : 0;
}

static uint64_t now_ms(void)
{
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (uint64_t)t.tv_sec * 1000 + (uint64_t)t.tv_nsec / 1000000;
}

static void unpublish(client *c)
{
  if (!c->st || !c->publisher) return;
  pthread_mutex_lock(&g_lock);
  c->st->publishing = 0;
  c->st->nkeys = 0;
  /* A publisher we asked to move may come back (to this relay): its players wait a while. */
  c->st->grace_until = c->asked_to_move ? now_ms() + (uint64_t)g_grace_ms : 0;
  msg_clear(&c->st->meta);
  for (int i = 0; i < c->st->nhdr; i++) msg_clear(&c->st->hdr[i]);
  c->st->nhdr = 0;
  pthread_cond_broadcast(&c->st->cond);
  if (g_verbose) say("%s: publisher left", c->st->name);
  stream_put(c->st);
  pthread_mutex_unlock(&g_lock);
  c->st = NULL;
  c->publisher = 0;
}

static void leave(client *c)
{
  if (!c->st) return;
  if (c->publisher) { unpublish(c); return; }
  pthread_mutex_lock(&g_lock);
  stream_put(c->st);
  pthread_mutex_unlock(&g_lock);
  c->st = NULL;
}

/* ---- commands ---- */

enum { GO_ON = 1, STOP = 0, PLAY = 2, VOD = 3 };

/* The file of the vod directory a "play" names ("flv:" prefix and query string removed, ".flv"
 * added when the name has no extension), or
 * FALSE when there is none or the name tries to leave the directory. */
static int vod_file(client *c, AMFObject *obj)
{
  AVal name = { 0, 0 };
  if (!g_vod_dir || strcmp(c->app, "vod")) return 0;
  AMFProp_GetString(AMF_GetProp(obj, NULL, 3), &name);
  int len = name.av_len;
  const char *v = name.av_val ? name.av_val : "";
  if (len > 4 && !strncmp(v, "flv:", 4)) { v += 4; len -= 4; }
  for (int i = 0; i < len; i++)
    if (v[i] == '?') { len = i; break; }
  if (len == 0 || v[0] == '.' || memchr(v, '/', (size_t)len) || memchr(v, 0, (size_t)len)) return 0;
  /* librtmp sends "x" for a URL naming x.flv. */
  snprintf(c->vod, sizeof(c->vod), "%s/%.*s%s", g_vod_dir, len, v, memchr(v, '.', (size_t)len) ? "" : ".flv");
  return access(c->vod, R_OK) == 0;
}

static void stream_name(client *c, AMFObject *obj, char *out, size_t n)
{
  AVal name = { 0, 0 };
  AMFProp_GetString(AMF_GetProp(obj, NULL, 3), &name);
  int len = name.av_len;
  for (int i = 0; i < name.av_len; i++)
    if (name.av_val[i] == '?') { len = i; break; } /* query strings (tokens) are not part of the name */
  snprintf(out, n, "%s/%.*s", c->app, len, name.av_val ? name.av_val : "");
}

static int handle_invoke(client *c, const char *body, uint32_t len)
{
  AMFObject obj;
  AVal method = { 0, 0 };
  int ret = GO_ON;
  if (AMF_Decode(&obj, body, (int)len, FALSE) < 0) {
    say("undecodable command from the client; closing");
    return STOP;
  }
  AMFProp_GetString(AMF_GetProp(&obj, NULL, 0), &method);
  double txn = AMFProp_GetNumber(AMF_GetProp(&obj, NULL, 1));
  if (g_verbose > 1) say("command %.*s", method.av_len, method.av_val ? method.av_val : "");
  if (c->refused) goto out;

  if (AVMATCH(&method, &av_connect)) {
    AMFObject cobj;
    AVal app = { 0, 0 };
    AMFProp_GetObject(AMF_GetProp(&obj, NULL, 2), &cobj);
    AMFProp_GetString(AMF_GetProp(&cobj, &av_app, -1), &app);
    int alen = app.av_len;
    while (alen > 0 && app.av_val[alen - 1] == '/') alen--;
    for (int i = 0; i < alen; i++)
      if (app.av_val[i] == '?') { alen = i; break; }
    snprintf(c->app, sizeof(c->app), "%.*s", alen, app.av_val ? app.av_val : "");
    static const AVal av_audioCodecs = AVC("audioCodecs");
    int player = AMFProp_GetType(AMF_GetProp(&cobj, &av_audioCodecs, -1)) == AMF_NUMBER;
    if (g_auth && !strcmp(c->app, g_auth_app) && !player) {
      char query[1024], desc[1024];
      const char *q = app.av_val ? memchr(app.av_val, '?', (size_t)app.av_len) : NULL;
      snprintf(query, sizeof(query), "%.*s", q ? (int)(app.av_val + app.av_len - q - 1) : 0, q ? q + 1 : "");
      if (!auth_check(query, desc, sizeof(desc))) {
        /* The refusal, then our side of the connection ends: the client reconnects. */
        say("%s: connect refused: %s", c->app, desc);
        c->refused = 1;
        if (!send_error(c, txn, "NetConnection.Connect.Rejected", desc)) ret = STOP;
        shutdown(c->fd, SHUT_WR);
        goto out;
      }
      say("%s: %s authenticated", c->app, g_auth_user);
      c->authed = 1;
    }
    read_ecaps(&cobj, &c->caps);
    if (g_verbose && c->caps.announced)
      say("%s: a client announces capsEx %d and %d FourCCs%s", c->app, c->caps.caps_ex, c->caps.n,
          c->caps.any_video || c->caps.any_audio ? " and *" : "");
    AMFObjectProperty *enc = AMF_GetProp(&cobj, &av_objectEncoding, -1);
    if (!answer_connect(c, txn, enc && AMFProp_GetType(enc) == AMF_NUMBER ? AMFProp_GetNumber(enc) : 0)) ret = STOP;
    c->answered = 1;
  } else if (AVMATCH(&method, &av_createStream)) {
    if (!send_result(c, txn, STREAM_ID)) ret = STOP;
  } else if (AVMATCH(&method, &av_play) && vod_file(c, &obj)) {
    if (c->st) leave(c);
    say("%s: playing on demand", c->vod);
    if (!RTMP_SendCtrl(c->r, 0, STREAM_ID, 0) ||
        !send_status(c, "status", "NetStream.Play.Reset", "Playing and resetting") ||
        !send_status(c, "status", "NetStream.Play.Start", "Started playing"))
      ret = STOP;
    else
      ret = VOD;
  } else if (AVMATCH(&method, &av_publish) || AVMATCH(&method, &av_play)) {
    int pub = AVMATCH(&method, &av_publish);
    char name[512];
    if (c->st) leave(c);
    stream_name(c, &obj, name, sizeof(name));
    if (pub && g_auth && !strcmp(c->app, g_auth_app) && !c->authed) {
      say("%s: publish without authentication; refused", name);
      send_status(c, "error", "NetStream.Publish.BadName", "Authentication required");
      goto out;
    }
    pthread_mutex_lock(&g_lock);
    stream *s = stream_get(name);
    int taken = pub && s && s->publishing;
    if (s && pub && !taken) {
      s->publishing = 1;
      s->gen++;
      s->gen_start = s->head;
    }
    if (s && taken) stream_put(s);
    if (s && !pub) {
      c->play_gen = s->gen;
      c->play_midstream = s->publishing;
    }
    pthread_mutex_unlock(&g_lock);
    if (!s) { ret = STOP; goto out; }
    if (taken) {
      say("%s: already being published; refused", name);
      send_status(c, "error", "NetStream.Publish.BadName", "Already publishing");
      goto out;
    }
    c->st = s;
    c->publisher = pub;
    if (!RTMP_SendCtrl(c->r, 0, STREAM_ID, 0)) { ret = STOP; goto out; }
    if (pub) {
      say("%s: publishing", name);
      if (!send_status(c, "status", "NetStream.Publish.Start", "Start publishing")) ret = STOP;
    } else {
      say("%s: playing", name);
      if (!send_status(c, "status", "NetStream.Play.Reset", "Playing and resetting") ||
          !send_status(c, "status", "NetStream.Play.Start", "Started playing"))
        ret = STOP;
      else
        ret = PLAY;
    }
  } else if (AVMATCH(&method, &av_deleteStream) || AVMATCH(&method, &av_closeStream) || AVMATCH(&method, &av_FCUnpublish)) {
    leave(c);
  } else if (AVMATCH(&method, &av_releaseStream) || AVMATCH(&method, &av_FCPublish) || AVMATCH(&method, &av_getStreamLength)) {
    if (txn > 0 && !send_result(c, txn, -1)) ret = STOP;
  } else if (txn > 0) {
    /* Whatever else asks for an answer gets an empty one rather than a client left waiting. */
    if (!send_result(c, txn, -1)) ret = STOP;
  }
out:
  AMF_Reset(&obj);
  return ret;
}

/* One message from the client: control, command, or media from a publisher. */
static int handle(client *c, RTMPPacket *p)
{
  const char *b = p->m_body;
  uint32_t n = p->m_nBodySize;
  switch (p->m_packetType) {
  case RTMP_PACKET_TYPE_CHUNK_SIZE:
    if (n >= 4) c->r->m_inChunkSize = (int)(AMF_DecodeInt32(b) & 0x7fffffff);
    return GO_ON;
  case RTMP_PACKET_TYPE_CONTROL:
    if (n >= 6 && AMF_DecodeInt16(b) == 6) /* ping: pong with its timestamp */
      return RTMP_SendCtrl(c->r, 7, AMF_DecodeInt32(b + 2), 0) ? GO_ON : STOP;
    return GO_ON;
  case RTMP_PACKET_TYPE_FLEX_MESSAGE:
    return n > 1 ? handle_invoke(c, b + 1, n - 1) : GO_ON;
  case RTMP_PACKET_TYPE_INVOKE:
    return handle_invoke(c, b, n);
  case RTMP_PACKET_TYPE_AUDIO:
  case RTMP_PACKET_TYPE_VIDEO:
  case RTMP_PACKET_TYPE_INFO:
    if (!c->st || !c->publisher) return GO_ON;
    if (p->m_packetType == RTMP_PACKET_TYPE_INFO) {
      /* "@setDataFrame" is for the server: players get what follows it. */
      AMFObject o;
      AVal first = { 0, 0 };
      if (AMF_Decode(&o, b, (int)n, FALSE) < 0) return GO_ON;
      AMFProp_GetString(AMF_GetProp(&o, NULL, 0), &first);
      int skip = AVMATCH(&first, &av_setDataFrame) ? 3 + av_setDataFrame.av_len : 0;
      AMF_Reset(&o);
      b += skip;
      n -= skip;
    }
    pthread_mutex_lock(&g_lock);
    publish_msg(c->st, p->m_packetType, p->m_nTimeStamp, b, n);
    pthread_mutex_unlock(&g_lock);
    return GO_ON;
  default:
    return GO_ON;
  }
}

/* Reads one whole message: 1; 0 when the connection ended; -1 when an rtmpt client only polled
 * (the library then reports a timeout on a live connection): nothing to read now. */
static int read_msg(client *c, RTMPPacket *p)
{
  while (RTMP_IsConnected(c->r) && !g_stop) {
    if (!RTMP_ReadPacket(c->r, p))
      return RTMP_IsConnected(c->r) && RTMP_IsTimedout(c->r) && (c->r->Link.protocol & RTMP_FEATURE_HTTP2) ? -1 : 0;
    if (RTMPPacket_IsReady(p) && p->m_body) return 1;
  }
  return 0;
}

static int readable(client *c)
{
  struct pollfd pfd = { RTMP_Socket(c->r), POLLIN, 0 };
  return c->r->m_sb.sb_size > 0 || poll(&pfd, 1, 0) > 0;
}

/* Sends a player what its publisher leaves in the ring, and keeps reading its commands. */
static int play_loop(client *c)
{
  stream *s = c->st;
  uint64_t next;
  unsigned gen;
  int need_key, notified = 0, ret = GO_ON;
  msg first[1 + HDRS];
  int nfirst = 0;
  /* A late joiner's video tracks (track_of) that have had their keyframe. */
  uint64_t started[TRACKS];
  int nstarted = 0;
  taginfo t;

  pthread_mutex_lock(&g_lock);
  /* Where the player joined is where play was answered, not where this loop starts: a publisher
   * that began in between (the player already told to go on) is then a new publication, sent to
   * it from its beginning. */
  next = s->head;
  gen = c->play_gen;
  need_key = c->play_midstream && s->gen == gen;
  if (need_key) {
    /* Mid-stream: metadata and the headers of the codecs it takes first, then the stream from the
     * earliest of its video tracks' last keyframes (each track from its own: see started). */
    for (int i = 0; i < s->nkeys; i++)
      if (s->key_pos[i] >= s->gen_start && s->head - s->key_pos[i] < RING && s->key_pos[i] < next) next = s->key_pos[i];
    for (int i = -1; i < s->nhdr; i++) {
      msg *h = i < 0 ? &s->meta : &s->hdr[i];
      if (!h->data || (i >= 0 && (!classify(h->type, h->data, h->len, &t) || !player_takes(c, h->type, &t)))) continue;
      first[nfirst] = *h;
      first[nfirst].data = malloc(h->len ? h->len : 1);
      if (first[nfirst].data) memcpy(first[nfirst++].data, h->data, h->len);
    }
  }
  pthread_mutex_unlock(&g_lock);
  for (int i = 0; i < nfirst; i++) {
    int csid = first[i].type == RTMP_PACKET_TYPE_VIDEO ? CS_VIDEO : first[i].type == RTMP_PACKET_TYPE_AUDIO ? CS_AUDIO : CS_DATA;
    if (!send_msg(c, csid, first[i].type, first[i].ts, STREAM_ID, first[i].data, first[i].len)) ret = STOP;
    free(first[i].data);
  }

  while (ret == GO_ON && !g_stop && RTMP_IsConnected(c->r)) {
    if (!drain_check(c)) return STOP;
    if (readable(c)) {
      RTMPPacket in = { 0 };
      int got = read_msg(c, &in);
      if (got == 0) { RTMPPacket_Free(&in); return STOP; }
      if (got < 0) { RTMPPacket_Free(&in); goto send; }
      ret = handle(c, &in);
      RTMPPacket_Free(&in);
      if (ret == PLAY) return PLAY; /* play again: a new stream */
      if (!c->st) return GO_ON;     /* stopped playing */
      ret = GO_ON;
      continue;
    }
  send:
    pthread_mutex_lock(&g_lock);
    if (s->gen != gen) {
      /* A new publication of this name: from its beginning, and tell the player again at its end. */
      gen = s->gen;
      next = s->gen_start;
      need_key = 0;
      notified = 0;
    }
    if (next == s->head) {
      int ended = !s->publishing && gen > 0 && !notified && now_ms() >= s->grace_until;
      if (!ended) {
        struct timespec t;
        clock_gettime(CLOCK_REALTIME, &t);
        t.tv_nsec += 100 * 1000000L;
        if (t.tv_nsec >= 1000000000L) { t.tv_sec++; t.tv_nsec -= 1000000000L; }
        pthread_cond_timedwait(&s->cond, &g_lock, &t);
        pthread_mutex_unlock(&g_lock);
        continue;
      }
      pthread_mutex_unlock(&g_lock);
      notified = 1;
      if (!send_status(c, "status", "NetStream.Play.UnpublishNotify", "The publisher stopped") ||
          !RTMP_SendCtrl(c->r, 1, STREAM_ID, 0))
        ret = STOP;
      continue;
    }
    if (s->head - next > RING) {
      pthread_mutex_unlock(&g_lock);
      say("%s: a player fell %d messages behind; dropped", s->name, RING);
      return STOP;
    }
    msg *m = &s->ring[next++ % RING];
    int media = m->type == RTMP_PACKET_TYPE_VIDEO || m->type == RTMP_PACKET_TYPE_AUDIO;
    if (media && (!classify(m->type, m->data, m->len, &t) || !player_takes(c, m->type, &t))) {
      pthread_mutex_unlock(&g_lock);
      continue;
    }
    if (need_key && m->type == RTMP_PACKET_TYPE_VIDEO && !t.header) {
      /* A late joiner: each video track from its own first keyframe. */
      uint64_t tr = track_of(&t);
      int i = 0;
      while (i < nstarted && started[i] != tr) i++;
      if (i == nstarted) {
        if (!t.keyframe) { pthread_mutex_unlock(&g_lock); continue; }
        if (nstarted < TRACKS) started[nstarted++] = tr;
      }
    }
    int csid = m->type == RTMP_PACKET_TYPE_VIDEO ? CS_VIDEO : m->type == RTMP_PACKET_TYPE_AUDIO ? CS_AUDIO : CS_DATA;
    /* Copied under the lock (the slot may be reused once it is released), sent outside it. */
    uint8_t type = m->type;
    uint32_t ts = m->ts, len = m->len;
    char *b = out_buf(c, len);
    if (b) memcpy(b, m->data, len);
    pthread_mutex_unlock(&g_lock);
    if (!b || !send_out(c, csid, type, ts, STREAM_ID, len)) ret = STOP;
  }
  return ret;
}

/* Sends the FLV file c->vod as the stream's messages, as fast as the player takes them, then
 * Stream EOF and Play.Stop. Commands that come meanwhile are handled between tags. */
static int vod_loop(client *c)
{
  unsigned char h[11];
  int ret = GO_ON;
  FILE *f = fopen(c->vod, "rb");
  if (!f) {
    say("%s: %s", c->vod, strerror(errno));
    return send_status(c, "error", "NetStream.Play.StreamNotFound", "No such stream") ? GO_ON : STOP;
  }
  if (fread(h, 1, 9, f) != 9 || memcmp(h, "FLV", 3) || fseek(f, (long)AMF_DecodeInt32((char *)h + 5) + 4, SEEK_SET)) {
    say("%s: not an FLV file", c->vod);
    fclose(f);
    return send_status(c, "error", "NetStream.Play.StreamNotFound", "Not an FLV file") ? GO_ON : STOP;
  }
  while (ret == GO_ON && !g_stop && fread(h, 1, 11, f) == 11) {
    uint32_t len = AMF_DecodeInt24((char *)h + 1);
    uint32_t ts = AMF_DecodeInt24((char *)h + 4) | (uint32_t)h[7] << 24;
    uint8_t type = h[0] & 0x1f;
    char *b = out_buf(c, len);
    if (!b) { ret = STOP; break; }
    if (fread(b, 1, len, f) != len) break; /* a cut last tag: the file ends before it */
    if (fseek(f, 4, SEEK_CUR)) break;
    if (type == RTMP_PACKET_TYPE_AUDIO || type == RTMP_PACKET_TYPE_VIDEO || type == RTMP_PACKET_TYPE_INFO) {
      int csid = type == RTMP_PACKET_TYPE_VIDEO ? CS_VIDEO : type == RTMP_PACKET_TYPE_AUDIO ? CS_AUDIO : CS_DATA;
      if (!send_out(c, csid, type, ts, STREAM_ID, len)) { ret = STOP; break; }
    }
    if (readable(c)) {
      RTMPPacket in = { 0 };
      int got = read_msg(c, &in);
      if (got == 0) ret = STOP;
      else if (got > 0) ret = handle(c, &in);
      RTMPPacket_Free(&in);
      if (ret != GO_ON) break; /* another play, or the end */
    }
  }
  fclose(f);
  if (ret == GO_ON && (!RTMP_SendCtrl(c->r, 1, STREAM_ID, 0) || !send_status(c, "status", "NetStream.Play.Stop", "Stopped playing")))
    ret = STOP;
  return ret;
}

static void *serve(void *arg)
{
  client *c = arg;
  RTMP *r = RTMP_Alloc();
  if (!r) { close(c->fd); free(c); return NULL; }
  RTMP_Init(r);
  c->r = r;
  r->Link.timeout = g_timeout;
  r->m_sb.sb_socket = c->fd;
  if (g_rtmpe_type) {
    /* An option of ours (librtmp-rs), checked at startup: which RTMPE type RTMP_Serve answers. */
    AVal name = AVC("rtmpeType"), value = { g_rtmpe_type, (int)strlen(g_rtmpe_type) };
    RTMP_SetOpt(r, &name, &value);
  }
  if ((!c->tls || RTMP_TLS_Accept(r, c->tls)) && RTMP_Serve(r)) {
    int ret = GO_ON;
    while (ret != STOP && !g_stop && RTMP_IsConnected(r)) {
      if (ret == PLAY) {
        ret = play_loop(c);
        continue;
      }
      if (ret == VOD) {
        ret = vod_loop(c);
        continue;
      }
      if (!drain_check(c)) break;
      RTMPPacket p = { 0 };
      int got = read_msg(c, &p);
      if (got == 0) ret = STOP;
      else if (got > 0) ret = handle(c, &p);
      RTMPPacket_Free(&p);
    }
  } else {
    say("handshake with a client failed");
  }
  leave(c);
  RTMPPacket_Free(&c->out);
  RTMP_Close(r);
  RTMP_Free(r);
  pthread_mutex_lock(&g_lock);
  client **pp;
  for (pp = &g_clients; *pp && *pp != c; pp = &(*pp)->next_client) {}
  if (*pp) *pp = c->next_client;
  pthread_cond_broadcast(&g_gone);
  pthread_mutex_unlock(&g_lock);
  free(c);
  return NULL;
}

/* On SIGINT/SIGTERM: wakes every connection's thread (a shut-down socket ends any blocked call)
 * and waits, a bounded time, until each has closed its handle. */
static void stop_clients(void)
{
  struct timespec t;
  clock_gettime(CLOCK_REALTIME, &t);
  t.tv_sec += 10;
  pthread_mutex_lock(&g_lock);
  for (client *c = g_clients; c; c = c->next_client) shutdown(c->fd, SHUT_RDWR);
  while (g_clients && pthread_cond_timedwait(&g_gone, &g_lock, &t) == 0) {}
  if (g_clients) say("some connections did not end within 10 s");
  pthread_mutex_unlock(&g_lock);
}

static int listen_on(const char *addr, int *port)
{
  struct sockaddr_in6 a6;
  struct sockaddr_in a4;
  struct sockaddr *sa;
  socklen_t len;
  int one = 1, fd;
  memset(&a6, 0, sizeof(a6));
  memset(&a4, 0, sizeof(a4));
  if (inet_pton(AF_INET, addr, &a4.sin_addr) == 1) {
    a4.sin_family = AF_INET;
    a4.sin_port = htons((uint16_t)*port);
    sa = (struct sockaddr *)&a4;
    len = sizeof(a4);
  } else if (inet_pton(AF_INET6, addr, &a6.sin6_addr) == 1) {
    a6.sin6_family = AF_INET6;
    a6.sin6_port = htons((uint16_t)*port);
    sa = (struct sockaddr *)&a6;
    len = sizeof(a6);
  } else {
    say("not an IP address: %s", addr);
    return -1;
  }
  fd = socket(sa->sa_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  if (bind(fd, sa, len) < 0 || listen(fd, 64) < 0 || getsockname(fd, sa, &len) < 0) {
    say("cannot listen on %s port %d: %s", addr, *port, strerror(errno));
    close(fd);
    return -1;
  }
  *port = ntohs(sa->sa_family == AF_INET ? a4.sin_port : a6.sin6_port);
  return fd;
}

static void on_signal(int sig)
{
  if (sig == SIGUSR1) g_drain++;
  else g_stop = 1;
}

static void usage(void)
{
  fprintf(stderr, "usage: rtmp-relay [-v] [-b ADDR] [-p PORT] [--tls-port PORT --cert FILE --key FILE] [--vod DIR]\n"
                  "                  [--auth adobe|llnw:USER:PASSWORD:APP] [--rtmpe-type 6|8|9] [--timeout S]\n"
                  "                  [--drain-to TCURL [--grace MS]]\n"
                  "  a live relay: publishers to rtmp://ADDR:PORT/APP/NAME, players of the same APP/NAME;\n"
                  "  with --vod, the FLV files of DIR at rtmp://ADDR:PORT/vod/FILE;\n"
                  "  with --auth, connections to APP authenticate (authmod=adobe or llnw);\n"
                  "  --rtmpe-type: the RTMPE handshake type to answer with (default: 8 to Flash Player 10\n"
                  "  clients, as rtmpdump's server; 9 signs with Blowfish)\n"
                  "  --drain-to: on SIGUSR1, ask the clients that announced Reconnect (E-RTMP capsEx) to move\n"
                  "  to TCURL (\"\": here again); their players wait MS (3000) for a publisher to come back\n");
}

int main(int argc, char **argv)
{
  const char *bind_addr = "127.0.0.1", *cert = NULL, *key = NULL;
  int port = 1935, tls_port = -1, i, fds[2] = { -1, -1 }, nfds = 0;
  void *tls = NULL;

  for (i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "-v")) g_verbose++;
    else if (!strcmp(argv[i], "-b") && i + 1 < argc) bind_addr = argv[++i];
    else if (!strcmp(argv[i], "-p") && i + 1 < argc) port = atoi(argv[++i]);
    else if (!strcmp(argv[i], "--tls-port") && i + 1 < argc) tls_port = atoi(argv[++i]);
    else if (!strcmp(argv[i], "--cert") && i + 1 < argc) cert = argv[++i];
    else if (!strcmp(argv[i], "--key") && i + 1 < argc) key = argv[++i];
    else if (!strcmp(argv[i], "--timeout") && i + 1 < argc) g_timeout = atoi(argv[++i]);
    else if (!strcmp(argv[i], "--vod") && i + 1 < argc) g_vod_dir = argv[++i];
    else if (!strcmp(argv[i], "--rtmpe-type") && i + 1 < argc) g_rtmpe_type = argv[++i];
    else if (!strcmp(argv[i], "--drain-to") && i + 1 < argc) g_drain_to = argv[++i];
    else if (!strcmp(argv[i], "--grace") && i + 1 < argc) g_grace_ms = atoi(argv[++i]);
    else if (!strcmp(argv[i], "--auth") && i + 1 < argc) {
      const char *a = argv[++i];
      g_auth = !strncmp(a, "adobe:", 6) ? 1 : !strncmp(a, "llnw:", 5) ? 2 : 0;
      if (!g_auth || sscanf(strchr(a, ':') + 1, "%127[^:]:%127[^:]:%127s", g_auth_user, g_auth_pass, g_auth_app) != 3) {
        say("--auth takes adobe|llnw:USER:PASSWORD:APP");
        return 1;
      }
    }
    else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) { usage(); return 0; }
    else { usage(); return 1; }
  }
  if (tls_port >= 0 && (!cert || !key)) { say("--tls-port needs --cert and --key"); return 1; }
  if (g_rtmpe_type && strcmp(g_rtmpe_type, "6") && strcmp(g_rtmpe_type, "8") && strcmp(g_rtmpe_type, "9")) {
    say("--rtmpe-type takes 6, 8 or 9");
    return 1;
  }
  random_hex(g_salt);
  RTMP_LogSetLevel(g_verbose >= 2 ? RTMP_LOGDEBUG : g_verbose ? RTMP_LOGINFO : RTMP_LOGERROR);
  signal(SIGPIPE, SIG_IGN);
  signal(SIGINT, on_signal);
  signal(SIGTERM, on_signal);
  if (g_drain_to) signal(SIGUSR1, on_signal);

  if (tls_port >= 0) {
    tls = RTMP_TLS_AllocServerContext(cert, key);
    if (!tls) { say("cannot use %s and %s for TLS", cert, key); return 2; }
  }
  if ((fds[nfds] = listen_on(bind_addr, &port)) < 0) return 2;
  say("listening on rtmp://%s:%d", bind_addr, port);
  nfds++;
  if (tls) {
    if ((fds[nfds] = listen_on(bind_addr, &tls_port)) < 0) return 2;
    say("listening on rtmps://%s:%d", bind_addr, tls_port);
    nfds++;
  }

  while (!g_stop) {
    struct pollfd p[2] = { { fds[0], POLLIN, 0 }, { fds[1], POLLIN, 0 } };
    if (poll(p, (nfds_t)nfds, 200) <= 0) continue;
    for (i = 0; i < nfds; i++) {
      if (!(p[i].revents & POLLIN)) continue;
      int fd = accept4(fds[i], NULL, NULL, SOCK_CLOEXEC);
      if (fd < 0) continue;
      client *c = calloc(1, sizeof(*c));
      pthread_t t;
      pthread_attr_t at;
      if (!c) { close(fd); continue; }
      c->fd = fd;
      c->tls = i == 1 ? tls : NULL;
      c->drained = (unsigned)g_drain; /* a drain asks the clients it finds, not those that come after */
      pthread_attr_init(&at);
      pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
      pthread_mutex_lock(&g_lock);
      c->next_client = g_clients;
      g_clients = c;
      if (pthread_create(&t, &at, serve, c) != 0) {
        g_clients = c->next_client;
        close(fd);
        free(c);
      }
      pthread_mutex_unlock(&g_lock);
      pthread_attr_destroy(&at);
    }
  }
  say("stopping");
  for (i = 0; i < nfds; i++) close(fds[i]);
  stop_clients();
  /* Connections still in RTMP_TLS_Accept hold their own reference to the context. */
  RTMP_TLS_FreeServerContext(tls);
  return 0;
}
