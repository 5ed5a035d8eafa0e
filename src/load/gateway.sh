# Shared by ingest-threads.sh, ingest-alloc.sh and ingest-bytes.sh (sourced, not run): the JDK,
# wrk, the build unless NO_BUILD is set, and one Sluice on conf/jvm.options over SQLite in a fresh
# temporary directory, with delivery off and placeholders for the load configuration's secrets
# (nothing is sent). Expects the repository root as the working directory.
#
#   start_gateway PORT CONFIG [JVM flags...]   # sets PID and DATA; the gateway stops on exit
#   accepted                                   # events accepted so far (from /metrics)
#   commits                                    # store transactions committed so far (from /metrics)
#   commit_seconds                             # seconds the writer spent in transactions so far (from /metrics)
#   load NAME SECONDS                          # BATCH events per request (IDS: src/load/events.lua) over CONNECTIONS, wrk's output
# MEMORY_LIMIT=512M runs the gateway under that memory limit, as the Kubernetes manifests do
# (src/load/memory-limit.sh).
if [ -d /usr/lib/jvm/temurin-25-jdk-amd64 ]; then export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64; fi
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
command -v wrk >/dev/null || { echo "wrk is required: apt-get install wrk" >&2; exit 1; }
case "${IDS:-sequential}" in
  sequential | uuid7 | uuid | uuid-all) ;;
  *) echo "IDS must be sequential, uuid7, uuid or uuid-all (src/load/events.lua)" >&2; exit 2 ;;
esac
[ -n "${NO_BUILD:-}" ] || ./mvnw -q -B -Pbench -DskipTests package
. src/load/memory-limit.sh

DATA=$(mktemp -d)
PID=
# Waits for the gateway to exit, so that a script run right after this one finds the port free.
cleanup() {
  if [ -n "$PID" ] && kill "$PID" 2>/dev/null; then
    for _ in $(seq 1 200); do kill -0 "$PID" 2>/dev/null || break; sleep 0.05; done
  fi
  unlimit_memory
  rm -rf "$DATA"
}
trap cleanup EXIT

start_gateway() {
  local port=$1 config=$2
  shift 2
  PORT=$port
  BENCH_META_TOKEN=bench-placeholder BENCH_WEBHOOK_SECRET=bench-placeholder-secret-0123456789abcdef \
  SLUICE_DELIVERY_ENABLED=false SERVER_PORT=$port SLUICE_DATA_dash_DIR="$DATA/sluice" \
    "$JAVA" @conf/jvm.options "$@" -jar target/sluice.jar serve --config "$config" >"$DATA/sluice.log" 2>&1 &
  PID=$!
  limit_memory "$PID"
  for _ in $(seq 1 600); do
    curl -sf "http://127.0.0.1:$port/health/ready" >/dev/null && return 0
    kill -0 "$PID" 2>/dev/null || { echo "sluice did not start:" >&2; tail -5 "$DATA/sluice.log" >&2; exit 1; }
    sleep 0.05
  done
  echo "sluice was not ready after 30 s" >&2
  exit 1
}

# The sum of the /metrics samples whose line matches PATTERN (an awk regex), printed with FORMAT.
metric_sum() { curl -s "http://127.0.0.1:$PORT/metrics" | awk -v fmt="$2" "/$1/"' {s+=$NF} END {printf fmt, s}'; }
accepted() { metric_sum '^sluice_events_total\{.*outcome="accepted"' %.0f; }
commits() { metric_sum '^sluice_store_commit_events_count' %.0f; }
# Seconds the group-commit writer has spent in its transactions (the commit timer's sum).
commit_seconds() { metric_sum '^sluice_store_commit_duration_seconds_sum' %.3f; }
load() { RUN=$1$(date +%s%N) BATCH=$BATCH IDS=${IDS:-sequential} wrk -t2 -c"$CONNECTIONS" -d"$2"s -s src/load/events.lua "http://127.0.0.1:$PORT"; }
