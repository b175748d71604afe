#!/bin/sh
# test-help.sh: `moot --help`, `moot help COMMAND`, `moot COMMAND --help`
# and the bash completion (completion/moot.bash), sourced in a real bash.

MOOT=${MOOT:-./src/moot}
SCRIPT=${srcdir:-.}/completion/moot.bash
T=$(mktemp -d "${TMPDIR:-/tmp}/moot-help.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT
trap 'exit 1' INT TERM HUP

fail() {
	echo "test-help: FAIL: $*"
	exit 1
}

# --help lists every subcommand with its summary.
"$MOOT" --help >"$T/help" || fail "moot --help exits $?"
for cmd in serve invite decisions why show log help; do
	grep -q "^  $cmd  *[a-z]" "$T/help" || fail "moot --help lacks $cmd"
done

# moot help COMMAND is moot COMMAND --help.
for cmd in serve invite decisions why show log; do
	"$MOOT" help "$cmd" >"$T/a" || fail "moot help $cmd exits $?"
	"$MOOT" "$cmd" --help >"$T/b" || fail "moot $cmd --help exits $?"
	cmp -s "$T/a" "$T/b" || fail "moot help $cmd differs from --help"
	grep -q "^usage: moot $cmd" "$T/a" || fail "moot help $cmd: no usage"
done
for opt in --listen --max-people --login-grace-time --durable; do
	"$MOOT" help serve | grep -q -- "^  .*$opt" ||
		fail "moot help serve lacks $opt"
done
"$MOOT" help invite | grep -q -- "--role" || fail "moot help invite"

# An unknown command is an error, on standard error.
"$MOOT" help nosuch >"$T/out" 2>"$T/err"
rc=$?
[ "$rc" -eq 2 ] || fail "moot help nosuch exits $rc"
[ -s "$T/out" ] && fail "moot help nosuch writes to standard output"
grep -q "no such command 'nosuch'" "$T/err" || fail "moot help nosuch says:
$(cat "$T/err")"
"$MOOT" nosuch >/dev/null 2>&1 && fail "moot nosuch exits 0"

# The completion script.
if ! command -v bash >/dev/null 2>&1; then
	echo "test-help: bash not found; skipping the completion"
	exit 77
fi
bash -n "$SCRIPT" || fail "bash -n $SCRIPT"
if ! command -v git >/dev/null 2>&1; then
	echo "test-help: git not found; skipping the completion"
	exit 77
fi
mkdir -p "$T/repo/src" "$T/repo/docs" || exit 1
echo 'int x;' >"$T/repo/src/main.c"
echo '# Notes' >"$T/repo/docs/notes.md"
echo 'not in git' >"$T/repo/src/untracked.c"
mkdir -p "$T/repo/docs/decisions" || exit 1
printf '# 1. Use C\n\nDate: 2026-01-01\n\n## Status\n\nAccepted\n' \
	>"$T/repo/docs/decisions/0001-use-c.md"
printf '# 2. Use git\n\nDate: 2026-01-02\n\n## Status\n\nAccepted\n' \
	>"$T/repo/docs/decisions/0002-use-git.md"
if ! git -C "$T/repo" init -q ||
	! git -C "$T/repo" add src/main.c docs/notes.md docs/decisions ||
	! git -C "$T/repo" -c user.name=T -c user.email=t@example.com \
		commit -q -m initial; then
	fail "git"
fi

# complete_words WORD...: COMPREPLY for the last word (bash-completion itself
# is not needed: the script uses only bash's own completion builtins).
complete_words() {
	MOOT="$MOOT" bash --norc --noprofile -c '
		. "$0" || exit 1
		COMP_WORDS=("$MOOT" "$@")
		COMP_CWORD=$#
		COMP_LINE="${COMP_WORDS[*]}"
		COMP_POINT=${#COMP_LINE}
		_moot "$MOOT" "${COMP_WORDS[COMP_CWORD]}" \
			"${COMP_WORDS[COMP_CWORD - 1]}" || exit 1
		printf "%s\n" "${COMPREPLY[@]}" | sort' "$SCRIPT" "$@"
}

# expect "WANT" WORD...: the replies, one a line, are exactly WANT.
expect() {
	want=$1
	shift
	got=$(complete_words "$@") || fail "completing $*"
	[ "$got" = "$want" ] || fail "completing '$*': got
$got
want
$want"
}

# has WORD WORDS...: WORD is among the replies.
has() {
	word=$1
	shift
	complete_words "$@" | grep -qx -- "$word" || fail "completing '$*' lacks $word"
}

expect "serve
show" s
expect "decisions" dec
expect "log" lo
has why ""
has help ""
expect "why" help wh
expect "--max-auth-tries
--max-file-size
--max-paste
--max-people
--max-startups" serve --max-
has --listen serve --
has --keepalive-count serve --
has --trust-tree-hooks serve --
has -C serve -
# Words of the help text are not options.
complete_words serve - | grep -qx -- -p && fail "completing 'serve -' offers -p"
expect "--trace" why --tr
expect "editor
viewer" invite --role ""
expect "--json
--open
--stale" decisions --
expect "--for
--json
--since" log --
expect "src/main.c" why -C "$T/repo" src/
expect "docs/notes.md" why -C "$T/repo" docs/n
expect "" why -C "$T/repo" src/untr
expect "ADR-0001
ADR-0002" show -C "$T/repo" ""
exit 0
