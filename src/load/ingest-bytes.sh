#!/usr/bin/env bash
# Bytes the SQLite store writes per accepted event under load: database growth, the writer's log
# writes and the checkpointer's copies, and events per commit. Like ingest-alloc.sh, a figure to
# compare two builds with that does not depend on how fast the machine is that day; the single
# writer's time follows it (docs/benchmarks.md, session 7).
#
#   src/load/ingest-bytes.sh                  # batches of 100, 10 s warm-up, 10 s measured
#   BATCH=1 src/load/ingest-bytes.sh          # single events
#   IDS=uuid src/load/ingest-bytes.sh         # random event ids (src/load/events.lua)
#   NO_BUILD=1 CONNECTIONS=64 src/load/ingest-bytes.sh
#
# Sluice runs on conf/jvm.options over SQLite in a fresh temporary directory with
# src/load/ingest-load.yaml (two destinations, delivery off). Write bytes are each thread's
# `wchar` from /proc/<pid>/task/*/io (bytes handed to write system calls: the writer's are its
# write-ahead-log frames, plus database pages when it checkpoints itself; the checkpointer's are
# database pages), read before and after the measured run. Database growth is the size of the
# database file after the run over every event accepted since the start (warm-up included).
# Linux only. Needs wrk.
set -euo pipefail
cd "$(dirname "$0")/../.."
BATCH=${BATCH:-100}
WARMUP=${WARMUP:-10}
DURATION=${DURATION:-10}
CONNECTIONS=${CONNECTIONS:-64}
PORT=${PORT:-18092}
. src/load/gateway.sh
start_gateway "$PORT" src/load/ingest-load.yaml

metric() { curl -s "http://127.0.0.1:$PORT/metrics" | awk -v m="$1" 'index($0, m) == 1 {s += $NF} END {printf "%.0f", s}'; }
wchar() { # thread name -> bytes written so far
  for t in /proc/"$PID"/task/*; do printf '%s\t%s\n' "$(cat "$t/comm")" "$(awk '/^wchar/ {print $2}' "$t/io")"; done
}

load warm "$WARMUP" >/dev/null
wchar >"$DATA/before"
before=$(accepted)
commits_before=$(metric 'sluice_store_commit_events_count')
load run "$DURATION" >/dev/null
wchar >"$DATA/after"
after=$(accepted)
commits=$(( $(metric 'sluice_store_commit_events_count') - commits_before ))
events=$((after - before))
db=$(stat -c %s "$DATA/sluice/sluice.db")
per_thread() { # name -> bytes written in the measured run, threads of one name added up
  awk -F'\t' -v name="$1" 'FNR == NR { if ($1 == name) b += $2; next } $1 == name { a += $2 } END { printf "%.0f", a - b }' \
    "$DATA/before" "$DATA/after"
}
writer=$(per_thread sluice-store-wr)
checkpointer=$(per_thread sluice-sqlite-c)
awk -v events="$events" -v total="$after" -v db="$db" -v w="$writer" -v c="$checkpointer" -v commits="$commits" 'BEGIN {
  printf "accepted=%d events_per_commit=%.1f db_bytes_per_event=%.0f writer_bytes_per_event=%.0f checkpointer_bytes_per_event=%.0f\n",
    events, (commits > 0 ? events / commits : 0), db / (total > 0 ? total : 1), w / (events > 0 ? events : 1), c / (events > 0 ? events : 1)
}'
