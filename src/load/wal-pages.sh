#!/usr/bin/env bash
# Which tables and indexes Sluice's writer writes per commit under load (src/load/wal-pages.py):
# a gateway on a fresh database takes WARMUP seconds of load, then, in the middle of a further run,
# is paused (SIGSTOP) while its database and write-ahead log are copied, and resumed.
#
#   src/load/wal-pages.sh                     # batches of 100, sequential event ids
#   IDS=uuid src/load/wal-pages.sh            # random event ids (src/load/events.lua)
#   BATCH=1 NO_BUILD=1 src/load/wal-pages.sh
#
# Needs wrk and python3 (its sqlite3 module with the dbstat table, as Debian builds it). The copy
# is as large as the database (about 4.6 KB per accepted event) and is deleted on exit.
set -euo pipefail
cd "$(dirname "$0")/../.."
BATCH=${BATCH:-100}
WARMUP=${WARMUP:-15}
CONNECTIONS=${CONNECTIONS:-64}
PORT=${PORT:-18093}
. src/load/gateway.sh
start_gateway "$PORT" src/load/ingest-load.yaml
load warm "$WARMUP" >/dev/null
load run 6 >/dev/null &
LOAD=$!
sleep 4
mkdir "$DATA/copy"
kill -STOP "$PID"
cp "$DATA"/sluice/sluice.db "$DATA"/sluice/sluice.db-wal "$DATA/copy/" || true
kill -CONT "$PID"
wait "$LOAD"
python3 src/load/wal-pages.py "$DATA/copy"
