#!/usr/bin/env bash
# bench/smtp-bench.sh - side-by-side SMTP relay benchmark: Mailhub vs. Postfix.
#
# For every run, alternating hub / postfix / hub / postfix ...:
#   1. start a fresh smtp-sink (the next hop) on a free port;
#   2. start the system under test, relaying everything to that sink:
#        hub:     java -Xmx1g -Dmailhub.smtp.port=P -Dmailhub.http.port=H
#                      -Dmailhub.relay.smarthost=127.0.0.1:Q
#                      -Dmailhub.data.dir=D -jar target/mailhub.jar
#        postfix: a private, freshly created, durable, smuggling-hardened
#                 Postfix instance (bench/lib/postfix-instance.sh);
#   3. run smtp-source -s S -m N -l SIZE against it and time it
#        accept time     = wall time of smtp-source (all N got "250");
#        end-to-end time = from the same start until the sink has counted N
#                          messages (polled every 100 ms, with a timeout);
#   4. stop everything and throw the state away.
# At the end it prints the median msg/s of each system, the hub/Postfix
# ratios, a markdown snippet for docs/benchmarks.md and the machine facts.
#
# Usage: bench/smtp-bench.sh [--messages N] [--sessions S] [--size BYTES]
#          [--runs R] [--only-hub | --only-postfix] [--timeout SECS]
#          [--warmup W] [--with-baseline] [--mx] [--markdown-out FILE] [--keep]
#
#   --mx              MX path instead of a smart host: dnsmasq on 127.0.0.1:53
#                     serves "bench.test MX 10 mx.bench.test", A 127.0.0.2,
#                     and the sink listens on 127.0.0.2. The hub resolves with
#                     -Dmailhub.dns.servers=127.0.0.1:53 and
#                     -Dmailhub.relay.port=SINKPORT; Postfix gets
#                     relayhost = bench.test:SINKPORT (an MX lookup) and a
#                     resolv.conf naming 127.0.0.1, bind-mounted for its
#                     processes only. Needs dnsmasq and util-linux unshare.
#   --submission      TLS + AUTH submission instead of plain relay: the load
#                     comes from bench/SubmissionLoad.java (STARTTLS, AUTH
#                     PLAIN, one message per connection) on the hub's
#                     submission listener (users file, bcrypt) and on Postfix
#                     with the same RSA-2048 certificate, STARTTLS and Cyrus
#                     SASL (sasldb); both relay to the smart host smtp-sink.
#   --only-hub / --only-postfix   measure one system only
#   --timeout SECS    per run limit for smtp-source and for end-to-end (600)
#   --warmup W        send W messages to each fresh system first (not timed);
#                     the hub gets more such rounds until its JIT compiler
#                     threads took less than --jit-quiet percent (default 3)
#                     of its CPU in a round, at most --warmup-rounds (8)
#   --with-baseline   also time smtp-source straight into smtp-sink each
#                     round: the ceiling of the load generator on this box
#   --markdown-out F  append the markdown snippet to F (always printed)
#   --keep            keep logs (smtp-source, sink, hub, postfix) afterwards
# Must run as root (smtp-sink and postfix need it). Needs Debian's postfix
# (smtp-source, smtp-sink, postconf), util-linux (script, flock), iproute2
# (ss), curl and, for the hub, java and a built target/mailhub.jar.
#
# Environment: BENCH_ROOT (default /tmp/mailhub-bench) holds all state;
# MAILHUB_JAR overrides the jar; HUB_JAVA_OPTS adds JVM options;
# HUB_START_TIMEOUT (default 120 s) bounds the hub's start-up.
# shellcheck source-path=SCRIPTDIR
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$BENCH_DIR/.." && pwd)
source "$BENCH_DIR/lib/common.sh"
source "$BENCH_DIR/lib/sink.sh"
source "$BENCH_DIR/lib/postfix-instance.sh"
source "$BENCH_DIR/lib/hub.sh"

