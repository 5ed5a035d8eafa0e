#!/usr/bin/env bash
# Delivery benchmark: events posted to Sluice at a fixed rate while Sluice delivers them to a
# fake Meta Conversions API endpoint, all on this machine. Prints, once a second, the events
# ingest acknowledged, the events the fake Meta acknowledged, and the backlog between them; then
# the rates over the steady window, the largest backlog, duplicates, and the drain time.
#
#   src/load/delivery-load.sh                       # 10,000 events/s for 90 s (30 s JIT warm-up)
#   RATE=15000 SECONDS_TOTAL=60 src/load/delivery-load.sh
#   META_LATENCY_MS=200 src/load/delivery-load.sh   # the fake Meta answers 200 ms after each request
#   DESTINATIONS=2 src/load/delivery-load.sh        # two Meta pixels (src/load/delivery-load-two.yaml)
#   SKIP_BUILD=1 EXTRA_JVM="-XX:-UseSerialGC -XX:+UseG1GC" src/load/delivery-load.sh  # after conf/jvm.options
#
# Sluice runs on its shipped JVM flags (conf/jvm.options) over SQLite in a fresh temporary data
# directory with src/load/delivery-load.yaml (one Meta destination, batches of up to 1000; with
# DESTINATIONS=2, delivery-load-two.yaml: a second Meta pixel, and the figures per second are
# events delivered to both, deliveries divided by two). The
# load generator and the fake Meta (dev.sluice.bench.DeliveryLoad) share the same cores. Traffic
# goes to 127.0.0.1 only; every run is bounded by SECONDS_TOTAL plus at most 60 s of draining.
# Both sides keep their connections (the generator's HTTP client, Sluice's client to the fake
# Meta), so the collector's full collections over the run are printed too.
set -euo pipefail
cd "$(dirname "$0")/../.."
RATE=${RATE:-10000}
SECONDS_TOTAL=${SECONDS_TOTAL:-90}
WARMUP=${WARMUP:-30}
BATCH=${BATCH:-100}
META_LATENCY_MS=${META_LATENCY_MS:-0}
DESTINATIONS=${DESTINATIONS:-1}
case "$DESTINATIONS" in
  1) CONF=src/load/delivery-load.yaml ;;
  2) CONF=src/load/delivery-load-two.yaml ;;
  *) echo "DESTINATIONS must be 1 or 2" >&2; exit 2 ;;
esac
SLUICE_PORT=${SLUICE_PORT:-18090}
META_PORT=${META_PORT:-18091}
# The second destination of delivery-load-two.yaml goes to the same fake Meta.
if [ "$DESTINATIONS" = 2 ]; then export SLUICE_TENANTS_0_DESTINATIONS_1_SETTINGS_BASE_dash_URL="http://127.0.0.1:$META_PORT"; fi
if [ -d /usr/lib/jvm/temurin-25-jdk-amd64 ]; then export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64; fi
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"

[ "${SKIP_BUILD:-}" = 1 ] || ./mvnw -q -B -Pbench -DskipTests package
DATA=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$DATA"; }
trap cleanup EXIT

"$JAVA" -Xmx512m -cp "target/classes:target/libs/*" dev.sluice.bench.DeliveryLoad \
  "$META_PORT" "$SLUICE_PORT" "$RATE" "$SECONDS_TOTAL" "$WARMUP" "$BATCH" "$META_LATENCY_MS" "$DESTINATIONS" >"$DATA/load.log" 2>&1 &
LOAD_PID=$!
pids+=($LOAD_PID)
until grep -q '^READY' "$DATA/load.log" 2>/dev/null; do
  kill -0 $LOAD_PID 2>/dev/null || { echo "load generator exited before READY (built with -Pbench?):" >&2; cat "$DATA/load.log" >&2; exit 1; }
  sleep 0.05
done
# shellcheck disable=SC2086
BENCH_META_TOKEN=bench-token SERVER_PORT=$SLUICE_PORT SLUICE_DATA_dash_DIR="$DATA/sluice" \
  SLUICE_TENANTS_0_DESTINATIONS_0_SETTINGS_BASE_dash_URL="http://127.0.0.1:$META_PORT" \
  "$JAVA" @conf/jvm.options -Xlog:gc:file="$DATA/gc.log" ${EXTRA_JVM:-} -jar target/sluice.jar serve --config "$CONF" >"$DATA/sluice.log" 2>&1 &
SLUICE_PID=$!
pids+=($SLUICE_PID)
tail -n +2 -f "$DATA/load.log" --pid=$LOAD_PID &
pids+=($!)
wait $LOAD_PID || { echo "load generator failed; sluice log:" >&2; tail -20 "$DATA/sluice.log" >&2; exit 1; }
echo "machine: $(nproc) cores, $(awk -F: '/model name/ {print $2; exit}' /proc/cpuinfo | xargs), load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "sluice CPU: $(awk -v hz="$(getconf CLK_TCK)" '{printf "%.0f", ($14+$15)/hz}' "/proc/$SLUICE_PID/stat") s over the whole run"
echo "sluice RSS at the end: $(awk '/VmRSS/ {printf "%.0f", $2/1024}' "/proc/$SLUICE_PID/status") MiB"
echo "sluice full collections over the run: $(grep -c 'Pause Full' "$DATA/gc.log" || true)"
grep -o '"msg":"event=dispatcher_error[^"]*"' "$DATA/sluice.log" | sort | uniq -c || true
