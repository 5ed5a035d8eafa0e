#!/usr/bin/env bash
# Measures Sluice's memory footprint under load, to size the Kubernetes requests and limits.
#
#   k8s/measure-footprint.sh                        # JVM flags from conf/jvm.options
#   JVM_OPTIONS=k8s/jvm.options MEM_LIMIT_MB=384 k8s/measure-footprint.sh
#                                                   # the container's flags, as if under a 384 MiB limit
#
# Runs the production configuration of k8s/base/application.yaml (no demo tenant, data key from
# a file, API key hash from the environment as in the manifests) with its destination swapped for
# a signed webhook to `sluice receive`, so delivery runs too. Ports 18099 (gateway) and 19099
# (receiver) on 127.0.0.1 only; a fresh temporary data directory; wrk for load (apt-get install
# wrk). Prints VmRSS / VmHWM (peak) from /proc after each phase.
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${DURATION:-20s}
CONNECTIONS=${CONNECTIONS:-32}
JVM_OPTIONS=${JVM_OPTIONS:-conf/jvm.options}
if [ -d /usr/lib/jvm/temurin-25-jdk-amd64 ]; then export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64; fi
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
command -v wrk >/dev/null || { echo "wrk is required: apt-get install wrk" >&2; exit 1; }
[ -f target/sluice.jar ] || ./mvnw -q -B package -DskipTests

M=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; sleep 1; rm -rf "$M"; }
trap cleanup EXIT
mkdir -p "$M/data" "$M/secrets" "$M/tmp"
head -c32 /dev/urandom | base64 >"$M/secrets/data-key"
# The production configuration requires an audit signing key off loopback and reads it here
# (a base64 Ed25519 seed); until session 39 the script wrote none and the gateway did not start.
head -c32 /dev/urandom | base64 >"$M/secrets/audit-signing-key"
KEY="slk_measure_$(head -c16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
HASH="sha256:$(printf %s "$KEY" | sha256sum | cut -d' ' -f1)"
export SLUICE_WEBHOOK_SECRET=$(head -c32 /dev/urandom | od -An -tx1 | tr -d ' \n')
sed -e "s#/var/lib/sluice#$M/data#; s#/var/run/secrets/sluice#$M/secrets#g; s#/etc/sluice/#k8s/base/#" \
    k8s/base/application.yaml | sed '/^      destinations:/,$d' >"$M/application.yaml"
cat >>"$M/application.yaml" <<YAML
      destinations:
        - id: receiver
          type: webhook
          settings:
            url: http://127.0.0.1:19099/
            secret: env:SLUICE_WEBHOOK_SECRET
YAML

"$JAVA" -jar target/sluice.jar receive --port 19099 --secret-env SLUICE_WEBHOOK_SECRET >/dev/null 2>&1 &
pids+=($!)
extra=()
if [ -n "${MEM_LIMIT_MB:-}" ]; then extra+=("-XX:MaxRAM=${MEM_LIMIT_MB}m"); fi
MALLOC_ARENA_MAX=2 SERVER_PORT=18099 SLUICE_CONFIG="$M/application.yaml" \
  SLUICE_TENANTS_0_API_dash_KEY_dash_HASHES_0="$HASH" \
  "$JAVA" @"$JVM_OPTIONS" "${extra[@]}" -Djava.io.tmpdir="$M/tmp" -jar target/sluice.jar serve >"$M/sluice.log" 2>&1 &
SLUICE_PID=$!
pids+=($SLUICE_PID)
for _ in $(seq 1 300); do
  curl -sf http://127.0.0.1:18099/health/ready >/dev/null && break
  kill -0 $SLUICE_PID 2>/dev/null || { cat "$M/sluice.log" >&2; exit 1; }
  sleep 0.1
done
mem() { awk '/VmRSS|VmHWM/ {printf "%s %.0f MiB  ", $1, $2/1024}' "/proc/$SLUICE_PID/status"; echo; }
echo "JVM options: $JVM_OPTIONS ${extra[*]}"
echo "idle after start:          $(mem)"
load() { SLUICE_KEY=$KEY BATCH=$1 wrk -t2 -c"$CONNECTIONS" -d"$DURATION" -s src/load/events.lua http://127.0.0.1:18099 | grep -E '^RESULT|Non-2xx' || true; }
load 1
echo "after single-event load:   $(mem)"
load 100
echo "after batch-of-100 load:   $(mem)"
sleep 5
echo "5 s after load:            $(mem)"
