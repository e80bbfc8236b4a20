/*
 * fuzz_config.c - the configuration loader (cfg_load) on arbitrary files.
 *
 * The input is written to fuzz.conf in a private temporary directory and
 * loaded; a loaded configuration is walked and released. The directory
 * holds what a configuration may pull in: steps.conf (the default
 * catalogue), secret (mode 0600), secret-open (0644) and empty (0600).
 *
 * Nothing may escape that directory, so an input is skipped (not run)
 * unless every "@include" names a plain file name in quotes and every
 * *_file setting (a secret file) is a plain file name: no '/', no escapes.
 * Both are relative to the configuration's directory, so they stay inside.
 *
 * Checks: a load gives a configuration or a cause "FILE:LINE: message",
 * never both; lookups on what was loaded work; nothing leaks.
 */
#include <ctype.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "huigao.h"
#include "adapter.h"
#include "fuzz.h"

/*
 * libconfig 1.5's scanner leaks string buffers on some inputs, with or
 * without a parse error; a plain config_read_file + config_destroy leaks
 * the same (not huigao: cfg_load always calls config_destroy). Debian's
 * libconfig has no frame pointers, so its leak stacks end in it.
 */
const char	*__lsan_default_suppressions(void);

const char *
__lsan_default_suppressions(void)
{
	return ("leak:libconfig_yylex\nleak:strbuf_append\n");
}

static char	tmpdir[] = "/tmp/huigao-fuzz-config.XXXXXX";
static char	conf[sizeof(tmpdir) + 16];

/* Write a file of the temporary directory with a mode. */
static void
put_file(const char *name, const void *data, size_t len, mode_t mode)
{
	char	 path[sizeof(tmpdir) + 32];
	int	 fd;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode)) == -1 ||
	    (len > 0 && write(fd, data, len) != (ssize_t)len) ||
	    fchmod(fd, mode) == -1 || close(fd) == -1) {
		perror(path);
		exit(1);
	}
}

/* The default catalogue, or a one-step stand-in when it cannot be read. */
static void
put_steps(void)
{
	static const char fallback[] = "steps = { ENF_DEPOSIT_FROZEN = { "
	    "label = \"冻结银行存款\"; notify = [ \"applicant\", \"agent\" ]; "
	    "text = \"{case_no}案已冻结被执行人银行存款{amount}元。\"; }; };\n";
	FILE	*f;
	char	 buf[65536];
	size_t	 n = 0;

	if ((f = fopen(FUZZ_SRCDIR "/../../config/steps.conf", "r")) != NULL) {
		n = fread(buf, 1, sizeof(buf), f);
		fclose(f);
	}
	if (n == 0 || n == sizeof(buf))
		put_file("steps.conf", fallback, sizeof(fallback) - 1, 0644);
	else
		put_file("steps.conf", buf, n, 0644);
}

static void
cleanup(void)
{
	static const char *const names[] = { "fuzz.conf", "steps.conf",
	    "secret", "secret-open", "empty", NULL };
	char	 path[sizeof(tmpdir) + 32];
	size_t	 i;

	for (i = 0; names[i] != NULL; i++) {
		snprintf(path, sizeof(path), "%s/%s", tmpdir, names[i]);
		unlink(path);
	}
	rmdir(tmpdir);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (mkdtemp(tmpdir) == NULL) {
		perror("mkdtemp");
		exit(1);
	}
	atexit(cleanup);
	snprintf(conf, sizeof(conf), "%s/fuzz.conf", tmpdir);
	put_steps();
	put_file("secret", "fake-secret-0001\n", 17, 0600);
	put_file("secret-open", "fake-secret-0002\n", 17, 0644);
	put_file("empty", "", 0, 0600);
	unsetenv("CREDENTIALS_DIRECTORY");
	return (0);
}

/* A file name that stays in the directory: [A-Za-z0-9._-], 1 to 64. */
static int
plain_name(const char *s, size_t n)
{
	size_t	 i;

	if (n == 0 || n > 64)
		return (0);
	for (i = 0; i < n; i++) {
		if (!isalnum((unsigned char)s[i]) && strchr("._-", s[i]) == NULL)
			return (0);
	}
	return (1);
}

