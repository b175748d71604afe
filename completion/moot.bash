# moot.bash: bash completion for moot(1), installed as "moot" in
# bash-completion's directory (or sourced from ~/.bashrc).
#
# Subcommands and options are read from moot itself (`moot --help`,
# `moot help COMMAND`), so they follow its tables; paths for `why` come
# from git ls-files, decision numbers for `show` from `moot decisions`.

# The -C DIR given on the command line, else ".".
_moot_dir()
{
	local i
	for ((i = 1; i < COMP_CWORD; i++)); do
		if [[ ${COMP_WORDS[i]} == -C ]]; then
			printf '%s\n' "${COMP_WORDS[i + 1]}"
			return
		fi
	done
	printf '.\n'
}

# The subcommands of moot $1, from its --help (a fixed list if it fails).
_moot_commands()
{
	local out
	out=$("$1" --help 2>/dev/null | awk '
		/^Commands:/ { on = 1; next }
		on && /^$/ { exit }
		on && /^  [a-z]/ { print $1 }')
	if [[ -z $out ]]; then
		out="serve attach kill-session invite decisions why show log help"
	fi
	printf '%s\n' "$out"
}

# The options of subcommand $2 of moot $1: the words that start with '-'
# on its usage lines and on the lines of its help that start with one.
_moot_options()
{
	"$1" help "$2" 2>/dev/null | awk '
		/^usage:/ || /^[ \t]*[-[]/ {
			n = split($0, w, /[][ \t|,=]+/)
			for (i = 1; i <= n; i++)
				if (w[i] ~ /^--?[A-Za-z][A-Za-z0-9-]*$/)
					print w[i]
		}' | sort -u
}

_moot()
{
	local moot=${COMP_WORDS[0]} cur=${COMP_WORDS[COMP_CWORD]} prev='' cmd=''
	local dir
	COMPREPLY=()
	((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD - 1]}
	((COMP_CWORD > 1)) && cmd=${COMP_WORDS[1]}

	if ((COMP_CWORD == 1)); then
		if [[ $cur == -* ]]; then
			mapfile -t COMPREPLY < <(compgen -W "--help --version" -- "$cur")
		else
			mapfile -t COMPREPLY < <(compgen -W "$(_moot_commands "$moot")" -- "$cur")
		fi
		return 0
	fi
	case $prev in
	-C)
		mapfile -t COMPREPLY < <(compgen -d -- "$cur")
		return 0
		;;
	--role)
		mapfile -t COMPREPLY < <(compgen -W "viewer editor" -- "$cur")
		return 0
		;;
	esac
	if [[ $cur == -* ]]; then
		mapfile -t COMPREPLY < <(compgen -W "$(_moot_options "$moot" "$cmd")" -- "$cur")
		return 0
	fi
	dir=$(_moot_dir)
	case $cmd in
	help)
		((COMP_CWORD == 2)) &&
			mapfile -t COMPREPLY < <(compgen -W "$(_moot_commands "$moot")" -- "$cur")
		;;
	why)
		# FILE:LINE: the repository's files; the line is typed after
		# the colon (a word of its own when ':' breaks words).
		[[ $cur == *:* || $cur == : || $prev == : ]] && return 0
		mapfile -t COMPREPLY < <(compgen -W "$(git -C "$dir" ls-files 2>/dev/null)" -- "$cur")
		((${#COMPREPLY[@]} == 1)) && type compopt >/dev/null 2>&1 &&
			compopt -o nospace 2>/dev/null
		;;
	show)
		mapfile -t COMPREPLY < <(compgen -W "$("$moot" decisions -C "$dir" 2>/dev/null |
			awk '$1 ~ /^[0-9]+$/ { print "ADR-" $1 }')" -- "$cur")
		;;
	esac
	return 0
}

complete -F _moot moot
