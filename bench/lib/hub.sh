#!/usr/bin/env bash
# bench/lib/hub.sh - start and stop the hub under test (sourced).
#
#   hub_start RUNDIR SMTP_PORT HTTP_PORT [-Dkey=value...]
#                     java -Xmx1g [NATIVE] $HUB_JAVA_OPTS -Dmailhub.smtp.port=... -Dmailhub.http.port=... OPTIONS
#                     -Dmailhub.data.dir=RUNDIR/hub-data -jar $MAILHUB_JAR, log in RUNDIR/hub.log; returns when
#                     /observe/health answers 200 (sets HUB_PID, HUB_DATA, HUB_JOURNAL); NATIVE puts the Artemis
#                     native library on java.library.path when libaio is installed (ASYNCIO journal)
#   bare_start RUNDIR BROKER_PORT
#                     bench/BareBroker.java (compiled into $RUN_ROOT/classes): the hub's broker without the hub, log
#                     in RUNDIR/broker.log; returns when it has started (sets HUB_PID and HUB_DATA, so hub_stop and
#                     the CPU counters treat it like a hub)
#   hub_stop          TERM (KILL after 30 s), then remove its data directory
#
# Uses REPO_ROOT, MAILHUB_JAR, HUB_START_TIMEOUT (seconds) and HUB_JAVA_OPTS. Requires bench/lib/common.sh.

HUB_PID=""
HUB_DATA=""
HUB_JOURNAL="" # the journal type the last hub reported (ASYNCIO or NIO)

# The broker's ASYNCIO journal, as in production (docs/operations.md, "The journal"): when libaio is installed, the
# hub's JVM gets the Artemis native library from the jar on its java.library.path; without libaio it runs on NIO.
hub_native_opts() {
  ldconfig -p 2>/dev/null | grep -q 'libaio\.so\.1' || return 0
  local dir=$BENCH_ROOT/native
  if [[ ! -f $dir/libartemis-native-64.so ]]; then
    mkdir -p "$dir"
    unzip -o -j -q "$MAILHUB_JAR" 'lib/linux-x86_64/libartemis-native-64.so' -d "$dir" || return 0
  fi
  echo "-Djava.library.path=$dir"
}

hub_start() {
  local rundir=$1 smtp_port=$2 http_port=$3 started banner_at=-1 elapsed
  shift 3
  HUB_DATA=$rundir/hub-data
  mkdir -p "$HUB_DATA"
  # shellcheck disable=SC2086 # HUB_JAVA_OPTS is a list of options
  (cd "$REPO_ROOT" && exec java -Xmx1g $(hub_native_opts) ${HUB_JAVA_OPTS:-} \
    -Dmailhub.smtp.port="$smtp_port" \
    -Dmailhub.http.port="$http_port" \
    "$@" \
    -Dmailhub.data.dir="$HUB_DATA" \
    -jar "$MAILHUB_JAR") >"$rundir/hub.log" 2>&1 </dev/null 9>&- &
  HUB_PID=$!
  started=$(now_us)
  # Ready = /observe/health answers 200. A hub without that endpoint is taken
  # as ready 10 s after its SMTP port first answered with a 220 banner.
  while :; do
    kill -0 "$HUB_PID" 2>/dev/null || {
      tail -n 40 "$rundir/hub.log" >&2
      HUB_PID=""
      die "Mailhub exited during start-up (log above: $rundir/hub.log)"
    }
    elapsed=$(($(now_us) - started))
    if curl -fs -o /dev/null --max-time 2 "http://127.0.0.1:$http_port/observe/health"; then
      log "hub ready (health 200) after $(secs "$elapsed") s"
      break
    fi
    if ((banner_at < 0)) && port_in_use "$smtp_port" && smtp_banner_ok "$smtp_port"; then
      banner_at=$elapsed
    fi
    if ((banner_at >= 0 && elapsed - banner_at >= 10000000)); then
      log "WARNING: hub answers 220 on SMTP but /observe/health gave no 200 for 10 s; going on"
      break
    fi
    ((elapsed < HUB_START_TIMEOUT * 1000000)) || {
      tail -n 40 "$rundir/hub.log" >&2
      die "Mailhub not ready within $HUB_START_TIMEOUT s (log: $rundir/hub.log)"
    }
    sleep 0.1
  done
  smtp_banner_ok "$smtp_port" || die "Mailhub is healthy but 127.0.0.1:$smtp_port does not answer 220"
  HUB_JOURNAL=$(sed -n 's/.*embedded Artemis broker started (journal \([A-Z]*\).*/\1/p' "$rundir/hub.log" | head -n 1)
  log "hub journal: ${HUB_JOURNAL:-unknown}"
}

bare_start() {
  local rundir=$1 port=$2 started
  HUB_DATA=$rundir/broker-data
  mkdir -p "$HUB_DATA"
  # shellcheck disable=SC2086 # HUB_JAVA_OPTS is a list of options
  java -Xmx1g $(hub_native_opts) ${HUB_JAVA_OPTS:-} -cp "$MAILHUB_JAR:$RUN_ROOT/classes" BareBroker "$HUB_DATA" "$port" \
    >"$rundir/broker.log" 2>&1 </dev/null 9>&- &
  HUB_PID=$!
  started=$(now_us)
  until grep -qs '^bare broker started' "$rundir/broker.log"; do
    kill -0 "$HUB_PID" 2>/dev/null || { tail -n 40 "$rundir/broker.log" >&2; HUB_PID=""; die "BareBroker exited"; }
    (($(now_us) - started < HUB_START_TIMEOUT * 1000000)) || die "BareBroker not started within $HUB_START_TIMEOUT s"
    sleep 0.1
  done
  HUB_JOURNAL=$(sed -n 's/^bare broker started (journal \([A-Z]*\)).*/\1/p' "$rundir/broker.log")
  log "bare broker ready, journal ${HUB_JOURNAL:-unknown}"
}

hub_stop() {
  if [[ -n $HUB_PID ]] && kill -0 "$HUB_PID" 2>/dev/null; then
    kill -TERM "$HUB_PID" 2>/dev/null || true
    for _ in $(seq 300); do kill -0 "$HUB_PID" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$HUB_PID" 2>/dev/null; then
      log "hub did not stop within 30 s; killing it"
      kill -KILL "$HUB_PID" 2>/dev/null || true
    fi
    wait "$HUB_PID" 2>/dev/null || true
  fi
  HUB_PID=""
  [[ -z $HUB_DATA ]] || rm -rf "$HUB_DATA"
  HUB_DATA=""
}

