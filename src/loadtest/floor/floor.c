/*
 * Target "floor" of the load harness (issue 22 part 1): the machine's floor for the page protocol.
 *
 * One thread, epoll (level-triggered), non-blocking sockets, no copy on the delivery path while the kernel takes
 * the bytes (a page whose socket buffer is full gets the rest queued). It speaks just
 * enough of the gateway's page protocol (docs/PROTOCOL.md) for the harness's page clients (PageWire):
 *   - the WebSocket handshake on GET /eventbus/websocket[?...] (any other path: 404), no extensions;
 *   - unasked welcome {"op":"welcome","send":IN}; hello -> session; sub -> suback (granted); unsub -> unsuback;
 *     pub -> one delivery {"type":"rec","address":"floor.inbox","body":{"op":"msg","topic":T,"payload":P}} to every
 *     other connection subscribed to exactly T (no wildcard matching: the harness publishes to exact topics only);
 *   - {"type":"ping"} and WebSocket pings (answered with a pong), close frames.
 * A publish is encoded ONCE (WebSocket header + JSON) and written with ONE write(2) per subscribed page; only what
 * the kernel did not take is copied into that page's output buffer (sent on EPOLLOUT, order kept).
 * No authentication, no ACL, no sessions, no limits: what is left is the cost of the sockets themselves.
 *
 *   gcc -O2 -Wall -o target/floor-server src/loadtest/floor/floor.c     (run.sh does this)
 *   taskset -c 0 target/floor-server PORT
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_IN (1 << 20)   /* a client message larger than this closes the connection */
#define BUCKETS (1 << 16)

/* ---- SHA-1 and base64, for Sec-WebSocket-Accept only ------------------------------------------------------- */

static uint32_t rol(uint32_t v, int n) { return (v << n) | (v >> (32 - n)); }

static void sha1(const unsigned char *data, size_t len, unsigned char out[20]) {
  uint32_t h[5] = {0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0};
  size_t total = ((len + 8) / 64 + 1) * 64;
  unsigned char *m = calloc(total, 1);
  memcpy(m, data, len);
  m[len] = 0x80;
  uint64_t bits = (uint64_t) len * 8;
  for (int i = 0; i < 8; i++) m[total - 1 - i] = (unsigned char) (bits >> (8 * i));
  for (size_t off = 0; off < total; off += 64) {
    uint32_t w[80];
    for (int i = 0; i < 16; i++)
      w[i] = (uint32_t) m[off + 4 * i] << 24 | (uint32_t) m[off + 4 * i + 1] << 16 | (uint32_t) m[off + 4 * i + 2] << 8
          | m[off + 4 * i + 3];
    for (int i = 16; i < 80; i++) w[i] = rol(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
    uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4];
    for (int i = 0; i < 80; i++) {
      uint32_t f, k;
      if (i < 20) { f = (b & c) | (~b & d); k = 0x5A827999; }
      else if (i < 40) { f = b ^ c ^ d; k = 0x6ED9EBA1; }
      else if (i < 60) { f = (b & c) | (b & d) | (c & d); k = 0x8F1BBCDC; }
      else { f = b ^ c ^ d; k = 0xCA62C1D6; }
      uint32_t t = rol(a, 5) + f + e + k + w[i];
      e = d; d = c; c = rol(b, 30); b = a; a = t;
    }
    h[0] += a; h[1] += b; h[2] += c; h[3] += d; h[4] += e;
  }
  free(m);
  for (int i = 0; i < 5; i++)
    for (int j = 0; j < 4; j++) out[4 * i + j] = (unsigned char) (h[i] >> (24 - 8 * j));
}

