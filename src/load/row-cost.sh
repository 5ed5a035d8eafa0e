#!/usr/bin/env bash
# What the single writer pays per accepted event for each kind of row it writes, and whether
# larger transactions make it cheaper (docs/benchmarks.md, session 14). Measurement only: the
# switches live in src/load/row-cost.patch, applied to a temporary copy of the committed tree
# (HEAD; uncommitted changes are not in it), never to the build that ships.
#
#   src/load/row-cost.sh                          # every variant below, batches of 100
#   BATCH=1 src/load/row-cost.sh                  # single events
#   VARIANTS="all events-only all events-only" src/load/row-cost.sh   # alternate two of them
#
# Each variant runs src/load/ingest-threads.sh on a fresh gateway (CPU per thread per accepted
# event); WARMUP, DURATION, IDS and CONNECTIONS pass through to it. Variants:
#   all             every row written, as shipped
#   no-outbox       no outbox rows (nothing would be delivered)
#   empty-payloads  outbox rows with empty payloads: the rows without their bytes
#   no-audit        no consent audit decision record
#   no-ledger       no ledger entry
#   no-subjects     no subject keys row
#   events-only     only the events row (dedup key), nothing derived from it
#   gather          everything, but the writer waits up to 30 ms (or for 1,000 queued events)
#                   before each transaction, so that transactions hold more events
# Needs wrk and the network or a filled ~/.m2 for the build (about a minute).
set -euo pipefail
cd "$(dirname "$0")/../.."
REPO=$(pwd)
VARIANTS=${VARIANTS:-all no-outbox empty-payloads no-audit no-ledger no-subjects events-only gather}
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
    gather) echo "-Drowcost.gather-micros=30000 -Drowcost.gather-events=1000" ;;
    *) echo "unknown variant: $1" >&2; return 1 ;;
  esac
}
for variant in $VARIANTS; do
  extra=$(flags "$variant")
  echo "== $variant"
  NO_BUILD=1 EXTRA_JVM="$extra" src/load/ingest-threads.sh | sed -n 1,7p
done