# ---------------------------------------------------------------- options
MESSAGES=20000
SESSIONS=50
SIZE=1024
RUNS=2
SYSTEMS=(hub postfix)
TIMEOUT=600          # seconds, per run, for smtp-source and for end-to-end
WARMUP=0             # messages sent (and drained) before the timed part, per round
WARMUP_ROUNDS=8      # most warm-up rounds for the hub (until its JIT is quiet)
JIT_QUIET=3          # percent of the hub's CPU its compiler threads may take in the last warm-up round
MARKDOWN_OUT=""
KEEP=0
BASELINE=0
MX=0
SUBMISSION=0
SENDER=sender@bench.test
RECIPIENT=rcpt@bench.test

usage() { awk 'NR > 1 && /^#/ && !/^# shellcheck/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}"; }

need_int() { [[ ${2:-} =~ ^[0-9]+$ && ${2} -gt 0 ]] || die "$1 needs a positive integer, got '${2:-}'"; }

while (($#)); do
  case $1 in
    --messages) need_int "$1" "${2:-}"; MESSAGES=$2; shift 2 ;;
    --sessions) need_int "$1" "${2:-}"; SESSIONS=$2; shift 2 ;;
    --size) need_int "$1" "${2:-}"; SIZE=$2; shift 2 ;;
    --runs) need_int "$1" "${2:-}"; RUNS=$2; shift 2 ;;
    --timeout) need_int "$1" "${2:-}"; TIMEOUT=$2; shift 2 ;;
    --warmup) [[ ${2:-} =~ ^[0-9]+$ ]] || die "--warmup needs a number"; WARMUP=$2; shift 2 ;;
    --warmup-rounds) need_int "$1" "${2:-}"; WARMUP_ROUNDS=$2; shift 2 ;;
    --jit-quiet) need_int "$1" "${2:-}"; JIT_QUIET=$2; shift 2 ;;
    --only-hub) SYSTEMS=(hub); shift ;;
    --only-postfix) SYSTEMS=(postfix); shift ;;
    --with-baseline) BASELINE=1; shift ;;
    --mx) MX=1; shift ;;
    --submission) SUBMISSION=1; shift ;;
    --markdown-out) [[ -n ${2:-} ]] || die "--markdown-out needs a file"; MARKDOWN_OUT=$2; shift 2 ;;
    --keep) KEEP=1; shift ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; die "unknown argument: $1" ;;
  esac
done

BENCH_ROOT=${BENCH_ROOT:-/tmp/mailhub-bench}
MAILHUB_JAR=${MAILHUB_JAR:-$REPO_ROOT/target/mailhub.jar}
HUB_START_TIMEOUT=${HUB_START_TIMEOUT:-120}
PF_DIR=$BENCH_ROOT/postfix   # fixed: it is registered in /etc/postfix/main.cf
((BASELINE)) && SYSTEMS=(direct "${SYSTEMS[@]}")

has_system() { [[ " ${SYSTEMS[*]} " == *" $1 "* ]]; }

# ---------------------------------------------------------------- checks
require_root
require_cmd smtp-source smtp-sink postfix postconf script flock ss timeout awk
if has_system hub; then
  require_cmd java curl
  [[ -f $MAILHUB_JAR ]] || die "Mailhub jar not found: $MAILHUB_JAR
       Build it first (e.g. ./mvnw -q -DskipTests package in $REPO_ROOT),
       set MAILHUB_JAR=/path/to/mailhub.jar, or run with --only-postfix."
fi

((MX)) && require_cmd dnsmasq unshare
((MX && SUBMISSION)) && die "--submission uses the smart host path; it does not combine with --mx"
((SUBMISSION && BASELINE)) && die "--with-baseline is smtp-source into smtp-sink; it does not combine with --submission"
((MX && BASELINE)) && die "--with-baseline measures smtp-source into smtp-sink on 127.0.0.1; it does not combine with --mx"
mkdir -p "$BENCH_ROOT"
chmod 0755 "$BENCH_ROOT"
exec 9>"$BENCH_ROOT/.lock"
flock -n 9 || die "another smtp-bench.sh holds $BENCH_ROOT/.lock"
RUN_ROOT=$(mktemp -d "$BENCH_ROOT/run.XXXXXX")
chmod 0755 "$RUN_ROOT"

