#!/usr/bin/env bash
# bench/api-bench.sh - the HTTP send API beside SMTP intake: Mailhub's API (one message per request and batches),
# Mailhub's own SMTP intake and Postfix's SMTP intake, on the same machine in one run.
#
# For every round, alternating postfix / hub-smtp / hub-api / hub-batch:
#   1. start a fresh smtp-sink (the next hop) on a free port;
#   2. start the system under test, relaying everything to that sink (a fresh hub with an API key made by
#      `api-key create`, or a private durable Postfix instance, bench/lib/postfix-instance.sh);
#   3. warm it up through the same door, then time the load:
#        postfix, hub-smtp: smtp-source -s CLIENTS -m N -l SIZE (one message per connection)
#        hub-api:           h2load --h1 -c CLIENTS -n N, POST /api/v1/messages with a SIZE-byte text body
#                           (keep-alive connections, one message per request)
#        hub-batch:         h2load --h1 -c CLIENTS -n N/BATCH, POST /api/v1/messages/batch with BATCH such
#                           messages per request
#      accept     = wall time of the load generator (every message answered 250 / 202 / 200 with 202 per item);
#      end-to-end = from the same start until the sink has counted N messages;
#   4. stop everything and throw the state away.
# Every message is stored durably before it is answered, on every door (the Artemis journal sync, Postfix's fsync).
# At the end it prints medians, the ratios the targets name (API / hub SMTP, batch / Postfix SMTP) and a markdown
# snippet for docs/benchmarks.md.
#
# Warm-up: rounds of W messages through the same door (default 20000) until the hub's JIT compiler threads took
# less than --jit-quiet percent (default 3) of its CPU in a round, at most --warmup-rounds rounds (default 8); Postfix
# gets one round. The timed run reports the hub's own CPU per message and the JIT's share of it.
#
# Usage: bench/api-bench.sh [--messages N] [--clients C] [--size BYTES] [--batch B] [--runs R] [--warmup W]
#          [--warmup-rounds R] [--jit-quiet PCT] [--systems postfix,hub-smtp,hub-api,hub-batch] [--timeout SECS]
#          [--markdown-out FILE] [--keep]
#
# Must run as root (smtp-sink and postfix need it). Needs Debian's postfix (smtp-source, smtp-sink, postconf),
# nghttp2-client (h2load), iproute2 (ss), curl, java and a built target/mailhub.jar.
# Environment: BENCH_ROOT (default /tmp/mailhub-bench), MAILHUB_JAR, HUB_JAVA_OPTS, HUB_START_TIMEOUT (120 s).
# shellcheck source-path=SCRIPTDIR
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$BENCH_DIR/.." && pwd)
source "$BENCH_DIR/lib/common.sh"
source "$BENCH_DIR/lib/sink.sh"
source "$BENCH_DIR/lib/postfix-instance.sh"
source "$BENCH_DIR/lib/hub.sh"

MESSAGES=20000
CLIENTS=50
SIZE=1024
BATCH=100
RUNS=2
WARMUP=20000
WARMUP_ROUNDS=8
JIT_QUIET=3
TIMEOUT=600
SYSTEMS=(postfix hub-smtp hub-api hub-batch)
MARKDOWN_OUT=""
KEEP=0
SENDER=sender@bench.test
RECIPIENT=rcpt@bench.test

