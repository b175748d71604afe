/* fuzz-config.c: libFuzzer target for .moot/config (config-file.c).
 * The input is the file's text, as anyone who can commit may write it. */
#include "moot.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config-file.h"
#include "serve-options.h"
#include "server.h"

static void
fuzz_check(int ok)
{
	if (!ok)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct server_options o;
	const unsigned char *p;
	char *buf, *err = NULL;
	int rc;

	buf = xmalloc(size + 1);
	memcpy(buf, data, size);
	serve_options_init(&o);
	rc = config_parse(&o, buf, size, CONFIG_PATH, &err);
	fuzz_check(rc == 0 || rc == -1);
	if (rc == -1) {
		/* A message naming the file, with nothing a terminal acts
		 * on: no C0 control, DEL, nor C1 (as UTF-8: C2 80-9F). */
		fuzz_check(err != NULL);
		fuzz_check(strncmp(err, CONFIG_PATH, strlen(CONFIG_PATH)) == 0);
		for (p = (const unsigned char *)err; *p != '\0'; p++) {
			fuzz_check(*p >= 0x20 && *p != 0x7f);
			fuzz_check(
			    !(p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f));
		}
		free(err);
	} else {
		/* What only the command line may set is never set. */
		fuzz_check(err == NULL);
		fuzz_check(o.dir == NULL && o.demo == 0);
		fuzz_check(o.trust_tree_hooks == 0);
		fuzz_check(o.max_people >= 1 && o.max_people <= 100000);
		fuzz_check(o.max_file_size >= 1);
		fuzz_check(o.startups_begin >= 1);
		fuzz_check(o.startups_full >= o.startups_begin);
		fuzz_check(o.startups_rate <= 100);
		fuzz_check(o.listen == NULL ||
		           (o.listen >= buf && o.listen < buf + size + 1 &&
		               *o.listen != '\0'));
	}
	free(buf);
	return 0;
}
