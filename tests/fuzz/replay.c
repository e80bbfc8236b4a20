/*
 * replay.c - run a harness over files instead of under libFuzzer, so the
 * corpora replay with gcc (and ASan+UBSan) in `make test`.
 *
 *   fuzz_text [-v] FILE|DIR...
 *
 * Each file is one input; a directory stands for its regular files. A
 * harness that finds a bug aborts, so the exit status says whether every
 * input passed; the last line counts the inputs run.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

static int	verbose;

/* Read a whole file; NULL on error. */
static uint8_t *
read_file(const char *path, size_t *len)
{
	FILE	*f;
	uint8_t	*buf = NULL;
	size_t	 cap = 0, n;

	*len = 0;
	if ((f = fopen(path, "rb")) == NULL)
		return (NULL);
	for (;;) {
		if (*len == cap) {
			cap = cap ? cap * 2 : 4096;
			if ((buf = realloc(buf, cap)) == NULL)
				abort();
		}
		if ((n = fread(buf + *len, 1, cap - *len, f)) == 0)
			break;
		*len += n;
	}
	if (ferror(f)) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	return (buf);
}

/* One input: a copy of exactly its size, so ASan sees any over-read. */
static int
run_file(const char *path)
{
	uint8_t	*data, *exact;
	size_t	 len;

	if ((data = read_file(path, &len)) == NULL) {
		fprintf(stderr, "replay: %s: cannot read\n", path);
		return (-1);
	}
	if ((exact = malloc(len ? len : 1)) == NULL)
		abort();
	memcpy(exact, data, len);
	free(data);
	if (verbose)
		fprintf(stderr, "replay: %s (%zu bytes)\n", path, len);
	LLVMFuzzerTestOneInput(exact, len);
	free(exact);
	return (0);
}

static int
name_cmp(const void *a, const void *b)
{
	return (strcmp(*(char *const *)a, *(char *const *)b));
}

/* Every regular file of a directory, in name order; returns files run or -1. */
static int
run_dir(const char *dir)
{
	DIR		*d;
	struct dirent	*e;
	struct stat	 sb;
	char		**names = NULL, *p;
	size_t		 n = 0, i;
	int		 rv = 0;

	if ((d = opendir(dir)) == NULL) {
		fprintf(stderr, "replay: %s: cannot open\n", dir);
		return (-1);
	}
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		if ((names = realloc(names, (n + 1) * sizeof(*names))) == NULL ||
		    (p = malloc(strlen(dir) + strlen(e->d_name) + 2)) == NULL)
			abort();
		sprintf(p, "%s/%s", dir, e->d_name);
		names[n++] = p;
	}
	closedir(d);
	if (n > 0)
		qsort(names, n, sizeof(*names), name_cmp);
	for (i = 0; i < n; i++) {
		if (stat(names[i], &sb) == 0 && S_ISREG(sb.st_mode)) {
			if (run_file(names[i]) == -1)
				rv = -1;
			else if (rv >= 0)
				rv++;
		}
		free(names[i]);
	}
	free(names);
	return (rv);
}

int
main(int argc, char **argv)
{
	struct stat	 sb;
	int		 i, n, total = 0, bad = 0;

	LLVMFuzzerInitialize(&argc, &argv);
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-v") == 0) {
			verbose = 1;
			continue;
		}
		if (stat(argv[i], &sb) == 0 && S_ISDIR(sb.st_mode))
			n = run_dir(argv[i]);
		else
			n = run_file(argv[i]) == 0 ? 1 : -1;
		if (n < 0)
			bad = 1;
		else
			total += n;
	}
	printf("replay: %d inputs run\n", total);
	return (bad ? 2 : 0);
}