static void base64(const unsigned char *in, int len, char *out) {
  static const char t[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  int o = 0;
  for (int i = 0; i < len; i += 3) {
    uint32_t v = (uint32_t) in[i] << 16 | (i + 1 < len ? (uint32_t) in[i + 1] << 8 : 0) | (i + 2 < len ? in[i + 2] : 0);
    out[o++] = t[(v >> 18) & 63];
    out[o++] = t[(v >> 12) & 63];
    out[o++] = i + 1 < len ? t[(v >> 6) & 63] : '=';
    out[o++] = i + 2 < len ? t[v & 63] : '=';
  }
  out[o] = 0;
}

/* ---- connections and topics --------------------------------------------------------------------------------- */

struct topic;

typedef struct {
  char *id;
  struct topic *topic;
} sub_t;

typedef struct conn {
  int fd;
  int ws;        /* 0: reading the HTTP upgrade request, 1: WebSocket */
  int dead;      /* closed: freed after the current batch of epoll events */
  int want_out;  /* EPOLLOUT registered */
  char *in;
  size_t in_len, in_cap;
  char *msg;     /* a fragmented message being assembled */
  size_t msg_len, msg_cap;
  char *out;
  size_t out_off, out_len, out_cap;
  sub_t *subs;
  int nsubs, subs_cap;
  struct conn *next_dead;
} conn_t;

typedef struct topic {
  char *name;
  conn_t **conns;
  int n, cap;
  struct topic *next;
} topic_t;

static int ep;
static topic_t *buckets[BUCKETS];
static conn_t *dead_list;
static long live_conns;

static uint32_t hash(const char *s, size_t len) {
  uint32_t h = 2166136261u;
  for (size_t i = 0; i < len; i++) h = (h ^ (unsigned char) s[i]) * 16777619u;
  return h;
}

static topic_t *topic_find(const char *name, size_t len, int create) {
  uint32_t b = hash(name, len) & (BUCKETS - 1);
  for (topic_t *t = buckets[b]; t; t = t->next)
    if (strlen(t->name) == len && memcmp(t->name, name, len) == 0) return t;
  if (!create) return NULL;
  topic_t *t = calloc(1, sizeof *t);
  t->name = strndup(name, len);
  t->next = buckets[b];
  buckets[b] = t;
  return t;
}

static void topic_remove(topic_t *t, conn_t *c) {
  for (int i = 0; i < t->n; i++) {
    if (t->conns[i] == c) {
      t->conns[i] = t->conns[--t->n];
      break;
    }
  }
  if (t->n == 0) { /* churn topics come and go: forget the empty ones */
    size_t len = strlen(t->name);
    topic_t **p = &buckets[hash(t->name, len) & (BUCKETS - 1)];
    while (*p != t) p = &(*p)->next;
    *p = t->next;
    free(t->conns);
    free(t->name);
    free(t);
  }
}

static void grow(char **buf, size_t *cap, size_t need) {
  if (need <= *cap) return;
  size_t c = *cap ? *cap : 512;
  while (c < need) c *= 2;
  *buf = realloc(*buf, c);
  *cap = c;
}

static void kill_conn(conn_t *c) {
  if (c->dead) return;
  c->dead = 1;
  epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
  close(c->fd);
  /* its subscriptions go in free_dead(): a broadcast may be walking a topic's list right now (it skips dead ones) */
  c->next_dead = dead_list;
  dead_list = c;
  live_conns--;
}

static void free_dead(void) {
  while (dead_list) {
    conn_t *c = dead_list;
    dead_list = c->next_dead;
    for (int i = 0; i < c->nsubs; i++) {
      topic_remove(c->subs[i].topic, c);
      free(c->subs[i].id);
    }
    free(c->in);
    free(c->msg);
    free(c->out);
    free(c->subs);
    free(c);
  }
}

/* Writes bytes to the socket, or queues them behind what is queued already. */
static void send_bytes(conn_t *c, const char *p, size_t len) {
  if (c->dead) return;
  if (c->out_len == c->out_off) {
    ssize_t n = write(c->fd, p, len);
    if (n == (ssize_t) len) return;
    if (n < 0) {
      if (errno != EAGAIN && errno != EWOULDBLOCK) { kill_conn(c); return; }
      n = 0;
    }
    p += n;
    len -= (size_t) n;
    c->out_off = c->out_len = 0;
  }
  grow(&c->out, &c->out_cap, c->out_len + len);
  memcpy(c->out + c->out_len, p, len);
  c->out_len += len;
  if (!c->want_out) {
    struct epoll_event ev = {.events = EPOLLIN | EPOLLOUT, .data.ptr = c};
    epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
    c->want_out = 1;
  }
}

static void flush_out(conn_t *c) {
  while (c->out_off < c->out_len) {
    ssize_t n = write(c->fd, c->out + c->out_off, c->out_len - c->out_off);
    if (n < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK) return;
      kill_conn(c);
      return;
    }
    c->out_off += (size_t) n;
  }
  c->out_off = c->out_len = 0;
  struct epoll_event ev = {.events = EPOLLIN, .data.ptr = c};
  epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
  c->want_out = 0;
}

