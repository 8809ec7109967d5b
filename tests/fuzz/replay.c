/*
** tests/fuzz/replay.c: main() for a harness built without libFuzzer. With no
** arguments it feeds every file of tests/fuzz/corpus/NAME and
** tests/fuzz/regressions/NAME (NAME from -DFUZZ_NAME, paths relative to the
** repository root) to LLVMFuzzerTestOneInput once; with arguments, those
** files or directories. A crash is the sanitizer's report and a non-zero exit.
*/
#include "fuzz/fuzz.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#ifndef FUZZ_NAME
#define FUZZ_NAME "unnamed"
#endif

static int
run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	unsigned char *p = NULL;
	size_t n = 0, cap = 0, r;

	if (!f) {
		perror(path);
		return 1;
	}
	do {
		if (n == cap) {
			unsigned char *q = realloc(p, cap = cap ? cap * 2 : 4096);
			if (!q) {
				free(p);
				fclose(f);
				return 1;
			}
			p = q;
		}
		r = fread(p + n, 1, cap - n, f);
		n += r;
	} while (r > 0);
	fclose(f);
	LLVMFuzzerTestOneInput(p, n);
	free(p);
	return 0;
}

/* Every regular file of path (a file or a directory; a missing one is empty). */
static int
run_path(const char *path, int *count)
{
	struct stat st;
	struct dirent *d;
	DIR *dir;
	int bad = 0;

	if (stat(path, &st) != 0)
		return 0;
	if (S_ISREG(st.st_mode)) {
		(*count)++;
		return run_file(path);
	}
	dir = opendir(path);
	if (!dir)
		return 0;
	while ((d = readdir(dir))) {
		char full[4096];
		if (d->d_name[0] == '.')
			continue;
		if (snprintf(full, sizeof(full), "%s/%s", path, d->d_name) >= (int)sizeof(full))
			continue;
		if (stat(full, &st) == 0 && S_ISREG(st.st_mode)) {
			(*count)++;
			bad |= run_file(full);
		}
	}
	closedir(dir);
	return bad;
}

int
main(int argc, char **argv)
{
	int count = 0, bad = 0;

	if (argc > 1) {
		for (int i = 1; i < argc; i++)
			bad |= run_path(argv[i], &count);
	} else {
		bad |= run_path("tests/fuzz/corpus/" FUZZ_NAME, &count);
		bad |= run_path("tests/fuzz/regressions/" FUZZ_NAME, &count);
	}
	printf("replay %s: %d inputs%s\n", FUZZ_NAME, count, bad ? ", unreadable files" : " ok");
	return bad;
}
