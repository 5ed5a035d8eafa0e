#!/usr/bin/env bash
# Time from `java` to /health/ready, for one build or two builds alternately (docs/benchmarks.md,
# session 37).
#
#   src/load/startup.sh                      # this checkout's target/sluice.jar, 8 starts
#   src/load/startup.sh /tmp/base .          # two checkouts' builds, alternating, 8 starts each
#   STARTS=12 DATA=existing src/load/startup.sh /tmp/base .
#
# Each start runs `java @conf/jvm.options -jar target/sluice.jar` in its checkout (so with its own
# AOT cache, when the build trained one) on the demo configuration, polls /health/ready every 5 ms
# and prints the time to the first 200 beside Sluice's own `startup_ms` and how the store was
# created. DATA=new (default) starts every time on a new data directory, as a new pod's emptyDir
# does; DATA=existing keeps one per checkout, created by its first start (so the first start of
# each is a new one and is not printed). Build first (./mvnw -q -B package -DskipTests). Needs curl and
# GNU date (milliseconds); the port (PORT, default 18199) must be free.
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ -d /usr/lib/jvm/temurin-25-jdk-amd64 ]; then export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64; fi
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
STARTS=${STARTS:-8}
DATA=${DATA:-new}
PORT=${PORT:-18199}
if [ $# -eq 0 ]; then set -- .; fi
for dir in "$@"; do
  [ -f "$dir/target/sluice.jar" ] || { echo "no $dir/target/sluice.jar: build it first" >&2; exit 1; }
done
WORK=$(mktemp -d)
trap 'kill "$PID" 2>/dev/null || true; rm -rf "$WORK"' EXIT
PID=""

now_ms() { date +%s%3N; }

# One start of the build in $1 on data directory $2; prints ready_ms, startup_ms and the store line.
start() {
  local dir=$1 data=$2 t0 t1
  t0=$(now_ms)
  (cd "$dir" && SERVER_PORT=$PORT SLUICE_DATA_dash_DIR="$data" exec "$JAVA" @conf/jvm.options -jar target/sluice.jar \
    >"$WORK/log" 2>&1) &
  PID=$!
  until [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/health/ready" 2>/dev/null)" = 200 ]; do
    kill -0 "$PID" 2>/dev/null || { echo "the gateway in $dir did not start:" >&2; tail -5 "$WORK/log" >&2; exit 1; }
    sleep 0.005
  done
  t1=$(now_ms)
  kill "$PID"
  wait "$PID" 2>/dev/null || true
  PID=""
  printf 'ready_ms=%d %s %s\n' $((t1 - t0)) "$(grep -o 'startup_ms=[0-9]*' "$WORK/log" || echo startup_ms=?)" \
    "$(grep -o 'store created[^"]*' "$WORK/log" | sed 's/ file=[^ ]*//; s/ /_/g' || echo existing_store)"
}

n=0
for dir in "$@"; do
  n=$((n + 1))
  if [ "$DATA" = existing ]; then start "$dir" "$WORK/data-$n" >/dev/null; fi
done
for i in $(seq "$STARTS"); do
  n=0
  for dir in "$@"; do
    n=$((n + 1))
    data="$WORK/data-$n"
    if [ "$DATA" != existing ]; then rm -rf "$data"; fi
    echo "$dir start=$i $(start "$dir" "$data")"
  done
done
