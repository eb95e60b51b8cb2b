#!/usr/bin/env bash
# bench/lib/common.sh - small helpers shared by the benchmark scripts (sourced).
#
#   log MSG...            timestamped message on stderr
#   die MSG...            log and exit 1
#   now_ns                monotonic-enough wall clock in nanoseconds (date +%s%N)
#   free_port             print a TCP port on 127.0.0.1 that nobody listens on
#   wait_for_port P SECS  wait until something listens on 127.0.0.1:P
#   smtp_banner_ok P [H]  true if H:P (default 127.0.0.1) answers with a "220" SMTP banner
#   require_root / require_cmd CMD...
#
# Meant to be sourced; the caller decides about `set -euo pipefail`.

log() { printf '%s [bench] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

now_ns() { date +%s%N; }

require_root() { [[ $(id -u) -eq 0 ]] || die "must run as root (smtp-sink and postfix need it)"; }

require_cmd() {
  local c
  for c in "$@"; do
    command -v "$c" >/dev/null 2>&1 || die "missing command: $c"
  done
}

# True if some socket listens on 127.0.0.1:PORT (or on the wildcard address).
port_in_use() {
  local port=$1
  ss -Hltn "( sport = :$port )" 2>/dev/null | grep -q .
}

# A random unused port in 20000-39999. Ports handed out earlier in this
# process are remembered so that two calls never return the same port even
# before anything binds them.
declare -ga _BENCH_PORTS_GIVEN=()
free_port() {
  local port tries=0
  while (( tries++ < 200 )); do
    port=$(( 20000 + RANDOM % 20000 ))
    [[ " ${_BENCH_PORTS_GIVEN[*]} " == *" $port "* ]] && continue
    port_in_use "$port" && continue
    _BENCH_PORTS_GIVEN+=("$port")
    echo "$port"
    return 0
  done
  die "could not find a free TCP port"
}

wait_for_port() {
  local port=$1 secs=${2:-30} deadline
  deadline=$(( $(date +%s) + secs ))
  until port_in_use "$port"; do
    (( $(date +%s) < deadline )) || return 1
    sleep 0.1
  done
}

# Open a TCP connection with bash's /dev/tcp, read the first line, say QUIT.
smtp_banner_ok() {
  local port=$1 host=${2:-127.0.0.1} line=""
  { exec 3<>"/dev/tcp/$host/$port"; } 2>/dev/null || return 1
  IFS= read -r -t 5 line <&3 || true
  printf 'QUIT\r\n' >&3 2>/dev/null || true
  exec 3<&- 3>&-
  [[ $line == 220* ]]
}