/* Does every "@include" (any case, anywhere) name a plain file? */
static int
includes_ok(const uint8_t *data, size_t size)
{
	static const char	 kw[] = "@include";
	const char		*p, *q;
	size_t			 i, k = sizeof(kw) - 1;

	for (i = 0; i + k <= size; i++) {
		if (strncasecmp((const char *)data + i, kw, k) != 0)
			continue;
		p = (const char *)data + i + k;
		while (p < (const char *)data + size && (*p == ' ' || *p == '\t'))
			p++;
		if (p >= (const char *)data + size || *p++ != '"')
			return (0);
		for (q = p; q < (const char *)data + size && *q != '"'; q++)
			;
		if (q >= (const char *)data + size || !plain_name(p, (size_t)(q - p)))
			return (0);
	}
	return (1);
}

/* Is every *_file setting under s a plain file name? */
static int
files_ok(const config_setting_t *s)
{
	const config_setting_t	*e;
	const char		*name = config_setting_name(s), *v;
	unsigned		 i;

	if (name != NULL && strlen(name) >= 5 &&
	    strcmp(name + strlen(name) - 5, "_file") == 0) {
		if (config_setting_type(s) == CONFIG_TYPE_STRING &&
		    ((v = config_setting_get_string(s)) == NULL ||
		    !plain_name(v, strlen(v))))
			return (0);
	}
	for (i = 0; (e = config_setting_get_elem(s, i)) != NULL; i++) {
		if (!files_ok(e))
			return (0);
	}
	return (1);
}

/* Parse as cfg_load will (includes from the directory) and look at *_file. */
static int
secrets_ok(void)
{
	config_t	 lc;
	int		 ok = 1;

	config_init(&lc);
	config_set_include_dir(&lc, tmpdir);
	if (config_read_file(&lc, conf) == CONFIG_TRUE)
		ok = files_ok(config_root_setting(&lc));
	config_destroy(&lc);
	return (ok);
}

/* Use what was loaded, as the daemon does. */
static void
walk(struct config *c)
{
	const struct step_cfg	*st;
	char			**keys, *cause;
	size_t			 i, j, n;
	int			 ch;

	for (i = 0; i < c->nsteps; i++) {
		st = cfg_step(c, c->steps[i].code);
		FUZZ_CHECK(st == &c->steps[i], "cfg_step(\"%s\") does not find "
		    "it", c->steps[i].code);
		(void)cfg_channels_for(st, "applicant");
		(void)cfg_channels_for(st, "respondent");
		for (j = 0; j < c->ngws; j++)
			(void)cfg_vtpl(st, c->gws[j].name);
		cause = NULL;
		if (text_template_keys(st->text, &keys, &n, &cause) == 0)
			text_free_keys(keys, n);
		free(cause);
	}
	for (i = 0; i < c->ncourts; i++)
		FUZZ_CHECK(cfg_court(c, c->courts[i].key) != NULL, "cfg_court");
	for (i = 0; i < c->ngws; i++)
		FUZZ_CHECK(cfg_gateway(c, c->gws[i].name) != NULL &&
		    c->gws[i].ad != NULL, "cfg_gateway(\"%s\")", c->gws[i].name);
	for (ch = 0; ch < CH_COUNT; ch++)
		for (i = 0; i < c->routes[ch].ngws; i++)
			FUZZ_CHECK(c->routes[ch].gws[i] != NULL, "route");
	for (i = 0; i < c->nalerts; i++)
		FUZZ_CHECK(c->alerts[i] != NULL && c->alerts[i]->ad->robot,
		    "alert");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config	*c;
	char		*cause = NULL;

	if (size > 65536 || !includes_ok(data, size))
		return (0);
	put_file("fuzz.conf", data, size, 0644);
	if (memmem(data, size, "_file", 5) != NULL && !secrets_ok())
		return (0);
	if ((c = cfg_load(conf, &cause)) != NULL) {
		FUZZ_CHECK(cause == NULL, "cfg_load: a configuration and a "
		    "cause");
		walk(cfg_ref(c));
		cfg_unref(c);
		cfg_unref(c);
	} else {
		FUZZ_CHECK(cause != NULL && strchr(cause, ':') != NULL,
		    "cfg_load: failed without a FILE:LINE: cause (%s)",
		    cause ? cause : "NULL");
		free(cause);
	}
	return (0);
}
