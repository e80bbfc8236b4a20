/*
 * fuzz_render.c - template rendering (text_render, text_template_keys).
 *
 * Input: the template, a NUL byte, then the params as JSON (as the court's
 * application writes case_steps.params). Without a NUL the whole input is
 * the template and there are no params. The template is rendered with
 * every built-in set, then with none (as a step without a court or a
 * recipient); its keys are listed.
 *
 * Checks: a rendering succeeds with a valid UTF-8 text of at most 64 KiB or
 * fails with a cause, never both; a template whose keys cannot be listed
 * cannot be rendered; every key listed is a placeholder name.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "huigao.h"
#include "fuzz.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return (0);
}

/* Render once; returns text_render's value after checking its contract. */
static int
render(const char *tmpl, const struct render_ctx *ctx)
{
	char	*out = NULL, *cause = NULL;
	int	 rv;

	rv = text_render(tmpl, ctx, &out, &cause);
	if (rv == 0) {
		FUZZ_CHECK(out != NULL && cause == NULL, "render: 0 without "
		    "text or with a cause");
		FUZZ_CHECK(strlen(out) <= 65536, "render: %zu bytes",
		    strlen(out));
		FUZZ_CHECK(fuzz_utf8_valid(out), "render: output not UTF-8");
	} else {
		FUZZ_CHECK(rv == -1 && out == NULL && cause != NULL,
		    "render: rv %d, out %p, cause %p", rv, (void *)out,
		    (void *)cause);
		FUZZ_CHECK(fuzz_utf8_valid(cause), "render: cause not UTF-8");
	}
	free(out);
	free(cause);
	return (rv);
}

/* List the keys; each must be a placeholder name. */
static int
keys(const char *tmpl)
{
	char	**k = NULL, *cause = NULL;
	size_t	  n = 0, i, j;
	int	  rv;

	rv = text_template_keys(tmpl, &k, &n, &cause);
	if (rv == 0) {
		FUZZ_CHECK(cause == NULL && (n == 0 || k != NULL),
		    "keys: 0 with a cause or without keys");
		for (i = 0; i < n; i++) {
			FUZZ_CHECK(k[i][0] != '\0' && strlen(k[i]) <= 64,
			    "keys: bad key length %zu", strlen(k[i]));
			for (j = 0; k[i][j] != '\0'; j++)
				FUZZ_CHECK(isalnum((unsigned char)k[i][j]) ||
				    k[i][j] == '_', "keys: bad key \"%s\"",
				    k[i]);
			for (j = 0; j < i; j++)
				FUZZ_CHECK(strcmp(k[i], k[j]) != 0,
				    "keys: \"%s\" twice", k[i]);
		}
	} else
		FUZZ_CHECK(rv == -1 && cause != NULL && k == NULL && n == 0,
		    "keys: rv %d", rv);
	text_free_keys(k, n);
	free(cause);
	return (rv);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct render_ctx	 full, bare;
	const uint8_t		*nul;
	json_t			*params = NULL;
	char			*tmpl;
	int			 rk, r1, r2;

	if (size > 65536)
		return (0);
	tmpl = fuzz_cstr(data, size);
	if ((nul = memchr(data, '\0', size)) != NULL)
		params = json_loadb((const char *)nul + 1,
		    size - (size_t)(nul + 1 - data), 0, NULL);
	memset(&full, 0, sizeof(full));
	full.case_no = "(2024)冀0724执1234号";
	full.court = "沽源县人民法院";
	full.step = "冻结银行存款";
	full.date = "6月30日";
	full.name = "欧阳娜娜";
	full.params = params;
	memset(&bare, 0, sizeof(bare));
	bare.params = params;

	rk = keys(tmpl);
	r1 = render(tmpl, &full);
	r2 = render(tmpl, &bare);
	(void)render(tmpl, NULL);
	FUZZ_CHECK(rk == 0 || (r1 == -1 && r2 == -1), "a template whose keys "
	    "cannot be listed was rendered");
	json_decref(params);
	free(tmpl);
	return (0);
}
