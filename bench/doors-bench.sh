#!/usr/bin/env bash
# bench/doors-bench.sh - the JMS door and the pickup directory beside the hub's own SMTP intake, in one run.
#
# For every round, alternating hub-smtp / hub-jms / hub-pickup, each with a fresh hub and a fresh smtp-sink as the
# next hop (smart host on loopback):
#   hub-smtp:   smtp-source -s 50 -m N -l SIZE (one message per connection); accept = its wall time
#   hub-jms:    bench/JmsLoad.java, PRODUCERS concurrent producers (Artemis' JMS client over CORE through the
#               broker acceptor, a login of the users file) put N persistent TextMessages of SIZE-byte JSON on
#               mail.submit; accept = from the first send until the door has logged N messages as queued. One
#               JmsLoad process serves all rounds of a hub (warm-up and timed), its producers connected throughout
#               and its JVM warm, as a long-running ERP's would be (smtp-source is a C program)
#   hub-pickup: N NAME.eml files of SIZE bytes, written beforehand beside the pickup directory, are renamed into it
#               at once; accept = from the first rename until the hub has removed the last file (each removed only
#               after its message is stored)
#   jms-bare:   the same JmsLoad against bench/BareBroker.java, the hub's broker (packaged broker.xml, same journal)
#               without the hub and with no consumer: the most any JMS door can accept on this machine, the
#               producers' JVM and the broker's durable store alone; accept = JmsLoad's run, no end-to-end
# end-to-end = from the same start until the sink has counted N messages. A warm-up through the same door first, in
# rounds of W messages (default 20000; pickup: at most F files) until the hub's JIT compiler threads took less than
# --jit-quiet percent (default 3) of its CPU in a round, at most --warmup-rounds rounds (default 8).
#
# Usage: bench/doors-bench.sh [--messages N] [--files F] [--producers P] [--size BYTES] [--runs R] [--warmup W]
#          [--warmup-rounds R] [--jit-quiet PCT]
#          [--systems hub-smtp,hub-jms,hub-pickup,jms-bare,hub-policy,hub-nometrics]
#          [--markdown-out FILE] [--keep]
#   hub-policy: as hub-smtp, with the policy route of bench/policy-routes (10 conditions) in mailhub.routes.dir
#   hub-nometrics: as hub-smtp, with mailhub.metrics.enabled=off (hub-smtp has metrics on, the default)
# Must run as root (smtp-sink). Needs Postfix's smtp-source and smtp-sink, iproute2 (ss), curl, java, javac and a
# built target/mailhub.jar. Environment: BENCH_ROOT (default /tmp/mailhub-bench), MAILHUB_JAR, HUB_JAVA_OPTS.
# shellcheck source-path=SCRIPTDIR
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$BENCH_DIR/.." && pwd)
# shellcheck source=lib/common.sh
. "$BENCH_DIR/lib/common.sh"
# shellcheck source=lib/sink.sh
. "$BENCH_DIR/lib/sink.sh"
# shellcheck source=lib/hub.sh
. "$BENCH_DIR/lib/hub.sh"

MESSAGES=20000 FILES=10000 PRODUCERS=20 SIZE=1024 RUNS=2 WARMUP=20000 WARMUP_ROUNDS=8 JIT_QUIET=3 KEEP=0
MARKDOWN_OUT=""
SYSTEMS=(hub-smtp hub-jms hub-pickup jms-bare)
SENDER=bench@bench.test RECIPIENT=rcpt@bench.test
while (($#)); do
  case $1 in
    --messages) MESSAGES=$2; shift 2 ;;
    --files) FILES=$2; shift 2 ;;
    --producers) PRODUCERS=$2; shift 2 ;;
    --size) SIZE=$2; shift 2 ;;
    --runs) RUNS=$2; shift 2 ;;
    --warmup) WARMUP=$2; shift 2 ;;
    --warmup-rounds) WARMUP_ROUNDS=$2; shift 2 ;;
    --jit-quiet) JIT_QUIET=$2; shift 2 ;;
    --systems) IFS=, read -r -a SYSTEMS <<<"$2"; shift 2 ;;
    --markdown-out) MARKDOWN_OUT=$2; shift 2 ;;
    --keep) KEEP=1; shift ;;
    -h | --help) sed -n '2,27p' "$0"; exit 0 ;;
    *) die "unknown argument: $1" ;;
  esac
done