usage() { awk 'NR > 1 && /^#/ && !/^# shellcheck/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}"; }
need_int() { [[ ${2:-} =~ ^[0-9]+$ && ${2} -gt 0 ]] || die "$1 needs a positive integer, got '${2:-}'"; }

while (($#)); do
  case $1 in
    --messages) need_int "$1" "${2:-}"; MESSAGES=$2; shift 2 ;;
    --clients) need_int "$1" "${2:-}"; CLIENTS=$2; shift 2 ;;
    --size) need_int "$1" "${2:-}"; SIZE=$2; shift 2 ;;
    --batch) need_int "$1" "${2:-}"; BATCH=$2; shift 2 ;;
    --runs) need_int "$1" "${2:-}"; RUNS=$2; shift 2 ;;
    --warmup) [[ ${2:-} =~ ^[0-9]+$ ]] || die "--warmup needs a number"; WARMUP=$2; shift 2 ;;
    --warmup-rounds) need_int "$1" "${2:-}"; WARMUP_ROUNDS=$2; shift 2 ;;
    --jit-quiet) need_int "$1" "${2:-}"; JIT_QUIET=$2; shift 2 ;;
    --timeout) need_int "$1" "${2:-}"; TIMEOUT=$2; shift 2 ;;
    --systems) IFS=, read -r -a SYSTEMS <<<"${2:-}"; shift 2 ;;
    --markdown-out) [[ -n ${2:-} ]] || die "--markdown-out needs a file"; MARKDOWN_OUT=$2; shift 2 ;;
    --keep) KEEP=1; shift ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; die "unknown argument: $1" ;;
  esac
done
for s in "${SYSTEMS[@]}"; do
  [[ $s =~ ^(postfix|hub-smtp|hub-api|hub-batch)$ ]] || die "unknown system: $s"
done
((MESSAGES % BATCH == 0 && WARMUP % BATCH == 0)) || die "--messages and --warmup must be multiples of --batch"

BENCH_ROOT=${BENCH_ROOT:-/tmp/mailhub-bench}
MAILHUB_JAR=${MAILHUB_JAR:-$REPO_ROOT/target/mailhub.jar}
HUB_START_TIMEOUT=${HUB_START_TIMEOUT:-120}
PF_DIR=$BENCH_ROOT/postfix   # fixed: it is registered in /etc/postfix/main.cf

require_root
require_cmd smtp-source smtp-sink postfix postconf h2load ss timeout awk flock curl java
[[ -f $MAILHUB_JAR ]] || die "Mailhub jar not found: $MAILHUB_JAR (./mvnw -q -DskipTests package)"
mkdir -p "$BENCH_ROOT"
chmod 0755 "$BENCH_ROOT"
exec 9>"$BENCH_ROOT/.lock"
flock -n 9 || die "another benchmark holds $BENCH_ROOT/.lock"
RUN_ROOT=$(mktemp -d "$BENCH_ROOT/api.XXXXXX")
chmod 0755 "$RUN_ROOT"

LOAD_PID=""
CUR_SINK_DIR=""
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  set +e
  [[ -n $LOAD_PID ]] && kill -TERM "$LOAD_PID" 2>/dev/null
  hub_stop
  pf_destroy "$PF_DIR"
  [[ -n $CUR_SINK_DIR ]] && sink_stop "$CUR_SINK_DIR"
  if ((KEEP)); then log "kept logs in $RUN_ROOT"; else rm -rf "$RUN_ROOT"; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------------- request bodies and the API key
# One message: a SIZE-byte text body (printable ASCII in lines of 64, like smtp-source's payload).
message_json() {
  awk -v size="$SIZE" -v from="$SENDER" -v to="$RECIPIENT" 'BEGIN {
    body = ""; line = ""
    for (i = 0; length(body) < size; i++) {
      line = line sprintf("%c", 97 + i % 26)
      if (length(line) == 63) { body = body line "\\n"; line = "" }
    }
    printf "{\"from\": \"%s\", \"to\": \"%s\", \"subject\": \"bench\", \"text\": \"%s\"}", from, to, body }'
}
message_json >"$RUN_ROOT/message.json"
{
  printf '{"messages": ['
  for ((i = 0; i < BATCH; i++)); do
    ((i == 0)) || printf ', '
    cat "$RUN_ROOT/message.json"
  done
  printf ']}'
} >"$RUN_ROOT/batch.json"
API_KEYS=$RUN_ROOT/api-keys
API_SECRET=$(java -jar "$MAILHUB_JAR" api-key create bench --from "$SENDER" --keys-file "$API_KEYS" 2>/dev/null) ||
  die "api-key create failed"
chmod 0644 "$API_KEYS"