# ---------------------------------------------------------------- cleanup
SOURCE_PID=""
CUR_SINK_DIR=""
DNS_PID=""

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  set +e
  [[ -n $SOURCE_PID ]] && kill -TERM "$SOURCE_PID" 2>/dev/null
  hub_stop
  pf_destroy "$PF_DIR"
  [[ -n $CUR_SINK_DIR ]] && sink_stop "$CUR_SINK_DIR"
  [[ -n $DNS_PID ]] && kill -TERM "$DNS_PID" 2>/dev/null
  if ((KEEP)); then
    log "kept logs in $RUN_ROOT"
  else
    rm -rf "$RUN_ROOT"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------------- MX path
# dnsmasq on 127.0.0.1:53 with the one MX the benchmark needs; nothing else is
# answered (no upstream, no /etc/hosts).
dns_start() {
  port_in_use 53 && die "--mx needs 127.0.0.1:53, but something listens on port 53"
  dnsmasq --keep-in-foreground --no-resolv --no-hosts --no-poll --bind-interfaces \
    --listen-address=127.0.0.1 --port=53 --user=nobody --local=/test/ --local-ttl=300 \
    --mx-host=bench.test,mx.bench.test,10 --host-record=mx.bench.test,127.0.0.2 \
    --log-facility="$RUN_ROOT/dnsmasq.log" </dev/null 9>&- &
  DNS_PID=$!
  wait_for_port 53 10 || die "dnsmasq did not start on 127.0.0.1:53"
  printf 'nameserver 127.0.0.1\noptions attempts:1 timeout:2\n' >"$RUN_ROOT/resolv.conf"
  chmod 0644 "$RUN_ROOT/resolv.conf"
  export PF_RESOLV_CONF=$RUN_ROOT/resolv.conf
  export SINK_HOST=127.0.0.2
}

# The hub's next-hop options: a smart host, or MX lookups on loopback (--mx).
relay_options() {
  if ((MX)); then
    echo "-Dmailhub.dns.servers=127.0.0.1:53 -Dmailhub.relay.port=$1"
  else
    echo "-Dmailhub.relay.smarthost=127.0.0.1:$1"
  fi
}

# ---------------------------------------------------------------- submission (TLS + AUTH)
SUB_USER=bench
SUB_PASSWORD='bench password 42'
# One certificate for both systems, the hub's users file (bcrypt from the hub's
# own hash-password), Postfix's sasldb, and the compiled load generator.
submission_setup() {
  local dir=$RUN_ROOT/submission
  mkdir -p "$dir/classes"
  chmod 0755 "$dir"
  openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=bench.localdomain" \
    -keyout "$dir/key.pem" -out "$dir/cert.pem" >/dev/null 2>&1 || die "openssl could not make the certificate"
  chmod 0644 "$dir/key.pem" "$dir/cert.pem"
  printf '%s\n' "$SUB_PASSWORD" | java -jar "$MAILHUB_JAR" hash-password >"$dir/hash" ||
    die "hash-password failed"
  printf '%s:%s:%s\n' "$SUB_USER" "$(cat "$dir/hash")" "$SENDER" >"$dir/users"
  rm -f "$dir/sasldb2"
  printf '%s' "$SUB_PASSWORD" | saslpasswd2 -p -c -f "$dir/sasldb2" -u bench.localdomain "$SUB_USER" ||
    die "saslpasswd2 failed (package sasl2-bin)"
  chown postfix "$dir/sasldb2" && chmod 0600 "$dir/sasldb2"
  javac -d "$dir/classes" "$BENCH_DIR/SubmissionLoad.java" || die "javac bench/SubmissionLoad.java failed"
  SUB_DIR=$dir
}