BENCH_ROOT=${BENCH_ROOT:-/tmp/mailhub-bench}
MAILHUB_JAR=${MAILHUB_JAR:-$REPO_ROOT/target/mailhub.jar}
HUB_START_TIMEOUT=${HUB_START_TIMEOUT:-120}
require_root
require_cmd smtp-source smtp-sink ss curl java javac awk flock
[[ -f $MAILHUB_JAR ]] || die "Mailhub jar not found: $MAILHUB_JAR (./mvnw -q -DskipTests package)"
mkdir -p "$BENCH_ROOT"
exec 9>"$BENCH_ROOT/.lock"
flock -n 9 || die "another benchmark holds $BENCH_ROOT/.lock"
RUN_ROOT=$(mktemp -d "$BENCH_ROOT/doors.XXXXXX")
CUR_SINK_DIR=""
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  set +e
  jms_load_stop
  hub_stop
  [[ -n $CUR_SINK_DIR ]] && sink_stop "$CUR_SINK_DIR"
  if ((KEEP)); then log "kept logs in $RUN_ROOT"; else rm -rf "$RUN_ROOT"; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------------- inputs
javac -cp "$MAILHUB_JAR" -d "$RUN_ROOT/classes" "$BENCH_DIR/JmsLoad.java" "$BENCH_DIR/BareBroker.java" ||
  die "javac bench/JmsLoad.java bench/BareBroker.java failed"
PASSWORD=bench-password-1
HASH=$(printf '%s\n' "$PASSWORD" | java -jar "$MAILHUB_JAR" hash-password 2>/dev/null) || die "hash-password failed"
printf 'bench:%s:%s\n' "$HASH" "$SENDER" >"$RUN_ROOT/users"
body() { awk -v size="$SIZE" 'BEGIN { for (i = 0; n < size; i++) { c = sprintf("%c", 97 + i % 26); b = b c; n++;
  if (n % 64 == 63) { b = b "\\n"; n++ } } printf "%s", b }'; }
printf '{"from": "%s", "to": "%s", "subject": "bench", "text": "%s"}' "$SENDER" "$RECIPIENT" "$(body)" \
  >"$RUN_ROOT/message.json"
EML=$(printf 'From: %s\nTo: %s\nSubject: bench\n\n%s\n' "$SENDER" "$RECIPIENT" "$(body | sed 's/\\n/\n/g')")

# ---------------------------------------------------------------- one round
# count_queued LOG: messages the door logged as queued
count_jms() { grep -c ' from bench queued as ' "$1" 2>/dev/null || true; }
pickup_left() { find "$1" -maxdepth 1 -name '*.eml' | wc -l; }

# run_load SYSTEM COUNT ROUNDDIR SMTPPORT BROKERPORT SINKDIR: prints "accept_us e2e_us"
run_load() {
  local system=$1 count=$2 dir=$3 smtp_port=$4 broker_port=$5 sinkdir=$6 start accept=0 base
  [[ $system == jms-bare ]] || base=$(sink_count "$sinkdir")
  case $system in
    hub-smtp | hub-policy | hub-nometrics)
      start=$(now_us)
      smtp-source -s 50 -m "$count" -l "$SIZE" -c -f "$SENDER" -t "$RECIPIENT" "127.0.0.1:$smtp_port" \
        >"$dir/load.out" 2>&1 </dev/null || die "smtp-source failed (see $dir/load.out)"
      accept=$(($(now_us) - start)) ;;
    hub-jms)
      local before
      before=$(count_jms "$dir/hub.log")
      start=$(now_us)
      jms_round "$count" "$dir"
      while (($(count_jms "$dir/hub.log") - before < count)); do sleep 0.05; done
      accept=$(($(now_us) - start)) ;;
    hub-pickup)
      local staging=$dir/staging
      mkdir -p "$staging"
      for ((i = 0; i < count; i++)); do printf '%s' "$EML" >"$staging/m$i.eml"; done
      start=$(now_us)
      find "$staging" -maxdepth 1 -name '*.eml' -exec mv -t "$dir/pickup" {} +
      while (($(pickup_left "$dir/pickup") > 0)); do sleep 0.05; done
      accept=$(($(now_us) - start))
      [[ -z $(ls -A "$dir/pickup/.bad") ]] || die "pickup refused files: $(ls "$dir/pickup/.bad" | head -3)" ;;
    jms-bare) # every send returned = stored; nothing consumes, so there is no end-to-end
      start=$(now_us)
      jms_round "$count" "$dir"
      echo "$(($(now_us) - start)) NA"
      return ;;
  esac
  while (($(sink_count "$sinkdir") - base < count)); do sleep 0.05; done
  echo "$accept $(($(now_us) - start))"
}