# ---------------------------------------------------------------- one load
# load SYSTEM PORT COUNT OUTPREFIX: sends COUNT messages through the system's door; sets LOAD_RC (0 when every
# message was accepted).
load() {
  local system=$1 port=$2 count=$3 out=$4 rc=0
  case $system in
    postfix | hub-smtp)
      timeout --signal=TERM "$TIMEOUT" smtp-source -s "$CLIENTS" -m "$count" -l "$SIZE" -c \
        -f "$SENDER" -t "$RECIPIENT" "127.0.0.1:$port" >"$out.out" 2>"$out.err" </dev/null 9>&- &
      ;;
    hub-api | hub-batch)
      local path=/api/v1/messages body=$RUN_ROOT/message.json requests=$count
      if [[ $system == hub-batch ]]; then
        path=/api/v1/messages/batch body=$RUN_ROOT/batch.json requests=$((count / BATCH))
      fi
      # h2load wants at least as many requests as clients (a small warm-up of batches has fewer)
      timeout --signal=TERM "$TIMEOUT" h2load --h1 -c "$((requests < CLIENTS ? requests : CLIENTS))" -n "$requests" \
        -d "$body" \
        -H 'content-type: application/json' -H "authorization: Bearer $API_SECRET" \
        "http://127.0.0.1:$port$path" >"$out.out" 2>"$out.err" </dev/null 9>&- &
      ;;
  esac
  LOAD_PID=$!
  wait "$LOAD_PID" || rc=$?
  LOAD_PID=""
  if ((rc == 0)) && [[ $system == hub-* && $system != hub-smtp ]]; then
    # h2load exits 0 even when requests failed: every request must have had a 2xx
    local ok
    ok=$(awk '/^status codes:/ { print $3; exit }' "$out.out")
    [[ $ok == "${requests:-}" ]] || { rc=3; log "h2load: not every request got 2xx: $(grep -E '^(status codes|requests):' "$out.out" | tr '\n' ' ')"; }
  fi
  LOAD_RC=$rc
}

# timed SYSTEM PORT COUNT BASELINE OUTPREFIX: load, then wait until the sink counted BASELINE + COUNT; sets
# ACCEPT_US, E2E_US, DELIVERED, CPU_MS (busy CPU of the whole machine per message over the span), HUB_CPU_MS and
# JIT_PCT (the hub JVM's own CPU per message and its compiler threads' share of it; NA for Postfix).
timed() {
  local system=$1 port=$2 count=$3 baseline=$4 out=$5 t0 c0 got deadline h0=0 j0=0
  if [[ $system != postfix ]]; then h0=$(process_ticks "$HUB_PID"); j0=$(jit_ticks "$HUB_PID"); fi
  c0=$(busy_ticks)
  t0=$(now_us)
  load "$system" "$port" "$count" "$out"
  ACCEPT_US=$(($(now_us) - t0))
  deadline=$((t0 + TIMEOUT * 1000000))
  got=$(sink_count "$CUR_SINK_DIR")
  while ((LOAD_RC == 0 && got - baseline < count && $(now_us) < deadline)); do
    sleep 0.1
    got=$(sink_count "$CUR_SINK_DIR")
  done
  E2E_US=$(($(now_us) - t0))
  DELIVERED=$((got - baseline))
  CPU_MS=$(ms_per_msg "$(($(busy_ticks) - c0))" "$count")
  HUB_CPU_MS=NA JIT_PCT=NA
  if [[ $system != postfix ]]; then
    JIT_PCT=$(jit_share "$HUB_PID" "$h0" "$j0")
    HUB_CPU_MS=$(ms_per_msg "$(($(process_ticks "$HUB_PID") - h0))" "$count")
  fi
}

# warm_round SYSTEM PORT RUNDIR: one warm-up round, WARMUP messages through the door, all delivered.
warm_round() {
  timed "$1" "$2" "$WARMUP" "$(sink_count "$CUR_SINK_DIR")" "$3/warmup"
  ((LOAD_RC == 0 && DELIVERED >= WARMUP)) || { log "warm-up failed (rc $LOAD_RC, $DELIVERED/$WARMUP delivered; $3)"; return 1; }
}