/* A server frame (never masked): header into hdr, returns its length. */
static size_t ws_header(unsigned char *hdr, int opcode, size_t len) {
  hdr[0] = (unsigned char) (0x80 | opcode);
  if (len < 126) { hdr[1] = (unsigned char) len; return 2; }
  if (len < 65536) { hdr[1] = 126; hdr[2] = (unsigned char) (len >> 8); hdr[3] = (unsigned char) len; return 4; }
  hdr[1] = 127;
  for (int i = 0; i < 8; i++) hdr[2 + i] = (unsigned char) (len >> (56 - 8 * i));
  return 10;
}

static char *frame_buf;
static size_t frame_cap;

/* Encodes one frame into frame_buf; returns its length. A binary frame, as the gateway sends its JSON: the
 * harness's client then reads both targets' frames the same way (a text frame may be UTF-8 checked). */
static size_t encode(const char *a, size_t alen, const char *b, size_t blen, const char *z, size_t zlen) {
  size_t len = alen + blen + zlen;
  grow(&frame_buf, &frame_cap, len + 10);
  unsigned char hdr[10];
  size_t h = ws_header(hdr, 2, len);
  memcpy(frame_buf, hdr, h);
  memcpy(frame_buf + h, a, alen);
  memcpy(frame_buf + h + alen, b, blen);
  memcpy(frame_buf + h + alen + blen, z, zlen);
  return h + len;
}

static void send_json(conn_t *c, const char *s) {
  size_t n = encode(s, strlen(s), "", 0, "", 0);
  send_bytes(c, frame_buf, n);
}

/* The value of "key":"..." in [p, end), or NULL. */
static const char *str_field(const char *p, const char *end, const char *key, size_t *len) {
  size_t klen = strlen(key);
  const char *k = memmem(p, (size_t) (end - p), key, klen);
  if (!k) return NULL;
  const char *v = k + klen;
  const char *q = memchr(v, '"', (size_t) (end - v));
  if (!q) return NULL;
  *len = (size_t) (q - v);
  return v;
}

static void reply_id(conn_t *c, const char *head, const char *id, size_t idlen, const char *tail) {
  size_t hl = strlen(head), tl = strlen(tail);
  size_t n = encode(head, hl, id, idlen, tail, tl);
  send_bytes(c, frame_buf, n);
}

