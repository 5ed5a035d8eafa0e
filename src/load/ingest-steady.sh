#!/usr/bin/env bash
# Ingest on long-lived connections, as a merchant backend's keep-alive pool holds them: one wrk run
# of SECONDS_TOTAL seconds on the same CONNECTIONS, and its second half measured from Sluice's own
# metrics. ingest-load.sh and ingest-threads.sh start a fresh wrk (fresh connections) per scenario,
# which on the shipped serial collector hides a steady state of full collections
# (docs/benchmarks.md, session 11).
#
#   src/load/ingest-steady.sh                          # single events, 64 connections, 90 s
#   BATCH=100 SECONDS_TOTAL=60 src/load/ingest-steady.sh
#   EXTRA_JVM="-XX:-UseSerialGC -XX:+UseG1GC" NO_BUILD=1 src/load/ingest-steady.sh
#
# Prints wrk's line for the whole run (client side, warm-up included), then for the second half:
# request latency percentiles from sluice_http_ingest_latency_seconds (upper bounds of its
# histogram buckets, measured from the request's start inside Sluice to its answer), accepted
# events per second, the collector's full collections and their longest pause, and resident
# memory at the end. Needs wrk; Sluice runs on conf/jvm.options as in src/load/gateway.sh.
set -euo pipefail
cd "$(dirname "$0")/../.."
BATCH=${BATCH:-1}
CONNECTIONS=${CONNECTIONS:-64}
SECONDS_TOTAL=${SECONDS_TOTAL:-90}
PORT=${PORT:-18080}
HALF=$((SECONDS_TOTAL / 2))
# The measured window ends two seconds before wrk does, so it holds load only.
WINDOW=$((SECONDS_TOTAL - HALF - 2))
[ "$HALF" -ge 10 ] || { echo "SECONDS_TOTAL must be at least 20" >&2; exit 2; }
. src/load/gateway.sh
# shellcheck disable=SC2086
start_gateway "$PORT" src/load/ingest-load.yaml -Xlog:gc:file="$DATA/gc.log" ${EXTRA_JVM:-}

scrape() { curl -s "http://127.0.0.1:$PORT/metrics" | grep '^sluice_http_ingest_latency_seconds_bucket' >"$1"; }
full_collections() { grep -c 'Pause Full' "$DATA/gc.log" || true; }

load steady "$SECONDS_TOTAL" >"$DATA/wrk.txt" &
WRK=$!
sleep "$HALF"
scrape "$DATA/first"; full_first=$(full_collections); lines_first=$(wc -l <"$DATA/gc.log"); accepted_first=$(accepted)
sleep "$WINDOW"
scrape "$DATA/second"; full_second=$(full_collections); accepted_second=$(accepted)
longest=$(tail -n +"$((lines_first + 1))" "$DATA/gc.log" | grep 'Pause Full' | grep -o '[0-9.]*ms$' | tr -d ms | sort -g | tail -1 || true)
wait "$WRK"
grep '^RESULT' "$DATA/wrk.txt" | sed 's/^RESULT/whole run (wrk):/'
# Percentiles of the window: bucket counts are cumulative, so the window's are second - first.
awk -v first="$DATA/first" '
  function bound(line,   b) { b = line; sub(/.*le="/, "", b); sub(/".*/, "", b); return b == "+Inf" ? 1e9 : b + 0 }
  FILENAME == first { before[bound($0)] = $NF; next }
  { n++; le[n] = bound($0); count[n] = $NF - before[bound($0)] }
  END {
    total = count[n]
    split("0.5 0.99 0.999", ps, " "); split("p50 p99 p99.9", names, " ")
    out = sprintf("second half (sluice): requests=%d", total)
    for (i = 1; i <= 3; i++) {
      for (j = 1; j <= n; j++) if (count[j] >= ps[i] * total) break
      out = out sprintf(" %s<=%.1fms", names[i], le[j] * 1000)
    }
    print out
  }' "$DATA/first" "$DATA/second"
echo "second half: accepted_per_s=$(( (accepted_second - accepted_first) / WINDOW )) full_collections=$((full_second - full_first)) longest_full_ms=${longest:-0} rss_mib=$(awk '/VmRSS/ {printf "%.0f", $2/1024}' /proc/"$PID"/status)"
