#!/bin/sh
# test-deb.sh: tries a built Debian package without installing it.
# Usage: test-deb.sh moot_VERSION-REV_ARCH.deb VERSION (run by `make check-deb`).
set -u

deb=${1:?usage: test-deb.sh PACKAGE.deb VERSION}
version=${2:?usage: test-deb.sh PACKAGE.deb VERSION}
failed=0
pid=

fail() {
	echo "FAIL: $*"
	failed=1
}
ok() {
	echo "ok: $*"
}

root=$(mktemp -d)
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null
	rm -rf "$root"
}
trap cleanup EXIT
trap 'exit 1' HUP INT TERM

if ! dpkg -x "$deb" "$root/pkg"; then
	echo "FAIL: cannot unpack $deb"
	exit 1
fi
pkg=$root/pkg
bin=$pkg/usr/bin/moot

# debian/changelog follows configure.ac (docs/releasing.md).
pkgver=$(dpkg-deb -f "$deb" Version)
if [ "${pkgver%-*}" = "$version" ]; then
	ok "package version $pkgver"
else
	fail "package version $pkgver is not $version-REVISION"
fi

# The files a package install gives (docs are compressed when large).
present() {
	for f in "$pkg"/$1; do
		[ -e "$f" ] && { ok "$2"; return 0; }
	done
	fail "$2 missing (no $1)"
}
present usr/bin/moot "the binary"
present 'usr/share/man/man1/moot.1*' "moot(1)"
present 'lib/systemd/system/moot@.service' "the unit moot@.service"
present usr/lib/sysusers.d/moot.conf "the system user (sysusers.d)"
present usr/lib/tmpfiles.d/moot.conf "the user's home (tmpfiles.d)"
present usr/share/doc/moot/copyright "the copyright file"
present usr/share/bash-completion/completions/moot "the bash completion"
present 'usr/share/doc/moot/README*' "the README"
for d in architecture behaviour decisions editing performance protocol \
	releasing security testing; do
	present "usr/share/doc/moot/$d.md*" "docs/$d.md"
done

# --version names the version configure.ac gives.
out=$("$bin" --version 2>&1)
if [ "$out" = "moot $version" ]; then
	ok "--version: $out"
else
	fail "--version said '$out', not 'moot $version'"
fi

# serve --demo on a free loopback port: it must say where it listens and
# answer there with an SSH banner.
mkdir "$root/tmp" "$root/home"
TMPDIR=$root/tmp HOME=$root/home "$bin" serve --demo \
	--listen 127.0.0.1:0 >"$root/serve.log" 2>&1 &
pid=$!
port=
i=0
while [ $i -lt 300 ]; do
	port=$(sed -n 's/^Listening on 127\.0\.0\.1:\([0-9][0-9]*\)$/\1/p' \
		"$root/serve.log")
	[ -n "$port" ] && break
	kill -0 "$pid" 2>/dev/null || break
	sleep 0.1
	i=$((i + 1))
done
if [ -z "$port" ]; then
	fail "serve --demo did not say where it listens:"
	sed 's/^/    /' "$root/serve.log"
else
	banner=$(timeout 10 bash -c \
		"exec 3<>/dev/tcp/127.0.0.1/$port && head -n 1 <&3" 2>&1)
	case $banner in
	SSH-2.0-*) ok "serve --demo answers on 127.0.0.1:$port" ;;
	*) fail "no SSH banner on port $port: '$banner'" ;;
	esac
fi
if kill "$pid" 2>/dev/null; then
	i=0
	while kill -0 "$pid" 2>/dev/null && [ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	if kill -0 "$pid" 2>/dev/null; then
		fail "serve --demo did not end on SIGTERM"
	else
		ok "serve --demo ends on SIGTERM"
	fi
else
	fail "serve --demo ended by itself:"
	sed 's/^/    /' "$root/serve.log"
fi
wait "$pid" 2>/dev/null
pid=

# The unit, checked by systemd against the unpacked binary and manual page:
# a copy whose ExecStart names the unpacked binary.
unit=$pkg/lib/systemd/system/moot@.service
if ! command -v systemd-analyze >/dev/null; then
	echo "skip: systemd-analyze verify (no systemd-analyze here)"
elif [ -f "$unit" ]; then
	mkdir "$root/units"
	sed "s|/usr/bin/moot|$bin|g" "$unit" >"$root/units/moot@.service"
	if MANPATH=$pkg/usr/share/man systemd-analyze verify \
		"$root/units/moot@.service" >"$root/verify.log" 2>&1; then
		ok "systemd-analyze verify moot@.service"
	else
		fail "systemd-analyze verify moot@.service:"
		sed 's/^/    /' "$root/verify.log"
	fi
fi

# What the maintainer scripts do at install, done into the unpacked root:
# the system user moot, then its home.
if ! command -v systemd-sysusers >/dev/null ||
	! command -v systemd-tmpfiles >/dev/null; then
	echo "skip: the user and its home (no systemd-sysusers/tmpfiles here)"
else
	mkdir -p "$pkg/etc"
	systemd-sysusers --root="$pkg" \
		"$pkg/usr/lib/sysusers.d/moot.conf" >/dev/null 2>&1
	systemd-tmpfiles --root="$pkg" --create \
		"$pkg/usr/lib/tmpfiles.d/moot.conf" >/dev/null 2>&1
	uid=$(sed -n 's|^moot:x:\([0-9]*\):[0-9]*:[^:]*:/var/lib/moot:.*|\1|p' \
		"$pkg/etc/passwd" 2>/dev/null)
	if [ -z "$uid" ]; then
		fail "no user moot with home /var/lib/moot"
	elif [ "$(stat -c %u:%a "$pkg/var/lib/moot/.ssh" 2>/dev/null)" != \
		"$uid:700" ]; then
		fail "/var/lib/moot/.ssh is not moot's, mode 0700"
	else
		ok "user moot (uid $uid) with home /var/lib/moot and its .ssh"
	fi
fi

# Debian's own checks: no error (warnings are listed in docs/releasing.md).
if ! command -v lintian >/dev/null; then
	echo "skip: lintian (not installed)"
elif lintian --fail-on error "$deb" >"$root/lintian.log" 2>&1; then
	ok "lintian: no error"
else
	fail "lintian found errors:"
	sed 's/^/    /' "$root/lintian.log"
fi

if [ "$failed" = 0 ]; then
	echo "PASS: $deb"
else
	echo "FAIL: $deb"
fi
exit "$failed"
