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
#   now_us                wall clock in microseconds (no fork)
#   busy_ticks            busy CPU time of the whole machine so far (all cores), in clock ticks (CLK_TCK per second)
#   rate N US / secs US   N per second over US microseconds / US as seconds
#   ms_per_msg TICKS N    CPU clock ticks as milliseconds per message, for N messages
#   median FILE SYS COL   median of column COL over the rows of SYS in a TSV file; ratio A B: A / B or n/a
#   cpu_busy_pct          how busy the CPUs are over one second; machine_facts: the markdown list of machine facts
#   process_ticks PID     CPU ticks a process has used so far; jit_ticks PID: those of its JIT compiler threads
#   jit_share PID T0 J0   percentage of the process' CPU since (T0, J0) that its JIT compiler threads took
#   warm_up PID ROUNDS QUIET CMD...  runs the warm-up CMD until the JVM PID is warm (see below)
#
# Meant to be sourced; the caller decides about `set -euo pipefail`.

log() { printf '%s [bench] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

now_ns() { date +%s%N; }
now_us() { echo "${EPOCHREALTIME/./}"; }
CLK_TCK=$(getconf CLK_TCK)
busy_ticks() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8; exit }' /proc/stat; }
# CPU ticks (user + system) a process has used so far; 0 when it is gone.
process_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0; }
# CPU ticks of a JVM's JIT compiler threads ("C1/C2 CompilerThread", as the kernel shortens the name).
jit_ticks() {
  local t sum=0 comm
  for t in /proc/"$1"/task/*; do
    comm=$(cat "$t/comm" 2>/dev/null) || continue
    [[ $comm == C[12]\ CompilerThre* ]] && sum=$((sum + $(awk '{ print $14 + $15 }' "$t/stat" 2>/dev/null || echo 0)))
  done
  echo "$sum"
}
# jit_share PID T0 J0: the share (%) of PID's CPU since process_ticks T0 that its compiler threads took since
# jit_ticks J0. The JVM ends idle compiler threads, whose ticks then leave the sum: the share errs low, never below 0.
jit_share() {
  awk -v t="$(($(process_ticks "$1") - $2))" -v j="$(($(jit_ticks "$1") - $3))" \
    'BEGIN { if (j < 0) j = 0; printf "%.1f", (t > 0 ? 100 * j / t : 0) }'
}
# warm_up PID ROUNDS QUIET CMD...: runs CMD (one warm-up round through the door under test, including the wait for
# its delivery) again and again until the JIT compiler threads of the JVM PID took less than QUIET % of its CPU
# during a round, at most ROUNDS times. A JVM compiles for a long time: on two cores the hub's compiler threads still
# take a fifth of its CPU after 20,000 messages, and the door's speed doubles before they go quiet. An empty PID
# (Postfix) runs one round. Sets WARM_ROUNDS and WARM_JIT (the share in the last round, NA without a PID).
warm_up() {
  local pid=$1 max=$2 quiet=$3 round t0 j0
  shift 3
  WARM_ROUNDS=0 WARM_JIT=NA
  for ((round = 1; round <= max; round++)); do
    if [[ -n $pid ]]; then t0=$(process_ticks "$pid"); j0=$(jit_ticks "$pid"); fi
    "$@" || return 1
    WARM_ROUNDS=$round
    [[ -n $pid ]] || return 0
    WARM_JIT=$(jit_share "$pid" "$t0" "$j0")
    log "warm-up round $round: the JIT took $WARM_JIT% of the hub's CPU"
    awk -v p="$WARM_JIT" -v q="$quiet" 'BEGIN { exit !(p < q) }' && return 0
  done
  log "WARNING: the JIT still took $WARM_JIT% of the hub's CPU after $max warm-up rounds"
}
ms_per_msg() { awk -v t="$1" -v hz="$CLK_TCK" -v n="$2" 'BEGIN { printf "%.2f", 1000 * t / hz / n }'; }
rate() { awk -v n="$1" -v us="$2" 'BEGIN { if (us == "NA") printf "NA"; else printf "%.0f", (us > 0 ? n / (us / 1e6) : 0) }'; }
secs() { awk -v us="$1" 'BEGIN { if (us == "NA") printf "NA"; else printf "%.2f", us / 1e6 }'; }

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

# median FILE SYSTEM COL: median of the numeric values in column COL of the rows of SYSTEM (column 1) of a TSV file
# (NA if none).
median() {
  local file=$1 system=$2 col=$3
  awk -F'\t' -v s="$system" -v c="$col" '$1 == s && $c != "NA" { print $c }' "$file" |
    sort -n | awk '{ v[NR] = $1 }
      END { if (NR == 0) { print "NA"; exit }
            m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
            printf "%.0f\n", m }'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "NA" || b == "NA" || b == 0) print "n/a"; else printf "%.2f\n", a / b }'; }

machine_facts() {
  local java_v="(java not found)"
  command -v java >/dev/null && java_v=$(java -version 2>&1 | head -n 1)
  echo "- nproc: $(nproc)"
  echo "- CPU: $(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)"
  echo "- memory: $(awk '/^MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)"
  echo "- kernel: $(uname -sr)"
  echo "- java: $java_v"
  echo "- postfix: $(postconf -h mail_version 2>/dev/null)"
  echo "- storage: $(df -PT "$BENCH_ROOT" | awk 'NR == 2 {print $2 " (" $1 ")"}') under $BENCH_ROOT"
  [[ -n ${HUB_JOURNAL:-} ]] && echo "- Mailhub's broker journal: $HUB_JOURNAL"
  echo "- CPU busy before start (1 s sample): ${CPU_BUSY_AT_START}%"
}

# How busy the CPUs are over one second (other builds skew the figures; the
# load average would also count the tail of our own previous runs).
cpu_busy_pct() {
  local a b
  a=$(awk '/^cpu / { print $2 + $3 + $4 + $7 + $8, $5 + $6 }' /proc/stat)
  sleep 1
  b=$(awk '/^cpu / { print $2 + $3 + $4 + $7 + $8, $5 + $6 }' /proc/stat)
  awk -v a="$a" -v b="$b" 'BEGIN { split(a, x, " "); split(b, y, " ")
    busy = y[1] - x[1]; idle = y[2] - x[2]
    printf "%.0f", (busy + idle > 0 ? 100 * busy / (busy + idle) : 0) }'
}
