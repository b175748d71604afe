/* hostkey.c: the daemon's SSH host key under .git/moot/.
 * Made on first start (ed25519, mode 0600) and loaded after that. */
#include "moot.h"

#include <sys/stat.h>

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libssh/libssh.h>

#include "frontend.h"

#define HOSTKEY_FILE "host_ed25519"

void *
hostkey_load(const char *statedir, char **fingerprint)
{
	ssh_key key = NULL;
	unsigned char *hash = NULL;
	size_t hlen;
	char *path, *fp;
	mode_t mask;
	struct stat sb;

	xasprintf(&path, "%s%s", statedir, HOSTKEY_FILE);
	if (stat(path, &sb) == 0) {
		if (ssh_pki_import_privkey_file(path, NULL, NULL, NULL, &key) !=
		    SSH_OK)
			fatalx("cannot read the host key %s", path);
		if ((sb.st_mode & 077) != 0) {
			log_warn(
			    "%s was readable by others; making it 0600", path);
			chmod(path, 0600);
		}
	} else {
		if (ssh_pki_generate(SSH_KEYTYPE_ED25519, 0, &key) != SSH_OK)
			fatalx("cannot generate an ed25519 host key");
		mask = umask(077);
		if (ssh_pki_export_privkey_file(key, NULL, NULL, NULL, path) !=
		    SSH_OK)
			fatalx("cannot write the host key %s", path);
		umask(mask);
		chmod(path, 0600);
		log_info("made a new host key %s", path);
	}
	free(path);

	if (ssh_get_publickey_hash(
	        key, SSH_PUBLICKEY_HASH_SHA256, &hash, &hlen) != 0)
		fatalx("cannot hash the host key");
	fp = ssh_get_fingerprint_hash(SSH_PUBLICKEY_HASH_SHA256, hash, hlen);
	ssh_clean_pubkey_hash(&hash);
	*fingerprint = xstrdup(fp);
	ssh_string_free_char(fp);
	return key;
}
