#!/usr/bin/env bash
# Load test: a bare Helidon endpoint and Sluice's POST /v1/events, side by side, on this machine.
#
#   src/load/ingest-load.sh            # 15 s per scenario, 64 connections
#   DURATION=30s CONNECTIONS=128 src/load/ingest-load.sh
#   NO_BUILD=1 src/load/ingest-load.sh # target/ as the last `./mvnw -Pbench package` left it
#   EXTRA_JVM="-XX:SweeperThreshold=15" src/load/ingest-load.sh  # flags for Sluice's JVM,
#                                      # after conf/jvm.options
#   MEMORY_LIMIT=512M src/load/ingest-load.sh # Sluice under the Kubernetes manifests' memory limit
#                                      # (src/load/memory-limit.sh; needs root)
#
# Needs wrk (apt-get install wrk). Sluice runs on its shipped JVM flags (conf/jvm.options), over
# SQLite in a fresh temporary data directory, with src/load/ingest-load.yaml: the demo
# configuration with two destinations on different hashing profiles (Meta, and a webhook hashing
# as for Google), as the ingest benchmark is specified; every ingest stage on (validation,
# consent, hashing for both platforms, sealing, dedup, audit records, ledger, group commit).
# Delivery is off: nothing is sent anywhere. src/load/delivery-load.sh measures delivery while
# ingesting.
# Sluice is measured twice: with sequential event ids (each lands next to the previous one in the
# store's indexes) and with random UUIDs as event ids (IDS=uuid in src/load/events.lua: what most
# senders use, and a random page of every index keyed by the event id per event).
# It ends with Sluice's single-event and batch rates scaled by the bare endpoint to the machine
# the ingest issue's targets were set on (about 66,000 posts/s), and with what new page-cache
# memory costs the machine (src/load/memory-limit.sh), which moves the checkpoint thread's cost.
# It also counts Sluice's young and full collections over the whole script (its -Xlog:gc log).
# Traffic goes to 127.0.0.1 only; every run is bounded by DURATION.
set -euo pipefail
cd "$(dirname "$0")/../.."
DURATION=${DURATION:-15s}
CONNECTIONS=${CONNECTIONS:-64}
THREADS=${THREADS:-2}
SLUICE_PORT=${SLUICE_PORT:-18080}
BARE_PORT=${BARE_PORT:-18081}
if [ -d /usr/lib/jvm/temurin-25-jdk-amd64 ]; then export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64; fi
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
command -v wrk >/dev/null || { echo "wrk is required: apt-get install wrk" >&2; exit 1; }

[ -n "${NO_BUILD:-}" ] || ./mvnw -q -B -Pbench -DskipTests package
DATA=$(mktemp -d)
pids=()
. src/load/memory-limit.sh
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; unlimit_memory; rm -rf "$DATA"; }
trap cleanup EXIT

# Sluice starts alone, so the time to ready is not shared with the bare server's own startup. It
# starts as the README and the container start it: no arguments, the configuration named by
# SLUICE_CONFIG (with arguments the command line is built first, which takes longer; README).
start_ns=$(date +%s%N)
# Placeholders for the destinations' secrets: with delivery off they are only checked to be set.
BENCH_META_TOKEN=bench-placeholder BENCH_WEBHOOK_SECRET=bench-placeholder-secret-0123456789abcdef \
SLUICE_CONFIG=src/load/ingest-load.yaml \
SLUICE_DELIVERY_ENABLED=false SERVER_PORT=$SLUICE_PORT SLUICE_DATA_dash_DIR="$DATA/sluice" \
  "$JAVA" @conf/jvm.options -Xlog:gc:file="$DATA/sluice-gc.log":uptime ${EXTRA_JVM:-} -jar target/sluice.jar \
  >"$DATA/sluice.log" 2>&1 &
SLUICE_PID=$!
pids+=($SLUICE_PID)
limit_memory "$SLUICE_PID"
until curl -sf "http://127.0.0.1:$SLUICE_PORT/health/ready" >/dev/null; do
  kill -0 "$SLUICE_PID" 2>/dev/null || { echo "sluice did not start:" >&2; tail -5 "$DATA/sluice.log" >&2; exit 1; }
  sleep 0.02
