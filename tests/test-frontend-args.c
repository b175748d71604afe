/* test-frontend-args.c: unit tests of what the daemon tells a frontend
 * (frontend-args.c): a round trip, and every malformed input refused. */
#include "moot.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <libssh/libssh.h>

#include "authopt.h"
#include "bytes.h"
#include "frontend.h"

#define HOSTKEY "-----BEGIN OPENSSH PRIVATE KEY-----\nnot a key\n"

/* A fresh ed25519 public key as "ssh-ed25519 BASE64"; its key in *key. */
static char *
fa_pubkey(ssh_key *key)
{
	ssh_key priv;
	char *b64, *line;

	assert_int_equal(
	    ssh_pki_generate(SSH_KEYTYPE_ED25519, 0, &priv), SSH_OK);
	assert_int_equal(ssh_pki_export_privkey_to_pubkey(priv, key), SSH_OK);
	assert_int_equal(ssh_pki_export_pubkey_base64(*key, &b64), SSH_OK);
	xasprintf(&line, "ssh-ed25519 %s", b64);
	ssh_string_free_char(b64);
	ssh_key_free(priv);
	return line;
}

/* The daemon's side: three lines of two keys, the numbers, the host key. */
static void
fa_sample(struct frontend_args *a, ssh_key *k1, ssh_key *k2)
{
	char *p1 = fa_pubkey(k1), *p2 = fa_pubkey(k2), *line;

	frontend_args_init(a);
	a->hostkey = xstrdup(HOSTKEY);
	xasprintf(
	    &line, "from=\"10.0.0.0/8\" %s Alice Liddell <alice@x.org>", p1);
	auth_add_line(&a->keys, line, "/home/h/.ssh/authorized_keys", 1);
	free(line);
	xasprintf(&line, "  viewer %s Alice Liddell\r\n", p1);
	auth_add_line(&a->keys, line, ".moot/authorized_keys", 0);
	free(line);
	xasprintf(&line, "no-such-option %s Bob", p2);
	auth_add_line(&a->keys, line, ".moot/authorized_keys", 0);
	free(line);
	a->grace = 20;
	a->max_tries = 6;
	a->ka_interval = 15;
	a->ka_count = 0xfffffffe;
	free(p1);
	free(p2);
}

/* What the daemon writes, the frontend reads: the same keys, with the
 * same options, names and sources, and the same numbers. */
static void
test_round_trip(void **state)
{
	struct frontend_args a, b;
	struct authkey *k, *refused;
	struct bytes out;
	const char *err, *why;
	ssh_key k1, k2;
	size_t i;

	fa_sample(&a, &k1, &k2);
	assert_int_equal(a.keys.n, 3);
	/* The invited keys the session remembers (fingerprints). */
	a.members.v = xcalloc(2, sizeof *a.members.v);
	a.members.v[a.members.n++] = xstrdup("SHA256:one");
	a.members.v[a.members.n++] = xstrdup("SHA256:two");
	bytes_init(&out);
	assert_int_equal(frontend_args_write(&a, &out), 0);
	assert_int_equal(
	    frontend_args_read(bytes_ptr(&out), bytes_len(&out), &b, &err), 0);
	assert_int_equal(b.sock, -1);
	assert_int_equal(b.daemon, -1);
	assert_string_equal(b.hostkey, HOSTKEY);
	assert_int_equal(b.grace, 20);
	assert_int_equal(b.max_tries, 6);
	assert_int_equal(b.ka_interval, 15);
	assert_int_equal(b.ka_count, 0xfffffffe);
	assert_int_equal(b.members.n, 2);
	assert_string_equal(b.members.v[0], "SHA256:one");
	assert_string_equal(b.members.v[1], "SHA256:two");
	assert_int_equal(b.keys.n, 3);
	for (i = 0; i < 3; i++) {
		assert_string_equal(b.keys.keys[i].line, a.keys.keys[i].line);
		assert_string_equal(
		    b.keys.keys[i].source, a.keys.keys[i].source);
		assert_int_equal(b.keys.keys[i].home, a.keys.keys[i].home);
	}
	/* The line is kept from its first non-blank, without its end. */
	assert_true(
	    strncmp(b.keys.keys[1].line, "viewer ssh-ed25519 ", 19) == 0);
	assert_null(strchr(b.keys.keys[1].line, '\r'));
	assert_string_equal(b.keys.keys[0].name, "Alice Liddell");
	assert_string_equal(b.keys.keys[0].email, "alice@x.org");
	assert_non_null(b.keys.keys[0].opt->from);
	assert_true(b.keys.keys[1].opt->viewer);
	assert_non_null(b.keys.keys[2].bad);

	/* The frontend finds them as the daemon does. */
	k = auth_find(&b.keys, k1, "10.1.2.3", 0, &refused, &why);
	assert_ptr_equal(k, &b.keys.keys[0]);
	k = auth_find(&b.keys, k1, "192.0.2.1", 0, &refused, &why);
	assert_ptr_equal(k, &b.keys.keys[1]);
	assert_null(auth_find(&b.keys, k2, "10.1.2.3", 0, &refused, &why));
	assert_ptr_equal(refused, &b.keys.keys[2]);

	bytes_free(&out);
	frontend_args_free(&a);
	frontend_args_free(&b);
	assert_null(b.hostkey);
	assert_int_equal(b.keys.n, 0);
	ssh_key_free(k1);
	ssh_key_free(k2);
}

