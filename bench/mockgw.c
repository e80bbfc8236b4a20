/*
 * mockgw.c - a fast mock webhook gateway for the benchmarks.
 *
 * One process, one libevent loop, evhttp (HTTP/1.1, keep-alive). Every
 * POST gets 200 {"ok":true}; anything else gets 405. For each request the
 * wall-clock time it was fully received (microseconds since the epoch) and
 * its Idempotency-Key header are kept in a preallocated array, and written
 * out as "usec key\n" lines when the process stops: on SIGTERM or SIGINT,
 * or when its maximum lifetime passes (it always exits by itself).
 *
 *   mockgw [-P port] [-p portfile] [-o outfile] [-n max] [-t seconds] [-d usec]
 *
 *   -P port      port on 127.0.0.1 (default 0: any free one)
 *   -p portfile  write the bound port there (atomically) once listening
 *   -o outfile   where the records go (default mockgw.out); written to
 *                outfile.tmp, then renamed, so its presence means complete
 *   -n max       requests recorded at most (default 2000000); more are
 *                answered and counted, not recorded
 *   -t seconds   maximum lifetime (default 900)
 *   -d usec      answer each request this long after it arrived (a timer
 *                per request; the loop never sleeps)
 *
 * A summary line goes to stderr at exit. Build:
 *   cc -std=c11 -O2 -Wall -Wextra -Werror -o mockgw mockgw.c \
 *       $(pkg-config --cflags --libs libevent)
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#define KEY_MAX		48	/* bytes kept of a key, with the NUL */

struct rec {
	int64_t		 usec;
	char		 key[KEY_MAX];
};

static struct rec	*recs;
static size_t		 nrecs, maxrecs = 2000000;
static uint64_t		 total, dropped, truncated, nonpost;
static const char	 okbody[] = "{\"ok\":true}";
static struct timeval	 delay;
static int		 delayed;

static void
usage(void)
{
	fprintf(stderr, "usage: mockgw [-P port] [-p portfile] [-o outfile] "
	    "[-n max] [-t seconds] [-d usec]\n");
	exit(2);
}

static long long
num(const char *s, long long lo, long long hi, const char *what)
{
	char		*end;
	long long	 v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < lo || v > hi) {
		fprintf(stderr, "mockgw: bad %s: %s\n", what, s);
		exit(2);
	}
	return (v);
}

static int64_t
now_usec(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ((int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000);
}

static void
reply(struct evhttp_request *req)
{
	struct evbuffer	*b = evbuffer_new();

	evhttp_add_header(evhttp_request_get_output_headers(req),
	    "Content-Type", "application/json");
	if (b != NULL)
		evbuffer_add_reference(b, okbody, sizeof(okbody) - 1, NULL,
		    NULL);
	evhttp_send_reply(req, 200, "OK", b);
	if (b != NULL)
		evbuffer_free(b);
}

static void
delayed_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	reply(arg);
}

static void
request_cb(struct evhttp_request *req, void *arg)
{
	struct event_base	*base = arg;
	const char		*key;
	struct rec		*r;
	int64_t			 t = now_usec();
	size_t			 len;

	total++;
	if (evhttp_request_get_command(req) != EVHTTP_REQ_POST) {
		nonpost++;
		evhttp_send_error(req, 405, "POST only");
		return;
	}
	if (nrecs < maxrecs) {
		r = &recs[nrecs++];
		r->usec = t;
		key = evhttp_find_header(evhttp_request_get_input_headers(req),
		    "Idempotency-Key");
		if (key == NULL)
			key = "-";
		len = strlen(key);
		if (len >= KEY_MAX) {
			truncated++;
			len = KEY_MAX - 1;
		}
		memcpy(r->key, key, len);
		r->key[len] = '\0';
		/* keep the output one record a line whatever the header holds */
		for (char *p = r->key; *p != '\0'; p++)
			if (*p == ' ' || *p == '\n' || *p == '\r')
				*p = '_';
	} else
		dropped++;
	if (delayed && event_base_once(base, -1, EV_TIMEOUT, delayed_cb, req,
	    &delay) == 0)
		return;
	reply(req);
}

static void
stop_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	event_base_loopbreak(arg);
}

/* Write a small file atomically: path.tmp, then rename. */
static int
write_atomic(const char *path, const char *text)
{
	char	 tmp[PATH_MAX];
	FILE	*f;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	if ((f = fopen(tmp, "w")) == NULL)
		return (-1);
	fputs(text, f);
	if (fclose(f) != 0 || rename(tmp, path) != 0)
		return (-1);
	return (0);
}

