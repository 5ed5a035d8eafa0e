#!/usr/bin/env bash
# What an erasure does to ingest: one gateway on the ingest benchmark's configuration (SQLite, two
# destinations, delivery off) with the demo admin key added, FILL seconds of batches to store
# events, then single events on 16 connections for 20 s while two erasures run (at 5 s and 10 s);
# prints each erasure's time and wrk's latency over the single events (docs/benchmarks.md,
# session 30). Compare with ERASE=0, the same run without the erasures.
#
#   src/load/erasure-beside-ingest.sh             # FILL=30: about half a million events here
#   FILL=60 NO_BUILD=1 src/load/erasure-beside-ingest.sh
#   FILL=5 SHOPPERS=1 ERASE_EMAIL=shopper0@example.com src/load/erasure-beside-ingest.sh
#                                                 # every event one shopper's (a placeholder email),
#                                                 # erased in parts (docs/benchmarks.md, session 31)
#   PURGE=1 src/load/erasure-beside-ingest.sh     # no erasures: the audit retention purge instead,
#                                                 # keeping 20 s of records, first run 40 s after start
#                                                 # (during the single events); prints what it deleted
#
# Needs wrk and curl (and sqlite3 for PURGE). Linux only.
set -euo pipefail
cd "$(dirname "$0")/../.."
FILL=${FILL:-30}
ERASE=${ERASE:-1}
PORT=${PORT:-18093}
. src/load/gateway.sh
# The ingest benchmark's configuration plus the demo admin key (slk_demo_admin_local_only, loopback only).
sed 's/^      api-key-hashes:/      admin-key-hashes:\n        - "sha256:59326089b688d1e40c659fe400edb52fd8bf3fc69f1a49d9a08c519324b3451c"\n      api-key-hashes:/' \
  src/load/ingest-load.yaml > "$DATA/erasure-load.yaml"
if [ -n "${PURGE:-}" ]; then
  ERASE=0
  export SLUICE_RETENTION_AUDIT=${PURGE_KEEP:-20s} SLUICE_RETENTION_INTERVAL=${PURGE_EVERY:-40s}
fi
start_gateway "$PORT" "$DATA/erasure-load.yaml"
BATCH=100 CONNECTIONS=64
load fill "$FILL" | grep RESULT
echo "events_stored=$(accepted)"
erase() {
  curl -s -o /dev/null -w "erasure http=%{http_code} took_s=%{time_total}\n" -H 'Authorization: Bearer slk_demo_admin_local_only' \
    -H 'Content-Type: application/json' -d "{\"email\":\"${ERASE_EMAIL:-shopper17@example.com}\"}" "http://127.0.0.1:$PORT/v1/privacy/erasure"
}
if [ "$ERASE" = 1 ]; then
  (sleep 5; erase; sleep 5; erase) &
  ERASER=$!
fi
RUN=s$(date +%s%N) BATCH=1 wrk -t2 -c16 -d20s --latency -s src/load/events.lua "http://127.0.0.1:$PORT" | grep -E "RESULT|Latency  |99%"
if [ "$ERASE" = 1 ]; then wait "$ERASER"; fi
if [ -n "${PURGE:-}" ]; then
  sqlite3 "$DATA/sluice/sluice.db" "SELECT 'retention_records=' || count(*) FROM audit_records WHERE kind = 'retention';
    SELECT 'first_seq_kept=' || min(seq) || ' last_seq=' || max(seq) FROM audit_records"
fi
