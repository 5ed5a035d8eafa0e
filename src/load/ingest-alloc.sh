#!/usr/bin/env bash
# Bytes the gateway allocates per accepted event under load: the figure to compare two builds'
# garbage with, independent of how fast the machine is that day.
#
#   src/load/ingest-alloc.sh                  # batches of 100, 10 s warm-up, 20 s measured
#   BATCH=1 src/load/ingest-alloc.sh          # single events
#   IDS=uuid src/load/ingest-alloc.sh         # random event ids (src/load/events.lua)
#   NO_BUILD=1 CONNECTIONS=8 src/load/ingest-alloc.sh
#
# Sluice runs on conf/jvm.options with -Xlog:gc over SQLite in a fresh temporary directory with
# src/load/ingest-load.yaml (two destinations, delivery off). After the warm-up, allocation is the
# sum over young and full collections of (heap before this collection - heap after the previous
# one), divided by the events the metrics counted as accepted in the same interval. Needs wrk.
set -euo pipefail
cd "$(dirname "$0")/../.."
BATCH=${BATCH:-100}
WARMUP=${WARMUP:-10}
DURATION=${DURATION:-20}
CONNECTIONS=${CONNECTIONS:-8}
PORT=${PORT:-18090}
. src/load/gateway.sh
start_gateway "$PORT" src/load/ingest-load.yaml -Xlog:gc:file="$DATA/gc.log"

load warm "$WARMUP" >/dev/null
before=$(accepted)
skip=$(wc -l <"$DATA/gc.log")
load run "$DURATION" >/dev/null
events=$(( $(accepted) - before ))
# Lines like "[12.3s][info][gc] GC(41) Pause Young (Allocation Failure) 40M->12M(61M) 3.1ms";
# the last collection of the warm-up gives the first "heap after".
awk -v skip="$skip" -v events="$events" '
  NR >= skip && match($0, /Pause (Young|Full).* [0-9]+M->[0-9]+M/) {
    split(substr($0, RSTART, RLENGTH), parts, " "); split(parts[length(parts)], mb, /M->|M/)
    if (seen) allocated += mb[1] - after
    after = mb[2]; seen = 1; n++
  }
  END { printf "accepted=%d collections=%d allocated_mib=%d bytes_per_event=%d\n", events, n, allocated, allocated * 1048576 / (events > 0 ? events : 1) }
' "$DATA/gc.log"