RESULTS=$RUN_ROOT/results.tsv   # system run accept_rate e2e_rate accept_s e2e_s status cpu_ms hub_cpu_ms jit_pct warm_rounds
: >"$RESULTS"

run_one() {
  local system=$1 idx=$2 rundir sink_port port status=ok
  rundir=$RUN_ROOT/$system-$idx
  mkdir -p "$rundir"
  chmod 0755 "$rundir"
  log "=== run $idx: $system ($MESSAGES msgs x $SIZE B, $CLIENTS clients$([[ $system == hub-batch ]] && echo ", $BATCH per request"))"
  sink_port=$(free_port)
  CUR_SINK_DIR=$rundir/sink
  sink_start "$CUR_SINK_DIR" "$sink_port" 256
  if [[ $system == postfix ]]; then
    port=$(free_port)
    pf_create "$PF_DIR" "$port" "$sink_port"
    pf_start "$PF_DIR"
  else
    local smtp_port http_port
    smtp_port=$(free_port)
    http_port=$(free_port)
    hub_start "$rundir" "$smtp_port" "$http_port" -Dmailhub.relay.smarthost="127.0.0.1:$sink_port" \
      -Dmailhub.api.keys-file="$API_KEYS"
    port=$([[ $system == hub-smtp ]] && echo "$smtp_port" || echo "$http_port")
  fi
  WARM_ROUNDS=0
  if ((WARMUP > 0)); then
    log "warm-up: rounds of $WARMUP messages"
    warm_up "$([[ $system == postfix ]] || echo "$HUB_PID")" "$WARMUP_ROUNDS" "$JIT_QUIET" \
      warm_round "$system" "$port" "$rundir" || die "warm-up failed ($rundir)"
  fi
  timed "$system" "$port" "$MESSAGES" "$(sink_count "$CUR_SINK_DIR")" "$rundir/load"
  local accept_rate e2e_rate
  accept_rate=$(rate "$MESSAGES" "$ACCEPT_US")
  e2e_rate=$(rate "$MESSAGES" "$E2E_US")
  ((LOAD_RC == 0)) || { status="load-rc=$LOAD_RC"; accept_rate=NA; }
  ((DELIVERED >= MESSAGES)) || { status="$status,timeout:$DELIVERED/$MESSAGES"; e2e_rate=NA; }
  log "accept $(secs "$ACCEPT_US") s = $accept_rate msg/s; end-to-end $(secs "$E2E_US") s = $e2e_rate msg/s;" \
    "machine CPU $CPU_MS ms/msg, hub $HUB_CPU_MS ms/msg, JIT $JIT_PCT% [$status]"
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$system" "$idx" "$accept_rate" "$e2e_rate" \
    "$(secs "$ACCEPT_US")" "$(secs "$E2E_US")" "$status" "$CPU_MS" "$HUB_CPU_MS" "$JIT_PCT" "$WARM_ROUNDS" >>"$RESULTS"
  if [[ $system == postfix ]]; then pf_destroy "$PF_DIR"; else hub_stop; fi
  sink_stop "$CUR_SINK_DIR"
  CUR_SINK_DIR=""
}

CPU_BUSY_AT_START=$(cpu_busy_pct)
((CPU_BUSY_AT_START <= 15)) || log "WARNING: CPUs are ${CPU_BUSY_AT_START}% busy before the benchmark"
START_DATE=$(date -u +%Y-%m-%dT%H:%M:%SZ)
log "api-bench: systems=${SYSTEMS[*]} messages=$MESSAGES clients=$CLIENTS size=$SIZE batch=$BATCH runs=$RUNS warmup=$WARMUP"
for ((i = 1; i <= RUNS; i++)); do
  for system in "${SYSTEMS[@]}"; do
    run_one "$system" "$i"
  done
done

