/*
 * watch.c - notice the court's commits at once, without polling hard.
 *
 * inotify on the database's directory is the low-latency hint (a commit
 * in WAL mode writes the -wal file; the file itself may be deleted and
 * re-created, so the directory is watched, never the file). PRAGMA
 * data_version confirms that another connection committed, so huigaod's
 * own writes wake nothing. A slow fallback timer covers what inotify can
 * miss (queue overflow, network file systems, a database replaced by
 * rename). The database files are never opened outside SQLite: closing any
 * descriptor of them would drop SQLite's POSIX locks.
 */
#include <errno.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <event2/event.h>

#include "core.h"

struct watch {
	struct env	*env;
	int		 fd;
	struct event	*ev;
	struct event	*poll;
	struct event	*again;		/* re-check after a hit that showed nothing */
	int		 tries;
	char		*base;		/* the database's file name */
	int64_t		 version;	/* last PRAGMA data_version seen */
};

/* Kick the scheduler if another connection committed since last time. */
static int
watch_check(struct watch *w, const char *why)
{
	int64_t	 v = store_data_version(w->env->store);

	if (v == w->version)
		return (0);
	w->version = v;
	log_debug("database changed (%s)", why);
	sched_kick(w->env->sched);
	return (1);
}

/*
 * SQLite writes the WAL frames (inotify sees them) before it publishes the
 * commit in the -shm index through mmap (inotify does not): a check at the
 * moment of the event can come too early: the writer is still in its
 * fsync. So a hit that shows no change is checked again 0.25, 0.75, 1.75,
 * 3.75, 12 and 62 ms after it (each check is one cached PRAGMA).
 */
static const int watch_delays_us[] = { 250, 500, 1000, 2000, 8000, 50000 };

static void
watch_again_cb(evutil_socket_t fd, short what, void *arg)
{
	struct watch	*w = arg;
	struct timeval	 tv;
	int		 n = sizeof(watch_delays_us) / sizeof(watch_delays_us[0]);

	(void)fd;
	(void)what;
	if (watch_check(w, "inotify, re-checked") || ++w->tries >= n)
		return;
	tv.tv_sec = 0;
	tv.tv_usec = watch_delays_us[w->tries];
	evtimer_add(w->again, &tv);
}

/* Is this directory entry the database or one of its journals? */
static int
watch_ours(const struct watch *w, const char *name)
{
	size_t	 n = strlen(w->base);

	if (strncmp(name, w->base, n) != 0)
		return (0);
	return (name[n] == '\0' || strcmp(name + n, "-wal") == 0 ||
	    strcmp(name + n, "-journal") == 0);
}

/* inotify: drain the queue, then confirm with data_version. */
static void
watch_inotify_cb(evutil_socket_t fd, short what, void *arg)
{
	struct watch			*w = arg;
	char				 buf[8192]
	    __attribute__((aligned(__alignof__(struct inotify_event))));
	const struct inotify_event	*ev;
	ssize_t				 n;
	int				 hit = 0;
	char				*p;

	(void)what;
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		for (p = buf; p < buf + n; p += sizeof(*ev) + ev->len) {
			ev = (const struct inotify_event *)(void *)p;
			if ((ev->mask & IN_Q_OVERFLOW) ||
			    (ev->len > 0 && watch_ours(w, ev->name)))
				hit = 1;
		}
	}
	if (hit && !watch_check(w, "inotify")) {
		struct timeval	 tv = { 0, watch_delays_us[0] };

		w->tries = 0;
		evtimer_add(w->again, &tv);
	}
}

/* The fallback timer. */
static void
watch_poll_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)watch_check(arg, "poll");
}

void
watch_reconfigure(struct watch *w)
{
	struct timeval	 tv;
	int64_t		 ms = w->env->cfg->delivery.poll_ms;

	tv.tv_sec = ms / 1000;
	tv.tv_usec = (ms % 1000) * 1000;
	event_del(w->poll);
	event_add(w->poll, &tv);
}

struct watch *
watch_new(struct env *env, char **cause)
{
	struct watch	*w = xcalloc(1, sizeof(*w));
	char		*d1 = xstrdup(env->cfg->database);
	char		*d2 = xstrdup(env->cfg->database);

	w->env = env;
	w->base = xstrdup(basename(d1));
	w->version = store_data_version(env->store);
	w->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (w->fd == -1 || inotify_add_watch(w->fd, dirname(d2), IN_MODIFY |
	    IN_CLOSE_WRITE | IN_CREATE | IN_MOVED_TO) == -1) {
		/* not fatal: the fallback timer still finds every commit */
		log_warn("inotify on the database directory; relying on the "
		    "%lld ms timer", (long long)env->cfg->delivery.poll_ms);
		if (w->fd != -1)
			close(w->fd);
		w->fd = -1;
	} else {
		w->ev = event_new(env->base, w->fd, EV_READ | EV_PERSIST,
		    watch_inotify_cb, w);
		event_add(w->ev, NULL);
	}
	free(d1);
	free(d2);
	w->poll = event_new(env->base, -1, EV_PERSIST, watch_poll_cb, w);
	w->again = evtimer_new(env->base, watch_again_cb, w);
	if (w->poll == NULL || w->again == NULL) {
		*cause = xstrdup("event_new failed");
		watch_free(w);
		return (NULL);
	}
	watch_reconfigure(w);
	return (w);
}

void
watch_free(struct watch *w)
{
	if (w == NULL)
		return;
	if (w->ev != NULL)
		event_free(w->ev);
	if (w->poll != NULL)
		event_free(w->poll);
	if (w->again != NULL)
		event_free(w->again);
	if (w->fd != -1)
		close(w->fd);
	free(w->base);
	free(w);
}
