/* serve-options.h: the options of `moot serve`, in one table.
 * The command line and .moot/config are both read through it. */
#ifndef MOOT_SERVE_OPTIONS_H
#define MOOT_SERVE_OPTIONS_H

#include <stdint.h>
#include <stdio.h>

struct option;
struct server_options;

/* Where an option may come from. */
#define SERVE_OPT_NOFILE                                                       \
	0x1 /* the command line only, never .moot/config:                      \
	       anyone who can commit writes that file */

struct serve_opt {
	const char *name; /* long option and config key; NULL: short only */
	int short_name;   /* 'C', or 0 */
	const char *arg;  /* the argument's name in help, NULL: a flag */
	/* Sets the option from value (NULL for a flag on the command line;
	 * yes/no and the like in the file). 0, or -1 with *err. */
	int (*set)(struct server_options *, const struct serve_opt *,
	    const char *value, char **err);
	size_t off;       /* the field of struct server_options it sets */
	uint64_t max;     /* the largest value (counts, sizes) */
	int flags;        /* SERVE_OPT_* */
	const char *help; /* lines for --help, '\n' between them */
};

extern const struct serve_opt serve_opts[];
extern const size_t serve_nopts;

/* The defaults of every option. */
void serve_options_init(struct server_options *);
/* The option with this long name, or NULL. */
const struct serve_opt *serve_options_find(const char *name);
/* getopt_long's array and short string for the table (caller frees
 * both); an option's val is its index in serve_opts plus
 * SERVE_OPT_VAL. */
#define SERVE_OPT_VAL 256
struct option *serve_options_getopt(char **shortopts);
/* The row getopt_long's ch stands for, or NULL. */
const struct serve_opt *serve_options_by_val(int ch);
/* `moot serve --help`, from the table. */
void serve_options_usage(FILE *);

#endif
