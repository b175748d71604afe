#!/bin/sh
# test-openssh.sh: smoke test of moot serve with OpenSSH's own ssh client.
# Types, saves and leaves through a real ssh; exec requests must be refused;
# an invited person joins with a token.

# Exit 77 (automake's SKIP) when the tools are missing.
for tool in ssh ssh-keygen git mkfifo; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		echo "test-openssh: $tool not found; skipping"
		exit 77
	fi
done

MOOT=${MOOT:-./src/moot}
if [ ! -x "$MOOT" ]; then
	echo "test-openssh: FAIL: $MOOT is not an executable"
	exit 1
fi

T=$(mktemp -d "${TMPDIR:-/tmp}/moot-smoke.XXXXXX") || exit 1
DAEMON=
SSHPID=

# shellcheck disable=SC2317 # called by the trap
cleanup() {
	# Only the processes this script started.
	if [ -n "$SSHPID" ]; then kill -9 "$SSHPID" 2>/dev/null; fi
	if [ -n "$DAEMON" ]; then kill -9 "$DAEMON" 2>/dev/null; fi
	exec 3>&- 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

fail() {
	echo "test-openssh: FAIL: $*"
	if [ -f "$T/daemon.err" ]; then
		echo "--- daemon stderr ---"
		tail -n 30 "$T/daemon.err"
	fi
	exit 1
}

# Wait up to $2 tenths of a second for file $1 to contain the string $3.
wait_for() {
	i=0
	while ! grep -qF -- "$3" "$1" 2>/dev/null; do
		i=$((i + 1))
		if [ "$i" -gt "$2" ]; then
			return 1
		fi
		sleep 0.1
	done
	return 0
}

# The repository.
mkdir "$T/repo" "$T/home" || fail "mkdir"
printf 'Smoke README text\nsecond line\n' >"$T/repo/README.md"
(
	cd "$T/repo" &&
	git -c init.defaultBranch=main init -q -b main &&
	git config user.name Test &&
	git config user.email test@example.com &&
	git config commit.gpgsign false &&
	git add -A &&
	git commit -q -m initial
) || fail "git could not make the repository"

# The key, listed in the repository's .moot/authorized_keys as a host's
# (hosts start terminals).
ssh-keygen -q -t ed25519 -N '' -C 'Smoke <smoke@example.com>' \
	-f "$T/key" || fail "ssh-keygen"
if ! mkdir "$T/repo/.moot" ||
	! { printf 'host ' && cat "$T/key.pub"; } \
		>"$T/repo/.moot/authorized_keys"; then
	fail "cannot write .moot/authorized_keys"
fi

# The daemon, with an empty HOME.
HOME="$T/home" "$MOOT" serve -C "$T/repo" --listen 127.0.0.1:0 \
	>"$T/daemon.out" 2>"$T/daemon.err" </dev/null &
DAEMON=$!
wait_for "$T/daemon.out" 100 "Listening on " ||
	fail "no 'Listening on' line within 10 s: $(cat "$T/daemon.out")"
sleep 0.1
PORT=$(sed -n 's/.*Listening on .*:\([0-9][0-9]*\).*/\1/p' "$T/daemon.out" |
	head -n 1)
[ -n "$PORT" ] || fail "cannot read the port from: $(cat "$T/daemon.out")"

SSHOPTS="-F /dev/null -p $PORT -i $T/key -o StrictHostKeyChecking=no \
-o UserKnownHostsFile=/dev/null -o IdentitiesOnly=yes -o BatchMode=yes \
-o LogLevel=ERROR"

# An interactive session: ssh in a pseudo-terminal of 80x24 (script(1)
# provides one when available), input from a FIFO. It also asks to set a
# variable (an env request), which is refused and logged by name.
mkfifo "$T/in" || fail "mkfifo"
ENVOPT="-o SetEnv=MOOT_SMOKE=1"
if command -v script >/dev/null 2>&1; then
	TERM=xterm-256color SSH_AUTH_SOCK='' script -qfec \
		"stty rows 24 cols 80; exec ssh -tt $SSHOPTS $ENVOPT test@127.0.0.1" \
		/dev/null <"$T/in" >"$T/session.out" 2>&1 &
else
	# shellcheck disable=SC2086
	TERM=xterm-256color SSH_AUTH_SOCK='' ssh -tt $SSHOPTS $ENVOPT \
		test@127.0.0.1 <"$T/in" >"$T/session.out" 2>&1 &
fi
SSHPID=$!
exec 3>"$T/in"

if ! wait_for "$T/session.out" 150 "Smoke README"; then
	SHOWN=$(cat -v "$T/session.out" | tail -c 2000)
	fail "the README text never showed; ssh printed: $SHOWN"
fi
printf 'smoke-test' >&3
# The screen is redrawn in pieces, so the typed text need not appear in one
# run in the output: wait for the modified marker, then give the rest of
# the keys a moment (the file on disk is checked below).
wait_for "$T/session.out" 50 "[+]" ||
	fail "no [+] in the status bar after typing"
sleep 1
printf '\023' >&3
# ncurses only sends the cells that change, and the notice replaced
# ("welcome, Smoke") shares the name: look for the part that differs.
wait_for "$T/session.out" 50 "saved by" ||
	fail "no 'saved by Smoke' notice after Ctrl-S"
# Ctrl-B %: two panes side by side, a border between them.
printf '\002%%' >&3
wait_for "$T/session.out" 50 "$(printf '\342\224\202')" ||
	fail "no pane border after Ctrl-B %: $(cat -v "$T/session.out" |
		tail -c 600)"
