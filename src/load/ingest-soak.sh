#!/usr/bin/env bash
# A long ingest run on one fresh gateway, for what only shows after minutes: the resident size
# every 5 s and its peak (VmHWM), whether the gateway is still alive at the end, and how far the
# ledger's background customer fold (every 60 s) has come. The other load scripts measure 15 s
# phases, which never reached the fold's second minute; this one found that it ran the heap out
# at about 130 s of batches (docs/benchmarks.md, session 29).
#
#   src/load/ingest-soak.sh                  # batches of 100 for 360 s
#   SECONDS_RUN=160 src/load/ingest-soak.sh   # shorter
#   BATCH=1 src/load/ingest-soak.sh          # single events
#   NO_BUILD=1 src/load/ingest-soak.sh       # use target/sluice.jar as it is
#
# Needs wrk and the sqlite3 command-line shell (apt-get install wrk sqlite3). Sluice runs as in
# ingest-threads.sh (src/load/gateway.sh: conf/jvm.options, SQLite in a fresh temporary directory,
# src/load/ingest-load.yaml, delivery off). Exits non-zero if the gateway stopped during the run.
set -euo pipefail
cd "$(dirname "$0")/../.."
BATCH=${BATCH:-100}
SECONDS_RUN=${SECONDS_RUN:-360}
CONNECTIONS=${CONNECTIONS:-64}
PORT=${PORT:-18080}
CONF=${CONF:-src/load/ingest-load.yaml}
command -v sqlite3 >/dev/null || { echo "sqlite3 is required: apt-get install sqlite3" >&2; exit 1; }
. src/load/gateway.sh
# shellcheck disable=SC2086
start_gateway "$PORT" "$CONF" ${EXTRA_JVM:-}

status_mib() { awk -v k="$1:" '$1 == k {printf "%.0f", $2 / 1024}' /proc/"$PID"/status 2>/dev/null || echo gone; }
(
  for i in $(seq 5 5 "$SECONDS_RUN"); do
    sleep 5
    echo "t=${i}s rss_mib=$(status_mib VmRSS) peak_rss_mib=$(status_mib VmHWM)"
  done
) &
SAMPLER=$!
load soak "$SECONDS_RUN" | grep RESULT || true
wait "$SAMPLER"
if ! kill -0 "$PID" 2>/dev/null; then
  echo "the gateway stopped during the run:" >&2
  grep -v '"level":"INFO"' "$DATA/sluice.log" | tail -5 >&2
  exit 1
fi
echo "accepted=$(accepted) rss_mib=$(status_mib VmRSS) peak_rss_mib=$(status_mib VmHWM)"
sqlite3 "file:$DATA/sluice/sluice.db?mode=ro" "SELECT 'ledger_entries=' || (SELECT count(*) FROM ledger_entries)
  || ' folded_through=' || (SELECT folded_through FROM ledger_customer_fold)
  || ' customer_segments=' || count(*) || ' customer_ids=' || coalesce(sum(length(customers)) / 8, 0)
  FROM ledger_customer_days"