static void on_message(conn_t *c, char *m, size_t len) {
  const char *end = m + len;
  size_t oplen;
  const char *op = str_field(m, end, "\"op\":\"", &oplen);
  if (!op) return; /* {"type":"ping"}: nothing to answer, as the bridge */
  if (oplen == 3 && memcmp(op, "pub", 3) == 0) {
    size_t tlen;
    const char *topic = str_field(op, end, "\"topic\":\"", &tlen);
    const char *pl = memmem(op, (size_t) (end - op), "\"payload\":", 10);
    if (!topic || !pl || len < 2 || end[-1] != '}' || end[-2] != '}') return;
    pl += 10;
    topic_t *t = topic_find(topic, tlen, 0);
    if (!t) return;
    /* {"type":"rec","address":"floor.inbox","body":{"op":"msg","topic":T,"payload":P}} - encoded once */
    static char head[512];
    int hl = snprintf(head, sizeof head, "{\"type\":\"rec\",\"address\":\"floor.inbox\",\"body\":{\"op\":\"msg\","
        "\"topic\":\"%.*s\",\"payload\":", (int) tlen, topic);
    if (hl <= 0 || hl >= (int) sizeof head) return;
    size_t n = encode(head, (size_t) hl, pl, (size_t) (end - 2 - pl), "}}", 2);
    for (int i = 0; i < t->n; i++) {
      conn_t *s = t->conns[i];
      if (s != c) send_bytes(s, frame_buf, n); /* one write per page (none to a dead one) */
    }
  } else if (oplen == 3 && memcmp(op, "sub", 3) == 0) {
    size_t idlen, flen;
    const char *id = str_field(op, end, "\"id\":\"", &idlen);
    const char *filter = str_field(op, end, "\"filter\":\"", &flen);
    if (!id || !filter) return;
    topic_t *t = topic_find(filter, flen, 1);
    if (t->n == t->cap) {
      t->cap = t->cap ? t->cap * 2 : 4;
      t->conns = realloc(t->conns, sizeof *t->conns * (size_t) t->cap);
    }
    t->conns[t->n++] = c;
    if (c->nsubs == c->subs_cap) {
      c->subs_cap = c->subs_cap ? c->subs_cap * 2 : 8;
      c->subs = realloc(c->subs, sizeof *c->subs * (size_t) c->subs_cap);
    }
    c->subs[c->nsubs].id = strndup(id, idlen);
    c->subs[c->nsubs].topic = t;
    c->nsubs++;
    reply_id(c, "{\"type\":\"rec\",\"address\":\"floor.inbox\",\"body\":{\"op\":\"suback\",\"id\":\"", id, idlen,
        "\",\"granted\":true}}");
  } else if (oplen == 5 && memcmp(op, "unsub", 5) == 0) {
    size_t idlen;
    const char *id = str_field(op, end, "\"id\":\"", &idlen);
    if (!id) return;
    for (int i = 0; i < c->nsubs; i++) {
      if (strlen(c->subs[i].id) == idlen && memcmp(c->subs[i].id, id, idlen) == 0) {
        topic_remove(c->subs[i].topic, c);
        free(c->subs[i].id);
        c->subs[i] = c->subs[--c->nsubs];
        break;
      }
    }
    reply_id(c, "{\"type\":\"rec\",\"address\":\"floor.inbox\",\"body\":{\"op\":\"unsuback\",\"id\":\"", id, idlen,
        "\"}}");
  } else if (oplen == 5 && memcmp(op, "hello", 5) == 0) {
    send_json(c, "{\"type\":\"rec\",\"address\":\"floor.inbox\",\"body\":{\"op\":\"session\",\"code\":\"123456\","
        "\"resume\":\"floor\",\"resumed\":false,\"context\":[]}}");
  }
}

static void handshake(conn_t *c) {
  char *hdr_end = memmem(c->in, c->in_len, "\r\n\r\n", 4);
  if (!hdr_end) {
    if (c->in_len > 16384) kill_conn(c);
    return;
  }
  *hdr_end = 0;
  const char *bad = "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
  if (strncmp(c->in, "GET /eventbus/websocket", 23) != 0 || (c->in[23] != ' ' && c->in[23] != '?')) {
    (void) !write(c->fd, bad, strlen(bad));
    kill_conn(c);
    return;
  }
  char *key = NULL;
  for (char *line = strstr(c->in, "\r\n"); line; line = strstr(line + 2, "\r\n")) {
    if (strncasecmp(line + 2, "Sec-WebSocket-Key:", 18) == 0) {
      key = line + 20;
      break;
    }
  }
  if (!key) {
    (void) !write(c->fd, bad, strlen(bad));
    kill_conn(c);
    return;
  }
  while (*key == ' ') key++;
  size_t klen = strcspn(key, "\r\n ");
  char buf[128];
  if (klen > 60) { kill_conn(c); return; }
  memcpy(buf, key, klen);
  memcpy(buf + klen, "258EAFA5-E914-47DA-95CA-C5AB0DC85B11", 36);
  unsigned char digest[20];
  sha1((unsigned char *) buf, klen + 36, digest);
  char accept[40];
  base64(digest, 20, accept);
  char resp[256];
  int n = snprintf(resp, sizeof resp, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
      "Connection: Upgrade\r\nSec-WebSocket-Accept: %s\r\n\r\n", accept);
  size_t used = (size_t) (hdr_end + 4 - c->in);
  memmove(c->in, c->in + used, c->in_len - used);
  c->in_len -= used;
  c->ws = 1;
  send_bytes(c, resp, (size_t) n);
  send_json(c, "{\"type\":\"rec\",\"address\":\"sc.welcome\",\"body\":{\"op\":\"welcome\",\"v\":1,"
      "\"inbox\":\"floor.inbox\",\"send\":\"floor.in\"}}");
}