done
ready_ms=$(( ($(date +%s%N) - start_ns) / 1000000 ))
"$JAVA" @conf/jvm.options -cp "target/classes:target/libs/*" dev.sluice.bench.BareServer "$BARE_PORT" >"$DATA/bare.log" 2>&1 &
BARE_PID=$!
pids+=($BARE_PID)
until curl -s -o /dev/null "http://127.0.0.1:$BARE_PORT/"; do
  # The bare server's class comes from the bench profile's build (target/classes).
  kill -0 "$BARE_PID" 2>/dev/null || { echo "the bare server did not start:" >&2; tail -5 "$DATA/bare.log" >&2; exit 1; }
  sleep 0.05
done

# Events Sluice answered `accepted` so far (its own counter): every run posts fresh event ids (RUN),
# and this checks that they were all accepted, not answered as duplicates of an earlier run.
accepted() { curl -s "http://127.0.0.1:$SLUICE_PORT/metrics" | awk '/^sluice_events_total\{.*outcome="accepted"/ {s+=$NF} END {printf "%.0f", s}'; }
run() { # name port batch [ids]
  local before=0 out
  if [ "$2" = "$SLUICE_PORT" ]; then before=$(accepted); fi
  out=$(RUN=$(date +%s%N) BATCH=$3 IDS=${4:-sequential} wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" -s src/load/events.lua "http://127.0.0.1:$2" | grep '^RESULT' | sed "s/^RESULT/$1/")
  if [ "$2" = "$SLUICE_PORT" ]; then
    out="$out accepted_per_s=$(( ($(accepted) - before) / ${DURATION%s} ))"
  fi
  echo "$out"
}
rss() { awk '/VmRSS/ {printf "%.0f", $2/1024}' "/proc/$SLUICE_PID/status"; }

echo "warm-up (discarded): 15 s of batches and 15 s of single events, so the JIT has compiled the hot paths"
DURATION=15s run warmup "$SLUICE_PORT" 100 >/dev/null
DURATION=15s run warmup "$SLUICE_PORT" 1 >/dev/null
echo "scenario                     result"
bare_single=$(run "bare-helidon  single      " "$BARE_PORT" 1)
echo "$bare_single"
sluice_single=$(run "sluice        single      " "$SLUICE_PORT" 1)
echo "$sluice_single"
echo "sluice RSS after single-event load: $(rss) MiB"
run "bare-helidon  batch-of-100" "$BARE_PORT" 100
sluice_batch=$(run "sluice        batch-of-100" "$SLUICE_PORT" 100)
echo "$sluice_batch"
echo "sluice RSS after batch load: $(rss) MiB"
run "sluice        single       uuid-ids" "$SLUICE_PORT" 1 uuid
run "sluice        batch-of-100 uuid-ids" "$SLUICE_PORT" 100 uuid
echo "sluice RSS after the uuid-id loads: $(rss) MiB"
echo "sluice startup to ready: ${ready_ms} ms (JVM start included)"
# The ingest issue's targets were set on a machine whose bare endpoint serves about 66,000 posts/s;
# Sluice's accepted events per second scaled by this run's bare endpoint, single events and batches.
field() { sed -n "s/.* $1=\([0-9.]*\).*/\1/p" <<<"$2"; }
awk -v bare="$(field events_per_s "$bare_single")" -v single="$(field accepted_per_s "$sluice_single")" \
    -v batch="$(field accepted_per_s "$sluice_batch")" \
    'BEGIN { if (bare > 0) printf "scaled to a 66,000 posts/s bare endpoint: single %.0f/s, batch-of-100 %.0f/s\n", single * 66000 / bare, batch * 66000 / bare }'
# Sluice's stop-the-world pauses over the whole script, warm-up included (its collector's log): a
# full collection stops every request for tens of milliseconds (docs/benchmarks.md, session 38).
awk '/Pause Full/ { n++; ms = $NF + 0; if (ms > full) full = ms } /Pause Young/ { y++; ms = $NF + 0; if (ms > young) young = ms }
     END { printf "sluice collections: %d young (longest %.1f ms), %d full (longest %.1f ms)\n", y, young, n, full }' "$DATA/sluice-gc.log"
# What new page-cache memory costs this machine now (src/load/memory-limit.sh), after the runs.
new_page_cache_cost "$DATA"
grep -o '"msg":"event=started[^"]*"' "$DATA/sluice.log" || true
