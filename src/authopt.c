/* authopt.c: the options of an authorized_keys line, read as sshd(8) does.
 * Which options moot enforces, ignores or refuses; from= and expiry-time=. */
#include "moot.h"

#include <sys/socket.h>

#include <arpa/inet.h>
#include <ctype.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "authopt.h"

#define AUTHOPT_VALUE_MAX 8192 /* bytes of one quoted value */

/* What moot does with an option. */
enum authopt_kind {
	AUTHOPT_IGNORE, /* harmless here: moot refuses those channels anyway */
	AUTHOPT_REFUSE, /* the key is meant for something else: never accepted
	                 */
	AUTHOPT_FROM,
	AUTHOPT_EXPIRY,
	AUTHOPT_HOST,
	AUTHOPT_VIEWER,
};

/* Every option moot knows; names compare without regard to case, as
 * sshd's do. value: whether it takes ="...". */
static const struct authopt_entry {
	const char *name;
	int value;
	enum authopt_kind kind;
	const char *why; /* for AUTHOPT_REFUSE */
} authopt_table[] = {
    {"from", 1, AUTHOPT_FROM, NULL},
    {"expiry-time", 1, AUTHOPT_EXPIRY, NULL},
    {"command", 1, AUTHOPT_REFUSE, "command= (a forced command)"},
    {"restrict", 0, AUTHOPT_REFUSE, "restrict"},
    {"no-pty", 0, AUTHOPT_REFUSE, "no-pty"},
    {"cert-authority", 0, AUTHOPT_REFUSE, "cert-authority"},
    {"principals", 1, AUTHOPT_REFUSE, "principals="},
    {"host", 0, AUTHOPT_HOST, NULL},
    {"viewer", 0, AUTHOPT_VIEWER, NULL},
    {"no-port-forwarding", 0, AUTHOPT_IGNORE, NULL},
    {"no-agent-forwarding", 0, AUTHOPT_IGNORE, NULL},
    {"no-x11-forwarding", 0, AUTHOPT_IGNORE, NULL},
    {"no-user-rc", 0, AUTHOPT_IGNORE, NULL},
    {"no-touch-required", 0, AUTHOPT_IGNORE, NULL},
    {"verify-required", 0, AUTHOPT_IGNORE, NULL},
    {"pty", 0, AUTHOPT_IGNORE, NULL},
    {"port-forwarding", 0, AUTHOPT_IGNORE, NULL},
    {"agent-forwarding", 0, AUTHOPT_IGNORE, NULL},
    {"x11-forwarding", 0, AUTHOPT_IGNORE, NULL},
    {"user-rc", 0, AUTHOPT_IGNORE, NULL},
    {"environment", 1, AUTHOPT_IGNORE, NULL},
    {"permitopen", 1, AUTHOPT_IGNORE, NULL},
    {"permitlisten", 1, AUTHOPT_IGNORE, NULL},
    {"tunnel", 1, AUTHOPT_IGNORE, NULL},
};

void
authopt_free(struct authopt *o)
{
	free(o->from);
	memset(o, 0, sizeof *o);
}

/* The option whose name starts p, ending at '=', ',', a blank or the end;
 * *len gets the name's length. */
static const struct authopt_entry *
authopt_lookup(const char *p, size_t *len)
{
	size_t i;

	*len = strcspn(p, "=, \t");
	for (i = 0; i < sizeof authopt_table / sizeof authopt_table[0]; i++) {
		if (strlen(authopt_table[i].name) == *len &&
		    strncasecmp(authopt_table[i].name, p, *len) == 0)
			return &authopt_table[i];
	}
	return NULL;
}

/* A double-quoted value at *pp, as sshd dequotes it: \" is a quote, any
 * other byte (a backslash too) is itself. Advances *pp past the closing
 * quote. Returns the value (caller frees) or NULL with *err. */
static char *
authopt_dequote(const char **pp, const char **err)
{
	const char *p = *pp;
	char *out;
	size_t n = 0;

	if (*p != '"') {
		*err = "an option value must be in double quotes";
		return NULL;
	}
	out = xmalloc(strlen(p));
	for (p++; *p != '\0' && *p != '"'; p++) {
		if (p[0] == '\\' && p[1] == '"')
			p++;
		if (n == AUTHOPT_VALUE_MAX) {
			free(out);
			*err = "an option value is too long";
			return NULL;
		}
		out[n++] = *p;
	}
	if (*p != '"') {
		free(out);
		*err = "missing end quote";
		return NULL;
	}
	out[n] = '\0';
	*pp = p + 1;
	return out;
}

