#!/usr/bin/env bash
# bench/lib/sink.sh - run Postfix's smtp-sink as the "next hop" of a benchmark
# and count what it received (sourced).
#
#   sink_start DIR PORT [BACKLOG]  start smtp-sink on $SINK_HOST:PORT (default
#                                  127.0.0.1); its -c
#                                  counters go to DIR/sink.log, pid to DIR/sink.pid
#   sink_count DIR                 print how many messages ("mesg=") it received
#   sink_stop DIR                  stop it (TERM, then KILL)
#
# smtp-sink must run as root with "-u nobody" (it drops privileges after
# binding). With -c it prints "sess=N quit=N mesg=N\r" after each session end,
# QUIT or "." (end of DATA), i.e. one ever-growing line with \r between
# updates. sink_count takes the last COMPLETE update (one ending in \r), so a
# partially written update can never be misread.
#
# Requires bench/lib/common.sh.

sink_start() {
  local dir=$1 port=$2 backlog=${3:-256}
  mkdir -p "$dir"
  : >"$dir/sink.log"
  # -c counters, -u nobody (required as root), -m: max simultaneous sessions.
  # stdbuf is not needed: smtp-sink flushes after each counter update.
  # 9>&-: do not pass on smtp-bench.sh's lock descriptor.
  local host=${SINK_HOST:-127.0.0.1}
  smtp-sink -c -u nobody -m 512 "$host:$port" "$backlog" \
    >"$dir/sink.log" 2>"$dir/sink.err" </dev/null 9>&- &
  echo $! >"$dir/sink.pid"
  if ! wait_for_port "$port" 10; then
    cat "$dir/sink.err" >&2 || true
    die "smtp-sink did not start listening on $host:$port"
  fi
  smtp_banner_ok "$port" "$host" || die "smtp-sink on port $port does not answer with 220"
  # The banner probe above is itself a session (no message), so mesg stays 0.
}

sink_count() {
  local dir=$1 last
  # Only the tail matters; updates are ~30 bytes each.
  last=$(tail -c 512 "$dir/sink.log" 2>/dev/null | grep -aoE $'mesg=[0-9]+\r' | tail -n 1) || true
  last=${last#mesg=}
  last=${last%$'\r'}
  echo "${last:-0}"
}

sink_stop() {
  local dir=$1 pid
  [[ -f $dir/sink.pid ]] || return 0
  pid=$(cat "$dir/sink.pid")
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || true
  rm -f "$dir/sink.pid"
}