/* Read a copy (so that ASan sees any overrun): 0 or -1. */
static int
fa_read(const void *p, size_t len)
{
	struct frontend_args a;
	const char *err = NULL;
	void *copy = xmalloc(len + 1);
	int rc;

	memcpy(copy, p, len);
	rc = frontend_args_read(copy, len, &a, &err);
	free(copy);
	if (rc == 0)
		frontend_args_free(&a);
	else {
		assert_non_null(err);
		assert_null(a.hostkey);
		assert_int_equal(a.keys.n, 0);
	}
	return rc;
}

/* Every prefix of a good input is refused (the last record is a number
 * that must be there); so is a byte changed in the wrong place. */
static void
test_refused(void **state)
{
	struct frontend_args a;
	struct bytes out;
	ssh_key k1, k2;
	uint8_t *p, *big;
	size_t len, i, magic = strlen("moot-frontend-args\n");

	fa_sample(&a, &k1, &k2);
	bytes_init(&out);
	assert_int_equal(frontend_args_write(&a, &out), 0);
	len = bytes_len(&out);
	p = xmalloc(len);
	memcpy(p, bytes_ptr(&out), len);
	assert_int_equal(fa_read(p, len), 0);
	for (i = 0; i < len; i++)
		assert_int_equal(fa_read(p, i), -1);

	/* Not ours. */
	p[0] ^= 1;
	assert_int_equal(fa_read(p, len), -1);
	p[0] ^= 1;
	/* A field that does not exist. */
	p[magic] = 200;
	assert_int_equal(fa_read(p, len), -1);
	p[magic] = 0;
	/* A length past the end. */
	p[magic + 1] = 0x7f;
	assert_int_equal(fa_read(p, len), -1);
	p[magic + 1] = 0;
	/* A NUL inside the host key. */
	p[magic + 5] = '\0';
	assert_int_equal(fa_read(p, len), -1);
	p[magic + 5] = '-';
	assert_int_equal(fa_read(p, len), 0);

	/* A number given twice; one that is not 4 bytes. */
	big = xmalloc(len + 9);
	memcpy(big, p, len);
	memcpy(big + len, p + len - 9, 9);
	assert_int_equal(fa_read(big, len + 9), -1);
	big[len - 5] = 5; /* ka_count's length: 5 bytes */
	assert_int_equal(fa_read(big, len + 1), -1);
	free(big);

	/* Too large, whatever it holds. */
	big = xcalloc(1, FRONTEND_ARGS_MAX + 1);
	memcpy(big, p, len);
	assert_int_equal(fa_read(big, FRONTEND_ARGS_MAX + 1), -1);
	free(big);

	free(p);
	bytes_free(&out);
	frontend_args_free(&a);
	ssh_key_free(k1);
	ssh_key_free(k2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_round_trip),
	    cmocka_unit_test(test_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