# jms_load_start BROKERPORT ROUNDDIR: one JmsLoad process for all rounds of this hub (bench/JmsLoad.java, COUNT "-")
JMSLOAD_PID=""
jms_load_start() {
  coproc JMSLOAD { exec java -cp "$MAILHUB_JAR:$RUN_ROOT/classes" JmsLoad "tcp://127.0.0.1:$1" bench "$PASSWORD" \
    "$PRODUCERS" - "$RUN_ROOT/message.json" 2>"$2/load.out"; }
  JMS_IN=${JMSLOAD[1]} JMS_OUT=${JMSLOAD[0]}
}
# jms_round COUNT ROUNDDIR: the producers send COUNT messages; returns when every send has returned
jms_round() {
  local answer
  echo "$1" >&"$JMS_IN"
  read -r answer <&"$JMS_OUT" || die "JmsLoad ended (see $2/load.out)"
  [[ $answer =~ ^[0-9]+$ ]] || die "JmsLoad: a send failed (see $2/load.out)"
}
jms_load_stop() {
  [[ -n $JMSLOAD_PID ]] || return 0
  exec {JMS_IN}>&-
  wait "$JMSLOAD_PID" 2>/dev/null || true
  JMSLOAD_PID=""
}

# warm_round SYSTEM COUNT ROUNDDIR SMTPPORT BROKERPORT SINKDIR: one warm-up round through the door
warm_round() {
  run_load "$@" >/dev/null
  rm -rf "$3/staging"
  if [[ $1 == jms-bare ]]; then # empty the queue that nothing consumes (bench/BareBroker.java)
    touch "$HUB_DATA/purge"
    while [[ -e $HUB_DATA/purge ]]; do sleep 0.1; done
  fi
}

RESULTS=$RUN_ROOT/results.tsv
: >"$RESULTS"
for ((run = 1; run <= RUNS; run++)); do
  for system in "${SYSTEMS[@]}"; do
    count=$MESSAGES
    [[ $system == hub-pickup ]] && count=$FILES
    log "=== run $run: $system ($count msgs x $SIZE B)"
    dir=$RUN_ROOT/$system-$run
    mkdir -p "$dir/pickup"
    sink_port=$(free_port); smtp_port=$(free_port); http_port=$(free_port); broker_port=$(free_port)
    if [[ $system == jms-bare ]]; then
      bare_start "$dir" "$broker_port"
    else
      CUR_SINK_DIR=$dir/sink
      mkdir -p "$CUR_SINK_DIR"
      sink_start "$CUR_SINK_DIR" "$sink_port"
      hub_start "$dir" "$smtp_port" "$http_port" -Dmailhub.relay.smarthost="127.0.0.1:$sink_port" \
        -Dmailhub.auth.users-file="$RUN_ROOT/users" \
        -Dmailhub.broker.acceptor="tcp://127.0.0.1:$broker_port" -Dmailhub.pickup.dir="$dir/pickup" \
        -Dmailhub.pickup.senders="$SENDER" -Dmailhub.pickup.stable-time=0s -Dmailhub.pickup.poll-interval=100ms \
        $([[ $system == hub-policy ]] && echo "-Dmailhub.routes.dir=$BENCH_DIR/policy-routes") \
        $([[ $system == hub-nometrics ]] && echo "-Dmailhub.metrics.enabled=off")
    fi
    [[ $system != hub-jms && $system != jms-bare ]] || jms_load_start "$broker_port" "$dir"
    WARM_ROUNDS=0
    if ((WARMUP > 0)); then
      warm=$WARMUP
      [[ $system == hub-pickup ]] && warm=$((WARMUP < FILES ? WARMUP : FILES))
      log "warm-up: rounds of $warm messages"
      warm_up "$HUB_PID" "$WARMUP_ROUNDS" "$JIT_QUIET" \
        warm_round "$system" "$warm" "$dir" "$smtp_port" "$broker_port" "$CUR_SINK_DIR"
    fi
    cpu0=$(busy_ticks)
    hub0=$(process_ticks "$HUB_PID")
    jit0=$(jit_ticks "$HUB_PID")
    read -r acc e2e < <(run_load "$system" "$count" "$dir" "$smtp_port" "$broker_port" "$CUR_SINK_DIR")
    cpu=$(($(busy_ticks) - cpu0))
    jit=$(jit_share "$HUB_PID" "$hub0" "$jit0")
    hub_cpu=$(($(process_ticks "$HUB_PID") - hub0))
    cpu_ms=$(ms_per_msg "$cpu" "$count")
    hub_ms=$(ms_per_msg "$hub_cpu" "$count")
    log "accept $(secs "$acc") s = $(rate "$count" "$acc") msg/s; end-to-end $(secs "$e2e") s = $(rate "$count" "$e2e") msg/s; machine CPU $cpu_ms ms/msg, of which the hub $hub_ms (JIT $jit%)"
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$system" "$run" "$(rate "$count" "$acc")" \
      "$(rate "$count" "$e2e")" "$(secs "$acc")" "$(secs "$e2e")" "$cpu_ms" "$hub_ms" "$jit" "$WARM_ROUNDS" >>"$RESULTS"
    [[ $system != jms-bare ]] || ! grep -q 'AMQ222038' "$dir/broker.log" ||
      log "WARNING: the bare broker paged mail.submit in this round (see $dir/broker.log): use fewer --messages"
    jms_load_stop
    hub_stop
    [[ -z $CUR_SINK_DIR ]] || sink_stop "$CUR_SINK_DIR"
    CUR_SINK_DIR=""
    rm -rf "$dir/staging"
  done
