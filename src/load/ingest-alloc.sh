#!/usr/bin/env bash
# Bytes the gateway allocates per accepted event under load: the figure to compare two builds'
# garbage with, independent of how fast the machine is that day.
#
#   src/load/ingest-alloc.sh                  # batches of 100, 10 s warm-up, 20 s measured
#   BATCH=1 src/load/ingest-alloc.sh          # single events
#   NO_BUILD=1 CONNECTIONS=8 src/load/ingest-alloc.sh
#
# Sluice runs on conf/jvm.options with -Xlog:gc over SQLite in a fresh temporary directory with
# src/load/ingest-load.yaml (two destinations, delivery off). After the warm-up, allocation is the
# sum over young and full collections of (heap before this collection - heap after the previous
# one), divided by the events the metrics counted as accepted in the same interval. Needs wrk.
set -euo pipefail
cd "$(dirname "$0")/../.."
BATCH=${BATCH:-100}
WARMUP=${WARMUP:-10}
DURATION=${DURATION:-20}
CONNECTIONS=${CONNECTIONS:-8}
PORT=${PORT:-18090}
if [ -d /usr/lib/jvm/temurin-25-jdk-amd64 ]; then export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64; fi
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
command -v wrk >/dev/null || { echo "wrk is required: apt-get install wrk" >&2; exit 1; }
[ -n "${NO_BUILD:-}" ] || ./mvnw -q -B -Pbench -DskipTests package

DATA=$(mktemp -d)
PID=
cleanup() { [ -z "$PID" ] || kill "$PID" 2>/dev/null || true; rm -rf "$DATA"; }
trap cleanup EXIT
BENCH_META_TOKEN=bench-placeholder BENCH_WEBHOOK_SECRET=bench-placeholder-secret-0123456789abcdef \
SLUICE_DELIVERY_ENABLED=false SERVER_PORT=$PORT SLUICE_DATA_dash_DIR="$DATA/sluice" \
  "$JAVA" @conf/jvm.options -Xlog:gc:file="$DATA/gc.log" -jar target/sluice.jar serve --config src/load/ingest-load.yaml \
  >"$DATA/sluice.log" 2>&1 &
PID=$!
for _ in $(seq 1 600); do
  curl -sf "http://127.0.0.1:$PORT/health/ready" >/dev/null && break
  kill -0 "$PID" 2>/dev/null || { echo "sluice did not start:" >&2; tail -5 "$DATA/sluice.log" >&2; exit 1; }
  sleep 0.05
done

accepted() { curl -s "http://127.0.0.1:$PORT/metrics" | awk '/^sluice_events_total\{.*outcome="accepted"/ {s+=$NF} END {printf "%.0f", s}'; }
load() { RUN=$1$(date +%s%N) BATCH=$BATCH wrk -t2 -c"$CONNECTIONS" -d"$2"s -s src/load/events.lua "http://127.0.0.1:$PORT" >/dev/null; }

load warm "$WARMUP"
before=$(accepted)
skip=$(wc -l <"$DATA/gc.log")
load run "$DURATION"
events=$(( $(accepted) - before ))
# Lines like "[12.3s][info][gc] GC(41) Pause Young (Allocation Failure) 40M->12M(61M) 3.1ms";
# the last collection of the warm-up gives the first "heap after".
awk -v skip="$skip" -v events="$events" '
  NR >= skip && match($0, /Pause (Young|Full).* [0-9]+M->[0-9]+M/) {
    split(substr($0, RSTART, RLENGTH), parts, " "); split(parts[length(parts)], mb, /M->|M/)
    if (seen) allocated += mb[1] - after
    after = mb[2]; seen = 1; n++
  }
  END { printf "accepted=%d collections=%d allocated_mib=%d bytes_per_event=%d\n", events, n, allocated, allocated * 1048576 / (events > 0 ? events : 1) }
' "$DATA/gc.log"
