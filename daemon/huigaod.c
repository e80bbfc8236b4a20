/*
 * huigaod.c - the daemon: start-up, signals, reload and shutdown.
 *
 * One process, one event_base. The database is the source of truth; the
 * process holds only what is in flight. Start-up: check the config, take
 * the single-instance lock, open the database, give back rows a crashed
 * process left leased, then let the scheduler expand and send the backlog.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>
#include <systemd/sd-daemon.h>

#include "core.h"

static struct env	 env;
static struct event	*drain_timer;
static int		 lock_fd = -1;

static void
usage(void)
{
	fprintf(stderr, "usage: huigaod [-otvV] [-c file]\n"
	    "  -c file  configuration (default %s)\n"
	    "  -t       check the configuration and exit (0 OK, 78 error)\n"
	    "  -o       once: deliver what is due, exit when nothing is\n"
	    "  -v       more logging (repeat for more)\n"
	    "  -V       print the version and exit\n", HUIGAO_DEFAULT_CONF);
	exit(2);
}

/* Apply the configured time zone to local-time parsing and windows. */
static void
apply_timezone(const struct config *cfg)
{
	char	 path[512];

	snprintf(path, sizeof(path), "/usr/share/zoneinfo/%s", cfg->timezone);
	if (access(path, R_OK) == -1)
		log_warnx("time zone \"%s\" not found under /usr/share/zoneinfo "
		    "(install tzdata); local times are read as UTC",
		    cfg->timezone);
	setenv("TZ", cfg->timezone, 1);
	tzset();
}

/* log.level from the configuration, unless -v asked for more. */
static int	 cmdline_verbose;

static void
apply_loglevel(const struct config *cfg)
{
	if (cmdline_verbose > 0)
		return;
	if (strcmp(cfg->log_level, "debug") == 0)
		log_setverbose(1);
	else if (strcmp(cfg->log_level, "warning") == 0)
		log_setverbose(-1);
	else
		log_setverbose(0);
}

/* One huigaod per database: an flock on a file beside it. */
static void
take_lock(const char *db)
{
	char	*path = xasprintf("%s.huigaod.lock", db);

	lock_fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (lock_fd == -1)
		fatal("lock file %s", path);
	if (flock(lock_fd, LOCK_EX | LOCK_NB) == -1) {
		if (errno == EWOULDBLOCK)
			fatalx("another huigaod is already running on %s", db);
		fatal("flock %s", path);
	}
	free(path);
}

/* Everything is written: leave the loop. */
static void
drained(struct env *e)
{
	event_base_loopexit(e->base, NULL);
}

/* The drain bound passed: give back what is still in flight. */
static void
drain_timeout_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	log_warnx("shutdown: %zu sends still in flight after %lld s; "
	    "releasing them (sent again with the same key on restart)",
	    sched_inflight(env.sched),
	    (long long)(env.cfg->delivery.drain_ms / 1000));
	http_abort_all(env.http);
	sched_kick(env.sched);
}

/* SIGTERM / SIGINT: stop claiming, let in-flight sends finish, exit. */
static void
sig_term_cb(evutil_socket_t sig, short what, void *arg)
{
	struct timeval	 tv;

	(void)what;
	(void)arg;
	if (env.stopping) {
		log_info("second signal %d: releasing in-flight sends now",
		    (int)sig);
		drain_timeout_cb(-1, 0, NULL);
		return;
	}
	env.stopping = 1;
	sd_notify(0, "STOPPING=1");
	log_info("signal %d: stopping; %zu sends in flight", (int)sig,
	    sched_inflight(env.sched));
	tv.tv_sec = env.cfg->delivery.drain_ms / 1000;
	tv.tv_usec = (env.cfg->delivery.drain_ms % 1000) * 1000;
	evtimer_add(drain_timer, &tv);
	sched_drain(env.sched, drained);
}

/* A reload moved status.listen, or the server could not start before. */
static void
reload_status(const char *old)
{
	char	*cause = NULL;

	if (env.status == NULL) {
		if ((env.status = status_new(&env, &cause)) == NULL) {
			log_warnx("%s; running without the status server",
			    cause);
			free(cause);
		}
		return;
	}
	/* unchanged, unless a failed move left it with no socket at all */
	if (strcmp(old, env.cfg->status_listen) == 0 &&
	    status_listening(env.status))
		return;
	if (status_rebind(env.status, old, &cause) == -1) {
		log_warnx("reload: %s; the status server stays on %s", cause,
		    old);
		free(cause);
	}
}

/* SIGHUP: load the file again; swap only a valid configuration. */
static void
sig_hup_cb(evutil_socket_t sig, short what, void *arg)
{
	struct config	*nc;
	char		*cause = NULL, *listen;

	(void)sig;
	(void)what;
	(void)arg;
	sd_notify(0, "RELOADING=1");
	if ((nc = cfg_load(env.cfg->path, &cause)) == NULL) {
		log_warnx("reload failed: %s; keeping the current configuration",
		    cause);
		free(cause);
		sd_notify(0, "READY=1");
		return;
	}
	if (strcmp(nc->database, env.cfg->database) != 0)
		log_warnx("reload: a new database path takes effect only after "
		    "a restart; still using %s", env.cfg->database);
	listen = xstrdup(env.cfg->status_listen);
	cfg_unref(env.cfg);	/* in-flight sends keep the old one alive */
	env.cfg = nc;
	apply_timezone(nc);
	apply_loglevel(nc);
	watch_reconfigure(env.watch);
	reload_status(listen);
	free(listen);
	log_info("reloaded %s: %zu courts, %zu steps, %zu gateways", nc->path,
	    nc->ncourts, nc->nsteps, nc->ngws);
	sd_notify(0, "READY=1");
	sched_kick(env.sched);
}

