#!/usr/bin/env bash
# PostgreSQL: the retention purges and an erasure's outbox deletes against a large outbox, without
# and with the partial index on the outbox's open rows by event row id (outbox_open_event_row,
# PostgreSQL migration V31).
#
#   src/load/pg-purge.sh                       # 200,000 events, two outbox rows each
#   EVENTS=1000000 NO_BUILD=1 src/load/pg-purge.sh
#   PENDING_PERCENT=50 src/load/pg-purge.sh     # a destination that has been down a while
#
# Needs psql and a PostgreSQL where PG_URL's user may create databases (default: the local server,
# user postgres, trust auth; JDBC_URL names the same database for Sluice). Drops and creates the database sluice_purge_bench, migrates it by
# starting Sluice on it once, and fills it with SQL: EVENTS events of one tenant, two outbox rows
# each with a 1 KB payload (PENDING_PERCENT pending, default 1, 0.1 % dead, the rest delivered),
# three subject keys each.
# Then, in a transaction that is rolled back, EXPLAIN ANALYZE times each statement three times:
# one 2,000-row chunk of the events purge and the subject-key purge (RetentionPurge's PostgreSQL
# statements, over the older half of the events), and an erasure's outbox statements for ten
# events (Erasure). Prints each one's last execution time and the outbox access it used.
set -euo pipefail
cd "$(dirname "$0")/../.."
EVENTS=${EVENTS:-200000}
PENDING_PERCENT=${PENDING_PERCENT:-1}
PG_URL=${PG_URL:-postgresql://postgres@127.0.0.1:5432}
DB=sluice_purge_bench
JDBC_URL=${JDBC_URL:-jdbc:postgresql://127.0.0.1:5432/$DB?user=postgres}
command -v psql >/dev/null || { echo "psql is required" >&2; exit 1; }
psql -X -q "$PG_URL/postgres" -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB"

. src/load/gateway.sh
SLUICE_STORE_KIND=postgres SLUICE_STORE_POSTGRES_URL="$JDBC_URL" \
  start_gateway "${PORT:-18080}" src/load/ingest-load.yaml
kill "$PID"; wait "$PID" 2>/dev/null || true; PID=

sql() { psql -X -q -v ON_ERROR_STOP=1 "$PG_URL/$DB" "$@"; }
T0=1700000000000
CUTOFF=$((T0 + EVENTS * 5))  # the older half of the events
sql -v n="$EVENTS" -v t0="$T0" -v pending="$PENDING_PERCENT" <<'SQL'
INSERT INTO events (tenant_id, event_name, event_id, event_time, received_at, dedup_until)
SELECT 'shop', 'Purchase', 'e-' || g, :t0 + g * 10, :t0 + g * 10, :t0 + g * 10
FROM generate_series(1, :n) g;
INSERT INTO outbox (tenant_id, event_row_id, event_name, event_id, destination_id, state, next_attempt_at,
                    payload, key_id, created_at, updated_at)
SELECT e.tenant_id, e.id, e.event_name, e.event_id, d,
       CASE WHEN e.id % 100 < :pending THEN 'pending' WHEN e.id % 1000 = 999 THEN 'dead' ELSE 'delivered' END,
       e.received_at, convert_to(repeat('x', 1000), 'UTF8'), 'k1', e.received_at, e.received_at
FROM events e, (VALUES ('meta'), ('webhook')) AS dest(d);
INSERT INTO audit_subjects (tenant_id, subject_key, event_row_id, received_at)
SELECT e.tenant_id, md5(e.id::text || '-' || k), e.id, e.received_at
FROM events e, generate_series(1, 3) k;
ANALYZE;
SQL

ERASED=$(sql -At -c "SELECT string_agg(id::text, ',') FROM (SELECT id FROM events ORDER BY id DESC LIMIT 10) t")
statements=(
  "events purge chunk|DELETE FROM events WHERE id IN (SELECT e.id FROM events e WHERE e.tenant_id = 'shop' AND e.received_at < $CUTOFF AND e.dedup_until <= $CUTOFF AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.event_row_id = e.id AND o.state = 'pending') LIMIT 2000)"
  "subject keys purge|DELETE FROM audit_subjects AS s WHERE s.tenant_id = 'shop' AND s.received_at < $CUTOFF AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.event_row_id = s.event_row_id AND o.state IN ('pending', 'dead'))"
  "erasure: pending rows|DELETE FROM outbox WHERE tenant_id = 'shop' AND state = 'pending' AND event_row_id IN ($ERASED)"
  "erasure: dead letters|DELETE FROM outbox WHERE tenant_id = 'shop' AND state = 'dead' AND event_row_id IN ($ERASED)"
)
measure() {
  echo "== $1 (outbox $(sql -At -c "SELECT pg_size_pretty(pg_total_relation_size('outbox'))"))"
  for entry in "${statements[@]}"; do
    local plan
    plan=$(for _ in 1 2 3; do printf 'BEGIN;\nEXPLAIN (ANALYZE, COSTS OFF) %s;\nROLLBACK;\n' "${entry#*|}"; done | sql -At)
    printf '%-24s %s  %s\n' "${entry%%|*}" "$(grep 'Execution Time' <<<"$plan" | tail -1 | sed 's/^ *//')" \
      "$(grep -o 'Seq Scan on outbox[a-z ]*\|Index[ A-Za-z]* using [a-z_]* on outbox' <<<"$plan" | sort -u | paste -sd ';')"
  done
}
sql -c "DROP INDEX IF EXISTS outbox_open_event_row"
measure "without the index"
start=$(date +%s%N)
sql -c "CREATE INDEX outbox_open_event_row ON outbox (event_row_id) WHERE state IN ('pending', 'dead')"
echo "index built in $(( ($(date +%s%N) - start) / 1000000 )) ms, $(sql -At -c "SELECT pg_size_pretty(pg_relation_size('outbox_open_event_row'))")"
measure "with the index"