/* Reads every complete client frame in c->in. */
static void read_frames(conn_t *c) {
  size_t at = 0;
  while (!c->dead) {
    unsigned char *p = (unsigned char *) c->in + at;
    size_t avail = c->in_len - at;
    if (avail < 2) break;
    int fin = p[0] & 0x80, opcode = p[0] & 0x0f, masked = p[1] & 0x80;
    uint64_t len = p[1] & 0x7f;
    size_t h = 2;
    if (len == 126) {
      if (avail < 4) break;
      len = (uint64_t) p[2] << 8 | p[3];
      h = 4;
    } else if (len == 127) {
      if (avail < 10) break;
      len = 0;
      for (int i = 0; i < 8; i++) len = len << 8 | p[2 + i];
      h = 10;
    }
    if (len > MAX_IN) { kill_conn(c); return; }
    size_t mh = masked ? 4 : 0;
    if (avail < h + mh + len) break;
    unsigned char *payload = p + h + mh;
    if (masked) {
      unsigned char *mk = p + h;
      for (uint64_t i = 0; i < len; i++) payload[i] ^= mk[i & 3];
    }
    at += h + mh + (size_t) len;
    if (opcode == 8) { /* close: answer with a close frame, then close */
      unsigned char out[4] = {0x88, 0};
      (void) !write(c->fd, out, 2);
      kill_conn(c);
      return;
    } else if (opcode == 9) { /* ping -> pong with the same data */
      unsigned char hdr[10];
      size_t hl = ws_header(hdr, 10, (size_t) len);
      grow(&frame_buf, &frame_cap, hl + (size_t) len);
      memcpy(frame_buf, hdr, hl);
      memcpy(frame_buf + hl, payload, (size_t) len);
      send_bytes(c, frame_buf, hl + (size_t) len);
    } else if (opcode == 1 || opcode == 2 || opcode == 0) {
      if (fin && c->msg_len == 0) {
        on_message(c, (char *) payload, (size_t) len);
      } else {
        if (c->msg_len + len > MAX_IN) { kill_conn(c); return; }
        grow(&c->msg, &c->msg_cap, c->msg_len + (size_t) len);
        memcpy(c->msg + c->msg_len, payload, (size_t) len);
        c->msg_len += (size_t) len;
        if (fin) {
          on_message(c, c->msg, c->msg_len);
          c->msg_len = 0;
        }
      }
    }
  }
  if (!c->dead && at > 0) {
    memmove(c->in, c->in + at, c->in_len - at);
    c->in_len -= at;
  }
}

static void on_readable(conn_t *c) {
  grow(&c->in, &c->in_cap, c->in_len + 4096);
  ssize_t n = read(c->fd, c->in + c->in_len, c->in_cap - c->in_len);
  if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
    kill_conn(c);
    return;
  }
  if (n < 0) return;
  c->in_len += (size_t) n;
  if (!c->ws) handshake(c);
  if (!c->dead && c->ws) read_frames(c);
  if (!c->dead && c->in_len > MAX_IN + 16) kill_conn(c);
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: floor-server PORT\n");
    return 2;
  }
  signal(SIGPIPE, SIG_IGN);
  int port = atoi(argv[1]);
  int ls = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  int one = 1;
  setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t) port)};
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(ls, (struct sockaddr *) &addr, sizeof addr) < 0 || listen(ls, 4096) < 0) {
    perror("floor-server: bind/listen");
    return 1;
  }
  ep = epoll_create1(0);
  struct epoll_event lev = {.events = EPOLLIN, .data.ptr = NULL};
  epoll_ctl(ep, EPOLL_CTL_ADD, ls, &lev);
  printf("floor server up on 127.0.0.1:%d\n", port);
  fflush(stdout);
  struct epoll_event events[256];
  for (;;) {
    int n = epoll_wait(ep, events, 256, -1);
    if (n < 0) {
      if (errno == EINTR) continue;
      perror("floor-server: epoll_wait");
      return 1;
    }
    for (int i = 0; i < n; i++) {
      conn_t *c = events[i].data.ptr;
      if (!c) {
        for (;;) {
          int fd = accept4(ls, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
          if (fd < 0) break;
          setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
          conn_t *nc = calloc(1, sizeof *nc);
          nc->fd = fd;
          struct epoll_event ev = {.events = EPOLLIN, .data.ptr = nc};
          epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
          live_conns++;
        }
        continue;
      }
      if (c->dead) continue;
      if (events[i].events & EPOLLOUT) flush_out(c);
      if (!c->dead && (events[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR))) on_readable(c);
    }
    free_dead();
  }
}
