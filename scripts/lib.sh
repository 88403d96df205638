# Shell helpers for scripts/bootstrap.sh, sourced (also by the bootstrap tests).

# version_at_least <have> <want>: true when have >= want (dotted numbers).
version_at_least() { [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | sed -n 1p)" = "$2" ]; }

# reports_line <line> <command...>: true when the command succeeds and prints <line> as a whole line.
# The output is captured first and matched in the shell: piping into `grep -q` under pipefail fails at
# random, because grep exits at the first match and the writer dies of SIGPIPE.
reports_line() {
  local want=$1 out nl=$'\n'
  shift
  out=$("$@" 2>/dev/null) || return 1
  [[ "$nl$out$nl" == *"$nl$want$nl"* ]]
}
