/*
 * file.c - a gateway that appends one JSON line per message to a file:
 * for demos, for tests, and for handing messages to another system.
 * Each line is written with one write(2) on an O_APPEND descriptor, so
 * concurrent readers never see half a line.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "adapter.h"

struct file_priv {
	char	*path;
	int	 fsync;
};

static const char *const file_keys[] = { "path", "fsync", NULL };

static int
file_init(struct gateway *gw, const config_setting_t *s, const char *cfgdir,
    char **cause)
{
	struct file_priv	*p;
	config_setting_t	*e;
	const char		*path;

	if ((e = config_setting_get_member(s, "path")) == NULL ||
	    (path = config_setting_get_string(e)) == NULL || *path == '\0') {
		*cause = cfg_error(s, "gateway \"%s\": type file needs \"path\"",
		    gw->name);
		return (-1);
	}
	p = xcalloc(1, sizeof(*p));
	/* relative to the configuration file's directory */
	p->path = path[0] == '/' ? xstrdup(path) : xasprintf("%s/%s", cfgdir,
	    path);
	if ((e = config_setting_get_member(s, "fsync")) != NULL)
		p->fsync = config_setting_get_bool(e);
	gw->priv = p;
	return (0);
}

/* Append one JSON line; a failure to write is temporary. */
static void
file_send(const struct gateway *gw, const struct message *m,
    struct result *res)
{
	struct file_priv	*p = gw->priv;
	json_t			*o;
	char			*line, ts[32];
	int			 fd;
	ssize_t			 n;
	size_t			 len;

	util_iso_utc(m->now_ms, ts, sizeof(ts));
	o = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:i}",
	    "id", (json_int_t)m->id, "key", m->key, "channel", m->channel,
	    "to", m->to, "text", m->text, "case_no", m->case_no, "step",
	    m->step, "time", ts, "attempt", m->attempt);
	if ((line = adapter_json_text(o)) == NULL) {
		result_set(res, OUTCOME_PERMFAIL, "cannot encode the message");
		return;
	}
	len = strlen(line);
	line[len] = '\n';	/* json_dumps leaves room for the NUL */
	fd = open(p->path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (fd == -1 || (n = write(fd, line, len + 1)) != (ssize_t)(len + 1) ||
	    (p->fsync && fsync(fd) == -1))
		result_set(res, OUTCOME_TEMPFAIL, "file %s: %s", p->path,
		    strerror(errno ? errno : EIO));
	else
		result_set(res, OUTCOME_OK, "%s", "");
	if (fd != -1)
		close(fd);
	free(line);
}

static void
file_free(struct gateway *gw)
{
	struct file_priv	*p = gw->priv;

	if (p != NULL)
		free(p->path);
	free(p);
	gw->priv = NULL;
}

const struct adapter adapter_file = {
	.name = "file",
	.keys = file_keys,
	.init = file_init,
	.send_local = file_send,
	.free = file_free,
};