hub_submission_options() {
  ((SUBMISSION)) || return 0
  echo "-Dmailhub.submission.port=$1 -Dmailhub.tls.cert=$SUB_DIR/cert.pem -Dmailhub.tls.key=$SUB_DIR/key.pem"
  echo "-Dmailhub.auth.users-file=$SUB_DIR/users"
}

# Postfix's smtpd with the same certificate, STARTTLS offered, AUTH (Cyrus SASL,
# sasldb) only over TLS: what the load generator does against it is what it
# does against the hub's submission listener.
pf_submission_config() {
  mkdir -p "$PF_DIR/etc/sasl"
  printf '%s\n' "pwcheck_method: auxprop" "auxprop_plugin: sasldb" "mech_list: PLAIN LOGIN" \
    "sasldb_path: $SUB_DIR/sasldb2" >"$PF_DIR/etc/sasl/smtpd.conf"
  postconf -c "$PF_DIR/etc" -e "smtpd_tls_security_level = may" "smtpd_tls_cert_file = $SUB_DIR/cert.pem" \
    "smtpd_tls_key_file = $SUB_DIR/key.pem" "smtpd_tls_auth_only = yes" "smtpd_sasl_auth_enable = yes" \
    "smtpd_sasl_type = cyrus" "smtpd_sasl_path = smtpd" "smtpd_sasl_local_domain = bench.localdomain" \
    "smtpd_tls_received_header = yes" "smtpd_sasl_authenticated_header = yes"
}

# ---------------------------------------------------------------- one run
# send_and_wait PORT SINKDIR COUNT BASELINE OUTPREFIX
# Runs smtp-source (COUNT messages) against 127.0.0.1:PORT, then polls the
# sink every 100 ms until it counted BASELINE + COUNT messages or the timeout
# (measured from the start) expired. Sets RUN_SOURCE_RC, RUN_ACCEPT_US,
# RUN_E2E_US (both from the same start), RUN_DELIVERED and RUN_CPU_MS (busy
# CPU time of the whole machine over the same span, per message: the system
# under test plus smtp-source, smtp-sink and dnsmasq, which are the same for
# both systems).
send_and_wait() {
  local port=$1 sinkdir=$2 count=$3 baseline=$4 outprefix=$5
  local t0 t1 t2 rc=0 got deadline_us c0
  c0=$(busy_ticks)
  t0=$(now_us)
  if ((SUBMISSION)); then
    timeout --signal=TERM "$TIMEOUT" \
      java -cp "$SUB_DIR/classes" SubmissionLoad 127.0.0.1 "$port" "$SESSIONS" "$count" "$SIZE" \
      "$SENDER" "$RECIPIENT" "$SUB_USER" "$SUB_PASSWORD" \
      >"$outprefix.out" 2>"$outprefix.err" </dev/null 9>&- &
  else
    timeout --signal=TERM "$TIMEOUT" \
      smtp-source -s "$SESSIONS" -m "$count" -l "$SIZE" -c \
      -f "$SENDER" -t "$RECIPIENT" "127.0.0.1:$port" \
      >"$outprefix.out" 2>"$outprefix.err" </dev/null 9>&- &
  fi
  SOURCE_PID=$!
  wait "$SOURCE_PID" || rc=$?
  SOURCE_PID=""
  t1=$(now_us)
  RUN_SOURCE_RC=$rc
  RUN_ACCEPT_US=$((t1 - t0))
  deadline_us=$((t0 + TIMEOUT * 1000000))
  got=$(sink_count "$sinkdir")
  while ((got - baseline < count)); do
    (($(now_us) < deadline_us)) || break
    sleep 0.1
    got=$(sink_count "$sinkdir")
  done
  t2=$(now_us)
  RUN_CPU_MS=$(ms_per_msg "$(($(busy_ticks) - c0))" "$count")
  RUN_DELIVERED=$((got - baseline))
  RUN_E2E_US=$((t2 - t0))
}