/* Take in one known option with its value (NULL if it has none). */
static int
authopt_apply(struct authopt *o, const struct authopt_entry *e, char *value,
    const char **err)
{
	time_t t;

	switch (e->kind) {
	case AUTHOPT_IGNORE:
		break;
	case AUTHOPT_REFUSE:
		if (o->refuse == NULL)
			o->refuse = e->why;
		break;
	case AUTHOPT_FROM:
		if (o->from != NULL) {
			*err = "more than one from= option";
			return -1;
		}
		if (authopt_from_match(value, NULL) == -1) {
			*err = "malformed from= pattern list";
			return -1;
		}
		o->from = value;
		return 0; /* kept */
	case AUTHOPT_EXPIRY:
		if (authopt_time(value, &t) == -1) {
			*err = "malformed expiry-time=";
			return -1;
		}
		/* As sshd: of several, the earliest holds. */
		if (!o->expires || t < o->expiry)
			o->expiry = t;
		o->expires = 1;
		break;
	case AUTHOPT_HOST:
		o->host = 1;
		break;
	case AUTHOPT_VIEWER:
		o->viewer = 1;
		break;
	}
	free(value);
	return 0;
}

int
authopt_parse(const char *p, struct authopt *o, const char **err)
{
	const struct authopt_entry *e;
	char *value;
	size_t len;

	memset(o, 0, sizeof *o);
	if (*p == '\0') {
		*err = "empty options";
		return -1;
	}
	for (;;) {
		if ((e = authopt_lookup(p, &len)) == NULL) {
			*err = len == 0 ? "empty option" : "unknown option";
			goto fail;
		}
		p += len;
		value = NULL;
		if (e->value) {
			if (*p != '=') {
				*err = "an option lacks its value";
				goto fail;
			}
			p++;
			if ((value = authopt_dequote(&p, err)) == NULL)
				goto fail;
		} else if (*p == '=') {
			*err = "an option takes no value";
			goto fail;
		}
		if (authopt_apply(o, e, value, err) == -1) {
			free(value);
			goto fail;
		}
		if (*p == '\0')
			break;
		if (*p != ',') {
			*err = "a blank or junk inside the options";
			goto fail;
		}
		if (*++p == '\0') {
			*err = "options end with a comma";
			goto fail;
		}
	}
	if (o->host && o->viewer) {
		*err = "both host and viewer";
		goto fail;
	}
	return 0;
fail:
	authopt_free(o);
	return -1;
}

/* sshd's wildcard match: '*' any run, '?' one byte; ASCII case ignored. */
static int
authopt_glob(const char *s, const char *pat, size_t plen)
{
	const char *star = NULL, *resume = NULL, *end = pat + plen;

	while (*s != '\0') {
		if (pat < end && *pat == '*') {
			star = ++pat;
			resume = s;
		} else if (pat < end &&
		           (*pat == '?' || tolower((unsigned char)*pat) ==
		                               tolower((unsigned char)*s))) {
			pat++;
			s++;
		} else if (star != NULL) {
			pat = star;
			s = ++resume;
		} else
			return 0;
	}
	while (pat < end && *pat == '*')
		pat++;
	return pat == end;
}

/* An address or network: family, 16 bytes, prefix length in bits. */
struct authopt_net {
	int af;
	uint8_t a[16];
	unsigned bits;
};

/* A numeric address, IPv4-mapped IPv6 read as IPv4 (as sshd does). */
static int
authopt_addr(const char *s, struct authopt_net *n)
{
	memset(n, 0, sizeof *n);
	if (inet_pton(AF_INET, s, n->a) == 1) {
		n->af = AF_INET;
		n->bits = 32;
		return 0;
	}
	if (inet_pton(AF_INET6, s, n->a) != 1)
		return -1;
	n->af = AF_INET6;
	n->bits = 128;
	if (IN6_IS_ADDR_V4MAPPED((struct in6_addr *)n->a)) {
		memmove(n->a, n->a + 12, 4);
		memset(n->a + 4, 0, 12);
		n->af = AF_INET;
		n->bits = 32;
	}
	return 0;
}

/* Whether bit i onwards of a are all zero (host bits of a network). */
static int
authopt_zero_from(const uint8_t *a, unsigned i, unsigned total)
{
	for (; i < total; i++) {
		if (a[i / 8] & (0x80 >> (i % 8)))
			return 0;
	}
	return 1;
}

/* An entry as sshd's addr_pton_cidr reads it: 0 a network, -1 not an
 * address (then it is a wildcard pattern), -2 host bits set. */
