/* config-file.h: .moot/config, the session defaults a team commits.
 * Lines "key = value" whose keys are the long options of `moot serve`. */
#ifndef MOOT_CONFIG_FILE_H
#define MOOT_CONFIG_FILE_H

#include <stddef.h>

struct server_options;

#define CONFIG_PATH ".moot/config" /* in the working tree */
#define CONFIG_MAX_SIZE 65536      /* bytes of the whole file */
#define CONFIG_MAX_LINE 1024       /* bytes of one line, without '\n' */

/*
 * Sets o from the file's text buf (len bytes and room for one more,
 * changed in place: string values point into it, so it must outlive o). name is
 * the file's name in messages. Returns 0, or -1 with *err ("NAME:LINE: KEY:
 * why"; caller frees): anyone who can commit writes the file, so every byte of
 * it that reaches *err is made inert.
 */
int config_parse(struct server_options *o, char *buf, size_t len,
    const char *name, char **err);

/*
 * Reads CONFIG_PATH under the working tree (its descriptor, root) into o.
 * *bufp gets the text, to free once o is no longer used (NULL when there
 * is no file). A symbolic link (.moot or config), anything but a regular
 * file, or more than CONFIG_MAX_SIZE bytes is refused. Returns 0 (also
 * when there is no file), or -1 with *err.
 */
int config_load(int root, struct server_options *o, char **bufp, char **err);

#endif