done

smtp_acc=$(median "$RESULTS" hub-smtp 3); jms_acc=$(median "$RESULTS" hub-jms 3); pick_acc=$(median "$RESULTS" hub-pickup 3)
smtp_e2e=$(median "$RESULTS" hub-smtp 4); jms_e2e=$(median "$RESULTS" hub-jms 4); pick_e2e=$(median "$RESULTS" hub-pickup 4)
bare_acc=$(median "$RESULTS" jms-bare 3)
pol_acc=$(median "$RESULTS" hub-policy 3); pol_e2e=$(median "$RESULTS" hub-policy 4)
off_acc=$(median "$RESULTS" hub-nometrics 3); off_e2e=$(median "$RESULTS" hub-nometrics 4)
ran() { cut -f1 "$RESULTS" | grep -qx "$1"; }
{
  echo "<!-- generated by bench/doors-bench.sh on $(date -u +%FT%TZ) -->"
  echo
  echo "$MESSAGES messages (pickup: $FILES files) of $SIZE B per run, median of $RUNS run(s) per door, runs alternated; smart host smtp-sink on loopback. Each run first warms up through the same door in rounds of $WARMUP messages (pickup: at most $FILES files) until the hub's JIT compiler threads took less than $JIT_QUIET% of its CPU in a round (at most $WARMUP_ROUNDS rounds)."
  echo
  echo "| Door | Accept msg/s | End-to-end msg/s |"
  echo "| --- | ---: | ---: |"
  echo "| Mailhub, SMTP (smtp-source, 50 sessions, one message per connection) | $smtp_acc | $smtp_e2e |"
  ran hub-policy && echo "| Mailhub, SMTP with the policy route of bench/policy-routes (10 conditions) | $pol_acc | $pol_e2e |"
  ran hub-nometrics && echo "| Mailhub, SMTP with metrics off (mailhub.metrics.enabled=off) | $off_acc | $off_e2e |"
  ran hub-jms && echo "| Mailhub, JMS door ($PRODUCERS producers over CORE, persistent TextMessages of JSON) | $jms_acc | $jms_e2e |"
  ran hub-pickup && echo "| Mailhub, pickup directory ($FILES files renamed in at once) | $pick_acc | $pick_e2e |"
  ran jms-bare && echo "| The hub's broker alone, no door, no consumer (the same producers; bench/BareBroker.java) | $bare_acc | - |"
  echo
  echo "| Ratio | Accept | End-to-end |"
  echo "| --- | ---: | ---: |"
  ran hub-policy && echo "| with policy route / without (target >= 0.9) | $(ratio "$pol_acc" "$smtp_acc") | $(ratio "$pol_e2e" "$smtp_e2e") |"
  ran hub-nometrics && echo "| metrics on / off (target >= 0.97) | $(ratio "$smtp_acc" "$off_acc") | $(ratio "$smtp_e2e" "$off_e2e") |"
  ran hub-jms && echo "| JMS door / hub SMTP (target >= 2) | $(ratio "$jms_acc" "$smtp_acc") | $(ratio "$jms_e2e" "$smtp_e2e") |"
  ran hub-pickup && echo "| pickup / hub SMTP | $(ratio "$pick_acc" "$smtp_acc") | $(ratio "$pick_e2e" "$smtp_e2e") |"
  ran jms-bare && echo "| broker alone / hub SMTP (the ceiling of any JMS door here) | $(ratio "$bare_acc" "$smtp_acc") | - |"
  ran jms-bare && ran hub-jms && echo "| JMS door / broker alone | $(ratio "$jms_acc" "$bare_acc") | - |"
  echo
  echo "Runs (door, run, accept msg/s, end-to-end msg/s, accept s, end-to-end s, machine CPU ms per message, of which the hub's JVM, and the JIT's share of the hub's CPU; warm-up rounds):"
  echo
  awk -F'\t' '{ printf "- %s #%s: %s / %s msg/s (%s s / %s s) CPU %s ms/msg (hub %s, JIT %s%%), %s warm-up round(s)\n", $1, $2, $3, $4, $5, $6, $7, $8, $9, $10 }' "$RESULTS"
} | tee "$RUN_ROOT/snippet.md"
if [[ -n $MARKDOWN_OUT ]]; then cat "$RUN_ROOT/snippet.md" >>"$MARKDOWN_OUT"; fi
