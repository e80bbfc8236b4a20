/*
 * test_config.c - configuration validation, one test per file:
 * every tests/configs/good file must load; each tests/configs/bad file must
 * fail with the message its first line names ("# expect: ...") and a
 * FILE:LINE: prefix. Plus the secret-file permission rule and the example
 * configuration shipped in config/. Run from the repository root.
 */
#include <dirent.h>
#include <fcntl.h>
#include <regex.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "huigao.h"

#define MAXFILES 256

static char	*paths[MAXFILES];
static size_t	 npaths;

/* The expected message: the first line "# expect: ...". */
static char *
expected(const char *path)
{
	FILE	*f = fopen(path, "r");
	char	 line[512];

	assert_non_null(f);
	assert_non_null(fgets(line, sizeof(line), f));
	fclose(f);
	assert_true(strncmp(line, "# expect: ", 10) == 0);
	line[strcspn(line, "\n")] = '\0';
	return (xstrdup(line + 10));
}

static void
test_good_config_loads(void **state)
{
	const char	*path = *state;
	char		*cause = NULL;
	struct config	*c;

	c = cfg_load(path, &cause);
	if (c == NULL)
		fail_msg("%s: %s", path, cause);
	cfg_unref(c);
}

static void
test_bad_config_fails_with_reason(void **state)
{
	const char	*path = *state;
	char		*cause = NULL, *want = expected(path);
	regex_t		 re;
	struct config	*c;

	c = cfg_load(path, &cause);
	if (c != NULL)
		fail_msg("%s loaded, but should fail with: %s", path, want);
	assert_non_null(cause);
	if (strstr(cause, want) == NULL)
		fail_msg("%s: got \"%s\", want \"%s\"", path, cause, want);
	/* every error names its file and a line */
	assert_int_equal(regcomp(&re, "^[^:]+:[1-9][0-9]*: ", REG_EXTENDED), 0);
	if (regexec(&re, cause, 0, NULL, 0) != 0)
		fail_msg("%s: \"%s\" has no FILE:LINE: prefix", path, cause);
	regfree(&re);
	free(cause);
	free(want);
}

/* Write a config whose webhook secret comes from a file with `mode`. */
static char *
secret_config(const char *dir, mode_t mode)
{
	char	*secret = xasprintf("%s/secret", dir);
	char	*conf = xasprintf("%s/huigao.conf", dir);
	FILE	*f;

	f = fopen(secret, "w");
	assert_non_null(f);
	fprintf(f, "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw\n");
	fclose(f);
	assert_int_equal(chmod(secret, mode), 0);
	f = fopen(conf, "w");
	assert_non_null(f);
	fprintf(f, "database = \"/tmp/x.db\";\n"
	    "courts = { gy = { name = \"沽源县人民法院\"; }; };\n"
	    "steps = { X = { label = \"x\"; notify = [ \"applicant\" ]; "
	    "text = \"{case_no}\"; }; };\n"
	    "routes = { sms = [ \"hook\" ]; };\n"
	    "gateways = ( { name = \"hook\"; type = \"webhook\"; "
	    "url = \"https://x.example/\"; secret_file = \"secret\"; } );\n");
	fclose(f);
	free(secret);
	return (conf);
}

static void
test_secret_file_readable_by_others_is_refused(void **state)
{
	char	 dir[] = "/tmp/huigao-cfgtest-XXXXXX", *conf, *cause = NULL;

	(void)state;
	assert_non_null(mkdtemp(dir));
	unsetenv("CREDENTIALS_DIRECTORY");
	conf = secret_config(dir, 0644);
	assert_null(cfg_load(conf, &cause));
	assert_non_null(strstr(cause, "too open"));
	free(cause);
	free(conf);
	conf = secret_config(dir, 0600);
	cause = NULL;
	struct config *c = cfg_load(conf, &cause);
	if (c == NULL)
		fail_msg("0600 secret refused: %s", cause);
	cfg_unref(c);
	free(conf);
	/* systemd credentials (mode 0440 + ACL on systemd 255+) are trusted */
	conf = secret_config(dir, 0640);
	setenv("CREDENTIALS_DIRECTORY", dir, 1);
	cause = NULL;
	if ((c = cfg_load(conf, &cause)) == NULL)
		fail_msg("credential refused: %s", cause);
	cfg_unref(c);
	unsetenv("CREDENTIALS_DIRECTORY");
	free(conf);
}

static void
test_example_config_loads(void **state)
{
	(void)state;
	if (access("config/huigao.conf.example", R_OK) != 0)
		skip();
	*state = (void *)"config/huigao.conf.example";
	test_good_config_loads(state);
}

/* Collect the *.conf files of a directory, sorted. */
static size_t
collect(const char *dir, size_t from)
{
	struct dirent	**ents;
	int		 n, i;
	size_t		 k = from;

	n = scandir(dir, &ents, NULL, alphasort);
	assert_true(n >= 0);
	for (i = 0; i < n; i++) {
		size_t	 len = strlen(ents[i]->d_name);

		if (len > 5 && strcmp(ents[i]->d_name + len - 5, ".conf") == 0 &&
		    k < MAXFILES)
			paths[k++] = xasprintf("%s/%s", dir, ents[i]->d_name);
		free(ents[i]);
	}
	free(ents);
	return (k);
}

int
main(void)
{
	struct CMUnitTest	 tests[MAXFILES + 2];
	size_t			 ngood, i, n = 0;
	int			 rv;

	log_init("test_config", 0);
	ngood = collect("tests/configs/good", 0);
	npaths = collect("tests/configs/bad", ngood);
	for (i = 0; i < npaths; i++) {
		struct CMUnitTest t = {
			.name = paths[i],
			.test_func = i < ngood ? test_good_config_loads :
			    test_bad_config_fails_with_reason,
			.initial_state = paths[i],
		};
		tests[n++] = t;
	}
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(
	    test_secret_file_readable_by_others_is_refused);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(
	    test_example_config_loads);
	rv = _cmocka_run_group_tests("config", tests, n, NULL, NULL);
	for (i = 0; i < npaths; i++)
		free(paths[i]);
	return (rv);
}