static int
dump(const char *path)
{
	char	 tmp[PATH_MAX];
	FILE	*f;
	size_t	 i;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	if ((f = fopen(tmp, "w")) == NULL) {
		fprintf(stderr, "mockgw: %s: %s\n", tmp, strerror(errno));
		return (-1);
	}
	setvbuf(f, NULL, _IOFBF, 1 << 20);
	for (i = 0; i < nrecs; i++)
		fprintf(f, "%" PRId64 " %s\n", recs[i].usec, recs[i].key);
	if (fclose(f) != 0 || rename(tmp, path) != 0) {
		fprintf(stderr, "mockgw: %s: %s\n", path, strerror(errno));
		return (-1);
	}
	return (0);
}

int
main(int argc, char *argv[])
{
	const char			*portfile = NULL, *outfile = "mockgw.out";
	long long			 port = 0, lifetime = 900, delay_us = 0;
	struct event_base		*base;
	struct evhttp			*http;
	struct evhttp_bound_socket	*bs;
	struct event			*sigterm, *sigint, *life;
	struct sockaddr_in		 sin;
	socklen_t			 slen = sizeof(sin);
	struct timeval			 tv;
	char				 buf[32];
	int				 ch, rc = 0;

	while ((ch = getopt(argc, argv, "P:p:o:n:t:d:h")) != -1) {
		switch (ch) {
		case 'P': port = num(optarg, 0, 65535, "port"); break;
		case 'p': portfile = optarg; break;
		case 'o': outfile = optarg; break;
		case 'n': maxrecs = (size_t)num(optarg, 1, 100000000, "-n"); break;
		case 't': lifetime = num(optarg, 1, 86400, "-t"); break;
		case 'd': delay_us = num(optarg, 0, 60000000, "-d"); break;
		default: usage();
		}
	}
	if (optind != argc)
		usage();
	signal(SIGPIPE, SIG_IGN);
	/* untouched pages cost nothing: the array is reserved, not resident */
	if ((recs = malloc(maxrecs * sizeof(*recs))) == NULL) {
		fprintf(stderr, "mockgw: cannot allocate %zu records\n", maxrecs);
		return (1);
	}
	if ((base = event_base_new()) == NULL ||
	    (http = evhttp_new(base)) == NULL) {
		fprintf(stderr, "mockgw: libevent initialisation failed\n");
		return (1);
	}
	delayed = delay_us > 0;
	delay.tv_sec = delay_us / 1000000;
	delay.tv_usec = delay_us % 1000000;
	evhttp_set_allowed_methods(http, EVHTTP_REQ_POST | EVHTTP_REQ_GET |
	    EVHTTP_REQ_HEAD);
	evhttp_set_max_body_size(http, 1 << 20);
	evhttp_set_timeout(http, 60);
	evhttp_set_gencb(http, request_cb, base);
	if ((bs = evhttp_bind_socket_with_handle(http, "127.0.0.1",
	    (uint16_t)port)) == NULL) {
		fprintf(stderr, "mockgw: cannot bind 127.0.0.1:%lld\n", port);
		return (1);
	}
	if (getsockname(evhttp_bound_socket_get_fd(bs), (struct sockaddr *)&sin,
	    &slen) == -1) {
		perror("mockgw: getsockname");
		return (1);
	}
	if (portfile != NULL) {
		snprintf(buf, sizeof(buf), "%u\n", ntohs(sin.sin_port));
		if (write_atomic(portfile, buf) == -1) {
			fprintf(stderr, "mockgw: %s: %s\n", portfile,
			    strerror(errno));
			return (1);
		}
	}
	sigterm = evsignal_new(base, SIGTERM, stop_cb, base);
	sigint = evsignal_new(base, SIGINT, stop_cb, base);
	life = evtimer_new(base, stop_cb, base);
	if (sigterm == NULL || sigint == NULL || life == NULL) {
		fprintf(stderr, "mockgw: event_new failed\n");
		return (1);
	}
	evsignal_add(sigterm, NULL);
	evsignal_add(sigint, NULL);
	tv.tv_sec = lifetime;
	tv.tv_usec = 0;
	evtimer_add(life, &tv);

	event_base_dispatch(base);

	if (dump(outfile) == -1)
		rc = 1;
	fprintf(stderr, "mockgw: %" PRIu64 " requests, %zu recorded, %" PRIu64
	    " not recorded (over -n), %" PRIu64 " keys truncated, %" PRIu64
	    " not POST\n", total, nrecs, dropped, truncated, nonpost);
	/* pending delayed answers and connections die with the process */
	event_free(sigterm);
	event_free(sigint);
	event_free(life);
	evhttp_free(http);
	event_base_free(base);
	free(recs);
	return (rc);
}