# A terminal in the new pane (the palette's `term`), and a command in it:
# its output, not the echo of what was typed, shows.
printf '\020term\r' >&3
wait_for "$T/session.out" 50 "term 1" ||
	fail "no terminal pane after term: $(cat -v "$T/session.out" |
		tail -c 600)"
sleep 0.5
printf "printf 'smoke%%s\\\\n' -term-out\r" >&3
wait_for "$T/session.out" 50 "smoke-term-out" ||
	fail "the terminal's output never showed: $(cat -v "$T/session.out" |
		tail -c 600)"
printf '\021' >&3

# Ctrl-Q: the session ends with status 0.
i=0
while kill -0 "$SSHPID" 2>/dev/null; do
	i=$((i + 1))
	[ "$i" -gt 100 ] && fail "ssh still running 10 s after Ctrl-Q"
	sleep 0.1
done
wait "$SSHPID"
STATUS=$?
SSHPID=
exec 3>&-
[ "$STATUS" -eq 0 ] || fail "the session ended with status $STATUS"
grep -qF smoke-test "$T/repo/README.md" ||
	fail "README.md on disk lacks smoke-test: $(cat "$T/repo/README.md")"
grep -qF "refused a channel request of type env" "$T/daemon.err" ||
	fail "the log does not name the refused env request: $(grep -F \
		'channel request' "$T/daemon.err")"

# An exec request is refused with a message and a non-zero status.
# shellcheck disable=SC2086
SSH_AUTH_SOCK='' timeout 20 ssh $SSHOPTS test@127.0.0.1 ls \
	</dev/null >"$T/exec.out" 2>"$T/exec.err"
STATUS=$?
[ "$STATUS" -ne 0 ] || fail "exec 'ls' succeeded"
grep -q refused "$T/exec.err" ||
	fail "exec 'ls' (status $STATUS) said: $(cat "$T/exec.err" "$T/exec.out")"

# An invitation: `moot invite` prints the line to hand over; OpenSSH's
# ssh joins as join-TOKEN with a key no file lists, is asked for a name,
# enters and leaves; a second use of the one-use token is refused.
ssh-keygen -q -t ed25519 -N '' -C '' -f "$T/guest" || fail "ssh-keygen"
HOME="$T/home" "$MOOT" invite -C "$T/repo" --role viewer \
	>"$T/invite.out" 2>"$T/invite.err" ||
	fail "moot invite failed: $(cat "$T/invite.err")"
JOIN=$(sed -n 's/.* \(join-[A-Za-z0-9_-]*\)@.*/\1/p' "$T/invite.out")
[ -n "$JOIN" ] || fail "no join line in: $(cat "$T/invite.out")"
GUESTOPTS="-F /dev/null -p $PORT -i $T/guest -o StrictHostKeyChecking=no \
-o UserKnownHostsFile=/dev/null -o IdentitiesOnly=yes -o BatchMode=yes \
-o LogLevel=ERROR"
mkfifo "$T/gin" || fail "mkfifo"
if command -v script >/dev/null 2>&1; then
	TERM=xterm-256color SSH_AUTH_SOCK='' script -qfec \
		"stty rows 24 cols 80; exec ssh -tt $GUESTOPTS $JOIN@127.0.0.1" \
		/dev/null <"$T/gin" >"$T/guest.out" 2>&1 &
else
	# shellcheck disable=SC2086
	TERM=xterm-256color SSH_AUTH_SOCK='' ssh -tt $GUESTOPTS \
		"$JOIN@127.0.0.1" <"$T/gin" >"$T/guest.out" 2>&1 &
fi
SSHPID=$!
exec 3>"$T/gin"
wait_for "$T/guest.out" 150 "Your name:" ||
	fail "no name prompt; ssh printed: $(cat -v "$T/guest.out" | tail -c 2000)"
printf 'Olga Guest\r' >&3
wait_for "$T/guest.out" 100 "Smoke README" ||
	fail "the invited person never entered: $(cat -v "$T/guest.out" | tail -c 2000)"
printf '\021' >&3
i=0
while kill -0 "$SSHPID" 2>/dev/null; do
	i=$((i + 1))
	[ "$i" -gt 100 ] && fail "ssh still running 10 s after Ctrl-Q"
	sleep 0.1
done
wait "$SSHPID"
SSHPID=
exec 3>&-
ssh-keygen -q -t ed25519 -N '' -C '' -f "$T/late" || fail "ssh-keygen"
LATEOPTS="-F /dev/null -p $PORT -i $T/late -o StrictHostKeyChecking=no \
-o UserKnownHostsFile=/dev/null -o IdentitiesOnly=yes -o BatchMode=yes \
-o LogLevel=ERROR"
# shellcheck disable=SC2086
SSH_AUTH_SOCK='' timeout 20 ssh -tt $LATEOPTS "$JOIN@127.0.0.1" \
	</dev/null >"$T/late.out" 2>&1
grep -q "not valid" "$T/late.out" ||
	fail "a second use of the token: $(cat -v "$T/late.out" | tail -c 1000)"

# SIGTERM: the daemon exits 0.
kill -TERM "$DAEMON"
i=0
while kill -0 "$DAEMON" 2>/dev/null; do
	i=$((i + 1))
	[ "$i" -gt 50 ] && fail "the daemon ignored SIGTERM for 5 s"
	sleep 0.1
done
wait "$DAEMON"
STATUS=$?
DAEMON=
[ "$STATUS" -eq 0 ] || fail "the daemon exited with status $STATUS on SIGTERM"

echo "test-openssh: ok"
exit 0