# warm_round PORT RUNDIR: one warm-up round of WARMUP messages, all delivered
warm_round() {
  send_and_wait "$1" "$CUR_SINK_DIR" "$WARMUP" "$(sink_count "$CUR_SINK_DIR")" "$2/warmup"
  ((RUN_DELIVERED >= WARMUP))
}

RESULTS=$RUN_ROOT/results.tsv   # system run accept_rate e2e_rate accept_s e2e_s status cpu_ms hub_cpu_ms jit_pct warm_rounds
: >"$RESULTS"

run_one() {
  local system=$1 idx=$2 rundir sink_port sut_port http_port status="ok"
  rundir=$RUN_ROOT/$system-$idx
  mkdir -p "$rundir"
  chmod 0755 "$rundir"
  log "=== run $idx: $system ($MESSAGES msgs x $SIZE B, $SESSIONS sessions)"

  sink_port=$(free_port)
  CUR_SINK_DIR=$rundir/sink
  sink_start "$CUR_SINK_DIR" "$sink_port" 256

  case $system in
    postfix)
      sut_port=$(free_port)
      pf_create "$PF_DIR" "$sut_port" "$sink_port"
      if ((MX)); then
        postconf -c "$PF_DIR/etc" -e "relayhost = bench.test:$sink_port"
      fi
      ((SUBMISSION)) && pf_submission_config
      pf_start "$PF_DIR"
      pf_assert_rejects_bare_lf "$PF_DIR"
      ;;
    hub)
      sut_port=$(free_port)
      http_port=$(free_port)
      if ((SUBMISSION)); then
        local smtp_port
        smtp_port=$(free_port)
        # shellcheck disable=SC2046 # the option lists are split on purpose
        hub_start "$rundir" "$smtp_port" "$http_port" $(relay_options "$sink_port") $(hub_submission_options "$sut_port")
      else
        # shellcheck disable=SC2046
        hub_start "$rundir" "$sut_port" "$http_port" $(relay_options "$sink_port")
      fi
      ;;
    direct)
      sut_port=$sink_port
      ;;
  esac

  local hub_pid="" h0 j0 hub_ms=NA jit=NA
  [[ $system == hub ]] && hub_pid=$HUB_PID
  WARM_ROUNDS=0
  if ((WARMUP > 0)); then
    log "warm-up: rounds of $WARMUP messages"
    warm_up "$hub_pid" "$WARMUP_ROUNDS" "$JIT_QUIET" warm_round "$sut_port" "$rundir" ||
      die "warm-up did not complete ($RUN_DELIVERED/$WARMUP delivered)"
  fi

  if [[ -n $hub_pid ]]; then h0=$(process_ticks "$hub_pid"); j0=$(jit_ticks "$hub_pid"); fi
  send_and_wait "$sut_port" "$CUR_SINK_DIR" "$MESSAGES" "$(sink_count "$CUR_SINK_DIR")" "$rundir/source"
  if [[ -n $hub_pid ]]; then
    jit=$(jit_share "$hub_pid" "$h0" "$j0")
    hub_ms=$(ms_per_msg "$(($(process_ticks "$hub_pid") - h0))" "$MESSAGES")
  fi

  local accept_rate e2e_rate problems=()
  accept_rate=$(rate "$MESSAGES" "$RUN_ACCEPT_US")
  e2e_rate=$(rate "$MESSAGES" "$RUN_E2E_US")
  if ((RUN_SOURCE_RC != 0)); then
    problems+=("smtp-source-rc=$RUN_SOURCE_RC")
    accept_rate=NA
    log "smtp-source failed (rc=$RUN_SOURCE_RC$( ((RUN_SOURCE_RC == 124)) && echo ", timed out")):" \
      "$(tail -c 300 "$rundir/source.err" | tr '\r\n' '  ')"
  fi
  if ((RUN_DELIVERED < MESSAGES)); then
    problems+=("timeout:$RUN_DELIVERED/$MESSAGES-delivered-in-${TIMEOUT}s")
    e2e_rate=NA
    log "end-to-end TIMEOUT: the sink counted $RUN_DELIVERED of $MESSAGES messages in $TIMEOUT s"
  elif ((RUN_DELIVERED > MESSAGES)); then
    log "note: the sink counted $RUN_DELIVERED messages, more than the $MESSAGES sent"
  fi
  if ((${#problems[@]} > 0)); then
    status=$(IFS=,; echo "${problems[*]}")
  fi
  if [[ $system == postfix ]]; then
    local pflog
    pflog=$(pf_log "$PF_DIR")
    log "postfix after run: $(pf_queue_count "$PF_DIR") message(s) still queued," \
      "$(grep -cE ': (warning|error|fatal|panic):' "$pflog" || true) warning/error line(s) in its log"
    if ((KEEP)); then cp "$pflog" "$rundir/postfix.log"; fi
  fi
  log "accept $(secs "$RUN_ACCEPT_US") s = $accept_rate msg/s; end-to-end $(secs "$RUN_E2E_US") s = $e2e_rate msg/s;" \
    "machine CPU $RUN_CPU_MS ms/msg, hub $hub_ms ms/msg, JIT $jit% [$status]"
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$system" "$idx" "$accept_rate" "$e2e_rate" \
    "$(secs "$RUN_ACCEPT_US")" "$(secs "$RUN_E2E_US")" "$status" "$RUN_CPU_MS" "$hub_ms" "$jit" "$WARM_ROUNDS" \
    >>"$RESULTS"

  case $system in
    postfix) pf_destroy "$PF_DIR" ;;
    hub) hub_stop ;;
  esac
  sink_stop "$CUR_SINK_DIR"
  CUR_SINK_DIR=""
}