/* systemd's watchdog: ping from the loop, so a stuck loop is restarted. */
static void
watchdog_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	sd_notify(0, "WATCHDOG=1");
}

/* Signals and the watchdog, all on the loop. */
static void
setup_events(struct event *evs[5])
{
	uint64_t	 usec = 0;
	struct timeval	 tv;

	evs[0] = evsignal_new(env.base, SIGTERM, sig_term_cb, NULL);
	evs[1] = evsignal_new(env.base, SIGINT, sig_term_cb, NULL);
	evs[2] = evsignal_new(env.base, SIGHUP, sig_hup_cb, NULL);
	evs[3] = NULL;
	evs[4] = NULL;
	if (sd_watchdog_enabled(0, &usec) > 0 && usec > 0) {
		evs[3] = event_new(env.base, -1, EV_PERSIST, watchdog_cb, NULL);
		tv.tv_sec = (time_t)(usec / 2 / 1000000);
		tv.tv_usec = (suseconds_t)(usec / 2 % 1000000);
		event_add(evs[3], &tv);
	}
	event_add(evs[0], NULL);
	event_add(evs[1], NULL);
	event_add(evs[2], NULL);
	drain_timer = evtimer_new(env.base, drain_timeout_cb, NULL);
}

/* Load the config for the first time; -t ends here. */
static struct config *
load_or_exit(const char *path, int checkonly)
{
	struct config	*cfg;
	char		*cause = NULL;

	if ((cfg = cfg_load(path, &cause)) == NULL) {
		fprintf(stderr, "%s\n", cause);
		free(cause);
		exit(EXIT_CONFIG);
	}
	if (checkonly) {
		printf("configuration OK\n");
		cfg_unref(cfg);
		exit(0);
	}
	return (cfg);
}

/* Open the database and give back what a crashed process left leased. */
static void
open_store(void)
{
	char	*cause = NULL;
	size_t	 n = 0;

	if (store_open(env.cfg->database, 0, &env.store, &cause) != STORE_OK ||
	    store_check_schema(env.store, &cause) != STORE_OK)
		fatalx("%s", cause);
	if (store_reclaim(env.store, util_now_ms(), &n, &cause) != STORE_OK)
		fatalx("reclaiming interrupted sends: %s", cause);
	if (n > 0)
		log_info("%zu sends were interrupted by the last stop; they go "
		    "out again with the same idempotency keys", n);
	env.receipt_secret = store_state_get(env.store, "receipt_secret");
}

/*
 * The event loop, with precise timers (timerfd under epoll): the commit
 * re-checks of watch.c are sub-millisecond, and epoll_wait would round
 * them up to whole milliseconds.
 */
static struct event_base *
loop_new(void)
{
	struct event_config	*ec;
	struct event_base	*base;

	if ((ec = event_config_new()) == NULL)
		return (NULL);
	event_config_set_flag(ec, EVENT_BASE_FLAG_PRECISE_TIMER);
	base = event_base_new_with_config(ec);
	event_config_free(ec);
	return (base);
}

int
main(int argc, char *argv[])
{
	const char	*path = HUIGAO_DEFAULT_CONF;
	struct event	*evs[5];
	sigset_t	 sigs;
	char		*cause = NULL;
	int		 ch, checkonly = 0, verbose = 0, i;

	/* a stop or reload during start-up waits for the loop's handlers */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGHUP);
	sigprocmask(SIG_BLOCK, &sigs, NULL);

	while ((ch = getopt(argc, argv, "c:otvVh")) != -1) {
		switch (ch) {
		case 'c': path = optarg; break;
		case 'o': env.once = 1; break;
		case 't': checkonly = 1; break;
		case 'v': verbose++; break;
		case 'V': printf("huigaod %s\n", HUIGAO_VERSION); return (0);
		default: usage();
		}
	}
	if (optind != argc)
		usage();
	log_init("huigaod", verbose);
	cmdline_verbose = verbose;
	env.cfg = load_or_exit(path, checkonly);
	if (verbose == 0)
		apply_loglevel(env.cfg);
	apply_timezone(env.cfg);
	prctl(PR_SET_DUMPABLE, 0);	/* no core dump carries a secret */
	signal(SIGPIPE, SIG_IGN);
	take_lock(env.cfg->database);
	open_store();
	env.started_ms = util_now_ms();
	if ((env.base = loop_new()) == NULL)
		fatalx("event_base_new failed");
	env.http = http_new(env.base);
	env.sched = sched_new(&env);
	env.alerts = alert_new(&env);
	if ((env.watch = watch_new(&env, &cause)) == NULL)
		fatalx("watch: %s", cause);
	if ((env.status = status_new(&env, &cause)) == NULL) {
		/* notices matter more than monitoring: keep going without it */
		log_warnx("%s; running without the status server", cause);
		free(cause);
		cause = NULL;
	}
	setup_events(evs);
	sigprocmask(SIG_UNBLOCK, &sigs, NULL);
	log_info("huigaod %s started: database %s, %zu gateways", HUIGAO_VERSION,
	    env.cfg->database, env.cfg->ngws);
	sd_notify(0, "READY=1");
	sched_kick(env.sched);
	event_base_dispatch(env.base);

	log_info("huigaod stopped");
	status_free(env.status);
	http_free(env.http);	/* nothing is left in flight by now */
	sched_free(env.sched);
	alert_free(env.alerts);
	watch_free(env.watch);
	for (i = 0; i < 5; i++) {
		if (evs[i] != NULL)
			event_free(evs[i]);
	}
	event_free(drain_timer);
	store_close(env.store);
	cfg_unref(env.cfg);
	free(env.receipt_secret);
	event_base_free(env.base);
	if (lock_fd != -1)
		close(lock_fd);
	return (0);
}