declare -A ACC E2E
for s in postfix hub-smtp hub-api hub-batch; do
  ACC[$s]=$(median "$RESULTS" "$s" 3)
  E2E[$s]=$(median "$RESULTS" "$s" 4)
done
PF_VERSION=$(postconf -h mail_version)
label() {
  case $1 in
    postfix) echo "Postfix $PF_VERSION, SMTP (smtp-source, one message per connection)" ;;
    hub-smtp) echo "Mailhub, SMTP (smtp-source, one message per connection)" ;;
    hub-api) echo "Mailhub, POST /api/v1/messages (h2load, keep-alive, one message per request)" ;;
    hub-batch) echo "Mailhub, POST /api/v1/messages/batch ($BATCH messages per request)" ;;
  esac
}

markdown() {
  echo "<!-- generated by bench/api-bench.sh on $START_DATE -->"
  echo "#### HTTP send API beside SMTP intake, $SIZE B, $START_DATE"
  echo
  echo "$MESSAGES messages of $SIZE B per run, $CLIENTS concurrent clients, relayed to a smart host smtp-sink on" \
    "loopback; median of $RUNS run(s) per system, runs alternated. Each run first warms up through the same door in" \
    "rounds of $WARMUP messages until the hub's JIT compiler threads took less than $JIT_QUIET% of its CPU in a round" \
    "(at most $WARMUP_ROUNDS rounds; Postfix: one round). Accept = the load generator's wall time; end-to-end = until" \
    "the sink counted every message."
  echo
  echo "| Door | Accept msg/s | End-to-end msg/s |"
  echo "| --- | ---: | ---: |"
  for s in "${SYSTEMS[@]}"; do
    echo "| $(label "$s") | ${ACC[$s]} | ${E2E[$s]} |"
  done
  echo
  echo "| Ratio | Accept | End-to-end |"
  echo "| --- | ---: | ---: |"
  echo "| API (one per request) / hub SMTP (target >= 1.5) | $(ratio "${ACC[hub-api]}" "${ACC[hub-smtp]}") | $(ratio "${E2E[hub-api]}" "${E2E[hub-smtp]}") |"
  echo "| API batch / Postfix SMTP (target >= 10) | $(ratio "${ACC[hub-batch]}" "${ACC[postfix]}") | $(ratio "${E2E[hub-batch]}" "${E2E[postfix]}") |"
  echo "| API (one per request) / Postfix SMTP | $(ratio "${ACC[hub-api]}" "${ACC[postfix]}") | $(ratio "${E2E[hub-api]}" "${E2E[postfix]}") |"
  echo "| hub SMTP / Postfix SMTP | $(ratio "${ACC[hub-smtp]}" "${ACC[postfix]}") | $(ratio "${E2E[hub-smtp]}" "${E2E[postfix]}") |"
  echo
  echo "Runs (system, run, accept msg/s, end-to-end msg/s, accept s, end-to-end s, machine CPU per message, the hub" \
    "JVM's own CPU per message and the JIT's share of it, warm-up rounds, status):"
  echo
  while IFS=$'\t' read -r s r a e as es st cpu hub jit warm; do
    if [[ $s == postfix ]]; then
      echo "- $s #$r: $a / $e msg/s ($as s / $es s) CPU $cpu ms/msg, $warm warm-up round(s) $st"
    else
      echo "- $s #$r: $a / $e msg/s ($as s / $es s) CPU $cpu ms/msg (hub $hub, JIT $jit%), $warm warm-up round(s) $st"
    fi
  done <"$RESULTS"
  echo
  echo "Machine:"
  echo
  machine_facts
  echo
}

markdown | tee "$RUN_ROOT/snippet.md"
if [[ -n $MARKDOWN_OUT ]]; then
  cat "$RUN_ROOT/snippet.md" >>"$MARKDOWN_OUT"
  log "markdown snippet appended to $MARKDOWN_OUT"
fi
awk -F'\t' '$7 != "ok" { bad = 1 } END { exit bad }' "$RESULTS" || { log "some runs failed (status column)"; exit 2; }