static int
authopt_cidr(const char *s, size_t len, struct authopt_net *n)
{
	char buf[64], *slash, *end;
	unsigned long bits;
	unsigned max;

	if (len >= sizeof buf)
		return -1;
	memcpy(buf, s, len);
	buf[len] = '\0';
	if ((slash = strchr(buf, '/')) != NULL)
		*slash++ = '\0';
	if (authopt_addr(buf, n) == -1 || strchr(buf, '%') != NULL)
		return -1;
	if (strchr(buf, ':') != NULL && n->af == AF_INET)
		return -1; /* a mapped address is not a v4 network here */
	max = n->af == AF_INET ? 32 : 128;
	if (slash != NULL) {
		if (!isdigit((unsigned char)*slash))
			return -1;
		bits = strtoul(slash, &end, 10);
		if (*end != '\0' || bits > max)
			return -1;
		n->bits = bits;
	}
	if (!authopt_zero_from(n->a, n->bits, max))
		return -2;
	return 0;
}

/* Whether address a lies in network n. */
static int
authopt_in(const struct authopt_net *a, const struct authopt_net *n)
{
	unsigned full = n->bits / 8, rest = n->bits % 8;

	if (a->af != n->af || memcmp(a->a, n->a, full) != 0)
		return 0;
	return rest == 0 ||
	       ((a->a[full] ^ n->a[full]) & (0xff00 >> rest) & 0xff) == 0;
}

/*
 * sshd's match_host_and_ip with the host name being the address itself
 * (sshd's UseDNS no, its default). Each entry, maybe after '!', is a
 * network (CIDR or one address) or else a wildcard pattern; any negated
 * entry that matches refuses at once.
 */
int
authopt_from_match(const char *patterns, const char *addr)
{
	struct authopt_net a, n;
	const char *p = patterns, *end;
	size_t len;
	int neg, hit, found = 0, have = 0, r;

	if (addr != NULL && authopt_addr(addr, &a) == 0)
		have = 1;
	for (;;) {
		end = p + strcspn(p, ",");
		neg = *p == '!';
		if (neg)
			p++;
		len = end - p;
		if (len == 0)
			return -1; /* an empty entry */
		r = authopt_cidr(p, len, &n);
		if (r == -2)
			return -1;
		if (r == 0)
			hit = have && authopt_in(&a, &n);
		else
			hit = addr != NULL && authopt_glob(addr, p, len);
		/* The same entry read as a host pattern (sshd tries both). */
		if (!hit && r == 0 && addr != NULL)
			hit = authopt_glob(addr, p, len);
		if (hit && neg && addr != NULL)
			return 0;
		if (hit)
			found = 1;
		if (*end == '\0')
			break;
		p = end + 1;
	}
	return addr != NULL && found;
}

/* Read n digits at s as a number. */
static int
authopt_digits(const char *s, int n)
{
	int v = 0;

	while (n-- > 0)
		v = v * 10 + (*s++ - '0');
	return v;
}

int
authopt_time(const char *s, time_t *t)
{
	struct tm tm, check;
	size_t len = strlen(s), i;
	int utc = 0;
	time_t v;

	if (len > 0 && (s[len - 1] == 'Z' || s[len - 1] == 'z')) {
		utc = 1;
		len--;
	}
	if (len != 8 && len != 12 && len != 14)
		return -1;
	for (i = 0; i < len; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
	}
	memset(&tm, 0, sizeof tm);
	tm.tm_year = authopt_digits(s, 4) - 1900;
	tm.tm_mon = authopt_digits(s + 4, 2) - 1;
	tm.tm_mday = authopt_digits(s + 6, 2);
	if (len >= 12) {
		tm.tm_hour = authopt_digits(s + 8, 2);
		tm.tm_min = authopt_digits(s + 10, 2);
	}
	if (len == 14)
		tm.tm_sec = authopt_digits(s + 12, 2);
	if (tm.tm_year < 70 || tm.tm_mon < 0 || tm.tm_mon > 11 ||
	    tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_hour > 23 ||
	    tm.tm_min > 59 || tm.tm_sec > 60)
		return -1;
	check = tm;
	tm.tm_isdst = -1;
	if ((v = utc ? timegm(&tm) : mktime(&tm)) == (time_t)-1)
		return -1;
	/* No 31 February: the day must not have rolled over. */
	if (tm.tm_mday != check.tm_mday || tm.tm_mon != check.tm_mon)
		return -1;
	*t = v;
	return 0;
}

int
authopt_check(
    const struct authopt *o, const char *addr, time_t now, const char **why)
{
	if (o->refuse != NULL) {
		*why = o->refuse;
		return -1;
	}
	if (o->expires && now > o->expiry) {
		*why = "expiry-time= has passed";
		return -1;
	}
	if (o->from != NULL && authopt_from_match(o->from, addr) != 1) {
		*why = "from= does not match the address it came from";
		return -1;
	}
	return 0;
}
