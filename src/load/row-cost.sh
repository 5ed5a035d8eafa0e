#!/usr/bin/env bash
# What the single writer pays per accepted event for each kind of row it writes (docs/benchmarks.md,
# session 14). Measurement only: the switches live in src/load/row-cost.patch, applied to a
# temporary copy of the committed tree (HEAD; uncommitted changes are not in it), never to the
# build that ships. The patch also adds a throwaway migration for the ledger-columns variants, so
# every variant's events table carries eight more columns, left NULL, and two partial indexes that
# stay empty unless those columns are written; compare variants of one run of this script.
#
#   src/load/row-cost.sh                          # every variant below, batches of 100
#   BATCH=1 src/load/row-cost.sh                  # single events
#   VARIANTS="all events-only all events-only" src/load/row-cost.sh   # alternate two of them
#
# Each variant runs src/load/ingest-threads.sh on a fresh gateway (CPU per thread per accepted
# event, events per transaction); WARMUP, DURATION, IDS and CONNECTIONS pass through to it, and so
# does the environment (SLUICE_INGEST_MAX_dash_IN_dash_FLIGHT_dash_BYTES=1048576, for example, lets
# about four batches wait for the writer instead of one, so transactions grow). Variants:
#   all             every row written, as shipped
#   no-outbox       no outbox rows (nothing would be delivered)
#   empty-payloads  outbox rows with empty payloads: the rows without their bytes
#   no-audit        no consent audit decision record
#   no-ledger       no ledger entry
#   no-subjects     no subject keys row
#   events-only     only the events row (dedup key), nothing derived from it
#   ledger-columns  no ledger row; instead the ledger entry's columns (stand-in values of the same
#                   shape) and its two partial indexes on the events row (docs/storage-log.md, step 1)
#   ledger-columns-no-day  the same without the index on the ledger's day
# Needs wrk, patch, and the network or a filled ~/.m2 for the build (about a minute).
set -euo pipefail
cd "$(dirname "$0")/../.."
REPO=$(pwd)
VARIANTS=${VARIANTS:-all no-outbox empty-payloads no-audit no-ledger no-subjects events-only ledger-columns ledger-columns-no-day}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

git archive HEAD | tar -x -C "$WORK"
cd "$WORK"
patch -s -p1 <"$REPO/src/load/row-cost.patch"
./mvnw -q -B -Pbench -DskipTests package

flags() {
  case "$1" in
    all) echo "" ;;
    no-outbox) echo "-Drowcost.skip-outbox=true" ;;
    empty-payloads) echo "-Drowcost.empty-payloads=true" ;;
    no-audit) echo "-Drowcost.skip-kinds=DecisionsKind" ;;
    no-ledger) echo "-Drowcost.skip-kinds=LedgerWriter" ;;
    no-subjects) echo "-Drowcost.skip-kinds=SubjectsKind" ;;
    events-only) echo "-Drowcost.skip-outbox=true -Drowcost.skip-kinds=DecisionsKind,SubjectsKind,LedgerWriter" ;;
    ledger-columns) echo "-Drowcost.skip-kinds=LedgerWriter -Drowcost.ledger-columns=true" ;;
    ledger-columns-no-day) echo "-Drowcost.skip-kinds=LedgerWriter -Drowcost.ledger-columns=true -Drowcost.drop-day-index=true" ;;
    *) echo "unknown variant: $1" >&2; return 1 ;;
  esac
}
for variant in $VARIANTS; do
  extra=$(flags "$variant")
  echo "== $variant"
  NO_BUILD=1 EXTRA_JVM="$extra" src/load/ingest-threads.sh | sed -n 1,7p
done
