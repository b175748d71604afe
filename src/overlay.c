/* overlay.c: what takes a person's keys over their panes, one row each:
 * the picker, find, go to line, palette, chat, commit, pop-up, name. */
#include "moot.h"

#include <string.h>

#include "server.h"

/* What a key that does nothing in the text gets. */
static const char overlay_edit_hint[] =
    "that key does nothing here (Ctrl-P help lists the keys)";

static void
overlay_picker_close(struct client *c)
{
	picker_free(&c->picker);
}

static void
overlay_popup_close(struct client *c)
{
	popup_free(&c->popup);
}

/* Ctrl-O: the list of terminals and files, filtered as one types. */
const struct overlay overlay_picker = {
    .name = "picker",
    .hint = "type to filter the files; Up/Down choose, Enter opens, Esc "
            "cancels",
    .key = server_client_picker_key,
    .draw = render_picker,
    .close = overlay_picker_close,
};

/* Ctrl-F: find in the document, on the status row. */
const struct overlay overlay_find = {
    .name = "find",
    .hint = "type what to find; Enter/Down next, Up previous, Esc goes "
            "back",
    .key = prompt_find_key,
    .label = " Find: ",
    .info = render_find_info,
    .close = prompt_find_close,
};

/* Ctrl-G: go to a line. */
const struct overlay overlay_goto = {
    .name = "goto",
    .hint = "type a line number (digits); Enter goes there, Esc cancels",
    .key = prompt_goto_key,
    .label = " Go to line: ",
};

/* Ctrl-P (or the prefix's :): the command palette. */
const struct overlay overlay_palette = {
    .name = "palette",
    .hint = "type a command; Up/Down choose, Enter runs it, Esc cancels",
    .key = server_client_palette_key,
    .draw = render_palette,
};

/* Ctrl-T: a chat line. */
const struct overlay overlay_chat = {
    .name = "chat",
    .hint = "type a message; Enter sends it, Esc cancels",
    .key = server_client_ask_key,
    .label = " Say: ",
    .paste = server_client_paste_line,
};

/* `commit`: the commit message. */
const struct overlay overlay_commit = {
    .name = "commit",
    .hint = "type the commit message; Enter commits, Esc cancels",
    .key = server_client_ask_key,
    .label = " Commit message: ",
    .paste = server_client_paste_line,
};

/* A pop-up over the text (help, who, since, why...): it only informs. */
const struct overlay overlay_popup = {
    .name = "popup",
    .hint = "Esc closes the pop-up",
    .key = server_client_popup_key,
    .draw = render_popup,
    .paste = server_client_paste_popup,
    .mouse = server_mouse_popup,
    .close = overlay_popup_close,
};

/* Before an invited person enters: their name, and nothing else. */
const struct overlay overlay_name = {
    .name = "name",
    .hint = "type your name; Enter joins, Ctrl-Q leaves",
    .key = server_client_name_key,
    .draw = render_name,
    .whole = 1,
};

static const struct overlay *const overlay_table[] = {
    &overlay_picker,
    &overlay_find,
    &overlay_goto,
    &overlay_palette,
    &overlay_chat,
    &overlay_commit,
    &overlay_popup,
    &overlay_name,
    &overlay_term_find,
};

/* o takes c's keys from now on (what it shows was filled by the
 * caller). */
void
overlay_open(struct client *c, const struct overlay *o)
{
	c->overlay = o;
	c->dirty = 1;
}

/* Keys go back to c's panes; the overlay lets go of what it held. */
void
overlay_close(struct client *c)
{
	const struct overlay *o = c->overlay;

	c->overlay = NULL;
	c->dirty = 1;
	if (o != NULL && o->close != NULL)
		o->close(c);
}

/* What c's overlay (or the text) says of a key it has no use for. */
const char *
overlay_hint(const struct client *c)
{
	return c->overlay != NULL ? c->overlay->hint : overlay_edit_hint;
}

/* Is s one of those hints (a notice that another hint may replace)? */
int
overlay_is_hint(const char *s)
{
	size_t i;

	if (strcmp(s, overlay_edit_hint) == 0)
		return 1;
	for (i = 0; i < sizeof overlay_table / sizeof overlay_table[0]; i++) {
		if (strcmp(s, overlay_table[i]->hint) == 0)
			return 1;
	}
	return 0;
}