CPU_BUSY_AT_START=$(cpu_busy_pct)
if ((CPU_BUSY_AT_START > 15)); then
  log "WARNING: CPUs are ${CPU_BUSY_AT_START}% busy before the benchmark - other work will skew the figures"
fi

# ---------------------------------------------------------------- main
((MX)) && dns_start
((SUBMISSION)) && submission_setup
PATH_DESC=$( ((MX)) && echo "MX lookup (dnsmasq on loopback) to smtp-sink" || echo "smart host smtp-sink")
((SUBMISSION)) && PATH_DESC="TLS + AUTH submission (bench/SubmissionLoad.java), relayed to the smart host smtp-sink"
START_DATE=$(date -u +%Y-%m-%dT%H:%M:%SZ)
log "smtp-bench: path=$PATH_DESC systems=${SYSTEMS[*]} messages=$MESSAGES sessions=$SESSIONS size=$SIZE runs=$RUNS warmup=$WARMUP"
for ((i = 1; i <= RUNS; i++)); do
  for system in "${SYSTEMS[@]}"; do
    run_one "$system" "$i"
  done
done


HUB_ACC=NA HUB_E2E=NA PF_ACC=NA PF_E2E=NA
has_system hub && { HUB_ACC=$(median "$RESULTS" hub 3); HUB_E2E=$(median "$RESULTS" hub 4); }
has_system postfix && { PF_ACC=$(median "$RESULTS" postfix 3); PF_E2E=$(median "$RESULTS" postfix 4); }
has_system direct && { DIRECT_ACC=$(median "$RESULTS" direct 3); DIRECT_E2E=$(median "$RESULTS" direct 4); }
RATIO_ACC=$(ratio "$HUB_ACC" "$PF_ACC")
RATIO_E2E=$(ratio "$HUB_E2E" "$PF_E2E")
PF_VERSION=$(postconf -h mail_version)
FAILED_RUNS=$(awk -F'\t' '$7 != "ok"' "$RESULTS" | wc -l)

