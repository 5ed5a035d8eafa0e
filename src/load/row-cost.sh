#!/usr/bin/env bash
# What the single writer pays per accepted event for each kind of row it writes (docs/benchmarks.md,
# session 14). Measurement only: the switches live in src/load/row-cost.patch, applied to a
# temporary copy of the committed tree (HEAD; uncommitted changes are not in it), never to the
# build that ships. The patch also adds a throwaway migration for the prototype variants, so every
# variant's events table carries nine more columns, left NULL, and two partial indexes that stay
# empty unless those columns are written; compare variants of one run of this script.
#
#   src/load/row-cost.sh                          # every variant below, batches of 100
#   BATCH=1 src/load/row-cost.sh                  # single events
#   VARIANTS="all events-only all events-only" src/load/row-cost.sh   # alternate two of them
#   WRITER=1 src/load/row-cost.sh                 # the writer alone (StoreWriteBench), no HTTP
#
# Each variant runs src/load/ingest-threads.sh on a fresh gateway (CPU per thread per accepted
# event, events per transaction); WARMUP, DURATION, IDS and CONNECTIONS pass through to it, and so
# does the environment (SLUICE_INGEST_MAX_dash_IN_dash_FLIGHT_dash_BYTES=1048576, for example, lets
# about four batches wait for the writer instead of one, so transactions grow).
# WRITER=1 runs dev.sluice.ingest.StoreWriteBench instead: the request path turns EVENTS (40000)
# load-script events into records once, then the variants write them in turn into a fresh SQLite
# database each, PER_COMMIT (100) events per transaction, for ROUNDS (5) rounds after a warm-up
# round; it prints the writer thread's CPU and wall time per event, the checkpointer's CPU and the
# database's bytes per event. Without HTTP, request threads and wrk on the same two cores, its
# figures move far less from run to run (docs/benchmarks.md, session 15). IDS=uuid passes through.
# Variants:
#   all             every row written, as shipped
#   no-outbox       no destination copies: no outbox rows and, since session 17, no delivery log
#                   rows (nothing would be delivered)
#   empty-payloads  destination copies with empty payloads (outbox rows, or delivery log rows on
#                   the destinations delivered from the log): the rows without their bytes
#   no-audit        no consent audit decision record
#   no-ledger       no ledger entry
#   no-subjects     no subject keys row
#   events-only     only the events row (dedup key), nothing derived from it
#   ledger-columns  no ledger row; instead the ledger entry's columns (stand-in values of the same
#                   shape) and its two partial indexes on the events row (docs/storage-log.md, step 1)
#   ledger-columns-no-day  the same without the index on the ledger's day
#   envelope        no destination copies; instead one 1,750-byte blob on the events row (the size
#                   of session 10's envelope for the load event): step 4's write side as planned
#                   (the delivery log built in session 17 keeps each destination's copy)
#   one-row         no derived rows at all; instead one 3,150-byte blob on the events row (the
#                   envelope, the decision record with its chain columns, the subject keys and the
#                   ledger entry, at today's sizes) and none of their indexes: every step done, an
#                   optimistic bound (the ledger's order index, for one, would stay)
#   audit-per-commit     a transaction's decision records of one tenant in one row of a throwaway
#                   table keyed (tenant, first seq), each record's stored columns but the tenant,
#                   kind and previous hash one after the other in a blob: the record's bytes and
#                   chain as shipped, one row and one key entry per commit instead of per event
#                   (docs/storage-log.md, session 37). Reads are not built; measurement only
#   subjects-per-commit  a transaction's subject keys in one audit_subjects row (each event's row
#                   id and keys one after the other)
#   per-commit      both of the above
#   copies-file     the delivery log rows' copies written outside the database: each transaction
#                   appends its events' encoded copies to a plain file and syncs it (fdatasync)
#                   before it commits, the rows keep their key ids with empty payloads (session 42:
#                   no faster than as shipped). Reads, erasure and retention of such a file are not
#                   built; measurement only
# Needs wrk, patch, and the network or a filled ~/.m2 for the build (about a minute).
set -euo pipefail
cd "$(dirname "$0")/../.."
REPO=$(pwd)
if [ -d /usr/lib/jvm/temurin-25-jdk-amd64 ]; then export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64; fi
if [ -n "${WRITER:-}" ]; then
  VARIANTS=${VARIANTS:-all no-outbox empty-payloads no-audit no-ledger no-subjects events-only ledger-columns envelope one-row}
else
  VARIANTS=${VARIANTS:-all no-outbox empty-payloads no-audit no-ledger no-subjects events-only ledger-columns ledger-columns-no-day envelope one-row}
fi
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

git archive HEAD | tar -x -C "$WORK"
cd "$WORK"
patch -s -p1 <"$REPO/src/load/row-cost.patch"
./mvnw -q -B -Pbench -DskipTests package

# A variant's switches, as key=value pairs (the patch reads them on every transaction).
switches() {
  case "$1" in
    all) echo "" ;;
    no-outbox) echo "rowcost.skip-outbox=true" ;;
    empty-payloads) echo "rowcost.empty-payloads=true" ;;
    no-audit) echo "rowcost.skip-kinds=DecisionsKind" ;;
    no-ledger) echo "rowcost.skip-kinds=LedgerWriter" ;;
    no-subjects) echo "rowcost.skip-kinds=SubjectsKind" ;;
    events-only) echo "rowcost.skip-outbox=true rowcost.skip-kinds=DecisionsKind:SubjectsKind:LedgerWriter" ;;
    ledger-columns) echo "rowcost.skip-kinds=LedgerWriter rowcost.ledger-columns=true" ;;
    ledger-columns-no-day) echo "rowcost.skip-kinds=LedgerWriter rowcost.ledger-columns=true rowcost.drop-day-index=true" ;;
    envelope) echo "rowcost.skip-outbox=true rowcost.envelope-bytes=1750" ;;
    one-row) echo "rowcost.skip-outbox=true rowcost.skip-kinds=DecisionsKind:SubjectsKind:LedgerWriter rowcost.envelope-bytes=3150" ;;
    audit-per-commit) echo "rowcost.audit-per-commit=true" ;;
    subjects-per-commit) echo "rowcost.subjects-per-commit=true" ;;
    per-commit) echo "rowcost.audit-per-commit=true rowcost.subjects-per-commit=true" ;;
    copies-file) echo "rowcost.copies-file=$WORK/copies.bin" ;;
    *) echo "unknown variant: $1" >&2; return 1 ;;
  esac
}
if [ -n "${WRITER:-}" ]; then
  args=()
  for variant in $VARIANTS; do
    case "$variant" in ledger-columns-no-day) echo "ledger-columns-no-day drops an index for good: not in WRITER=1 mode" >&2; exit 2 ;; esac
    items=$(switches "$variant")
    args+=("$variant=${items// /,}")
  done
  "${JAVA_HOME:+$JAVA_HOME/bin/}java" -Xmx3g -cp "target/classes:target/libs/*" dev.sluice.ingest.StoreWriteBench \
    --events "${EVENTS:-40000}" --per-commit "${PER_COMMIT:-100}" --rounds "${ROUNDS:-5}" --ids "${IDS:-sequential}" \
    "${args[@]}" 2>/dev/null
  exit 0
fi
for variant in $VARIANTS; do
  extra=""
  for item in $(switches "$variant"); do extra="$extra -D$item"; done
  echo "== $variant"
  rm -f "$WORK/copies.bin"
  NO_BUILD=1 EXTRA_JVM="${extra# }" src/load/ingest-threads.sh | sed -n 1,7p
done