echo
echo "Per run:"
printf '  %-8s %3s %12s %12s %9s %9s %10s  %s\n' system run "accept/s" "e2e/s" "accept s" "e2e s" "CPU ms/msg" status
while IFS=$'\t' read -r s r a e as es st cpu; do
  printf '  %-8s %3s %12s %12s %9s %9s %10s  %s\n' "$s" "$r" "$a" "$e" "$as" "$es" "$cpu" "$st"
done <"$RESULTS"
echo
echo "Median over $RUNS run(s), $MESSAGES msgs x $SIZE B, $SESSIONS sessions:"
printf '  %-22s %14s %18s\n' "" "accept msg/s" "end-to-end msg/s"
has_system hub && printf '  %-22s %14s %18s\n' "Mailhub" "$HUB_ACC" "$HUB_E2E"
has_system postfix && printf '  %-22s %14s %18s\n' "Postfix $PF_VERSION" "$PF_ACC" "$PF_E2E"
printf '  %-22s %14s %18s\n' "Mailhub / Postfix" "$RATIO_ACC" "$RATIO_E2E"
has_system direct && printf '  %-22s %14s %18s\n' "(source -> sink direct)" "$DIRECT_ACC" "$DIRECT_E2E"
echo

markdown() {
  echo "<!-- generated by bench/smtp-bench.sh on $START_DATE -->"
  echo "#### SMTP relay throughput, $SIZE B, $PATH_DESC, $START_DATE"
  echo
  echo "$MESSAGES messages of $SIZE B payload, $SESSIONS parallel smtp-source sessions" \
    "(one message per connection), relayed via $PATH_DESC on loopback; median of $RUNS run(s)" \
    "per system, runs alternated$( ((WARMUP > 0)) && echo ", after a warm-up per run in rounds of $WARMUP messages" \
      "(the hub: until its JIT compiler threads took less than $JIT_QUIET% of its CPU in a round, at most" \
      "$WARMUP_ROUNDS rounds)")."
  echo "Accept = smtp-source wall time; end-to-end = until the sink counted every message."
  echo
  echo "| System | Accept msg/s | End-to-end msg/s |"
  echo "| --- | ---: | ---: |"
  has_system hub && echo "| Mailhub | $HUB_ACC | $HUB_E2E |"
  has_system postfix && echo "| Postfix $PF_VERSION (durable queue, smtpd_forbid_bare_newline = reject) | $PF_ACC | $PF_E2E |"
  echo "| **Mailhub / Postfix** | $RATIO_ACC | $RATIO_E2E |"
  has_system direct && echo "| (ceiling: smtp-source straight into smtp-sink) | $DIRECT_ACC | $DIRECT_E2E |"
  echo
  echo "Runs (system, run, accept msg/s, end-to-end msg/s, accept s, end-to-end s, machine CPU per message" \
    "(all processes, both cores), for the hub its JVM's own CPU per message and the JIT's share of it," \
    "warm-up rounds, status):"
  echo
  while IFS=$'\t' read -r s r a e as es st cpu hub jit warm; do
    if [[ $s == hub ]]; then
      echo "- $s #$r: $a / $e msg/s ($as s / $es s) CPU $cpu ms/msg (hub $hub, JIT $jit%), $warm warm-up round(s) $st"
    else
      echo "- $s #$r: $a / $e msg/s ($as s / $es s) CPU $cpu ms/msg, $warm warm-up round(s) $st"
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
  markdown_file=$MARKDOWN_OUT
  [[ $markdown_file == /* ]] || markdown_file=$PWD/$markdown_file
  cat "$RUN_ROOT/snippet.md" >>"$markdown_file"
  log "markdown snippet appended to $markdown_file"
fi

if ((FAILED_RUNS > 0)); then
  log "$FAILED_RUNS run(s) failed or timed out (see status column)"
  exit 2
fi
