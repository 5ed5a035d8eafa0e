#!/usr/bin/env bash
# How fast one destination drains when the platform takes one event per request (as GA4 does):
# the demo configuration's webhook with max-batch-size 1, a stand-in platform that answers each
# request after 50 ms, and DISPATCHERS dispatchers for the destination. Posts 1,000 events, then
# prints the seconds until the destination's backlog is empty.
#
#   DISPATCHERS=1 src/load/dispatchers-load.sh
#   NO_BUILD=1 DISPATCHERS=8 src/load/dispatchers-load.sh
#
# Needs python3 (the stand-in platform and the client). Linux or macOS.
set -euo pipefail
cd "$(dirname "$0")/../.."
DISPATCHERS=${DISPATCHERS:-1}
PORT=${PORT:-18095}
PLATFORM_PORT=${PLATFORM_PORT:-19099}
if [ -d /usr/lib/jvm/temurin-25-jdk-amd64 ]; then export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64; fi
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
[ -n "${NO_BUILD:-}" ] || ./mvnw -q -B -DskipTests package

DATA=$(mktemp -d)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$DATA"; }
trap cleanup EXIT
python3 - "$PLATFORM_PORT" <<'PY' &
import http.server, sys, time
class Platform(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        time.sleep(0.05)
        self.send_response(200); self.send_header("Content-Length", "2"); self.end_headers(); self.wfile.write(b"{}")
    def log_message(self, *args):
        pass
http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Platform).serve_forever()
PY
PIDS+=($!)
SLUICE_DATA_dash_DIR="$DATA/sluice" SERVER_PORT=$PORT \
SLUICE_TENANTS_0_DESTINATIONS_0_SETTINGS_URL="http://127.0.0.1:$PLATFORM_PORT/" \
SLUICE_TENANTS_0_DESTINATIONS_0_SETTINGS_MAX_dash_BATCH_dash_SIZE=1 \
SLUICE_TENANTS_0_DESTINATIONS_0_SETTINGS_DISPATCHERS="$DISPATCHERS" \
SLUICE_TENANTS_0_DESTINATIONS_0_SETTINGS_RATE_dash_LIMIT_dash_PER_dash_SECOND=1000 \
  "$JAVA" @conf/jvm.options -jar target/sluice.jar >"$DATA/sluice.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 1 600); do
  curl -sf "http://127.0.0.1:$PORT/health/ready" >/dev/null && break
  sleep 0.05
done
python3 - "$PORT" "$DISPATCHERS" <<'PY'
import json, sys, time, urllib.request
port, dispatchers = sys.argv[1], sys.argv[2]
def call(path, key, body=None):
    headers = {"Authorization": "Bearer " + key, "Content-Type": "application/json"}
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", body, headers)
    return json.loads(urllib.request.urlopen(request).read())
def event(i):
    return {"event_id": f"d-{i}", "event_name": "Purchase", "event_time": int(time.time()) - 60,
            "action_source": "website", "event_source_url": "https://shop.example/c",
            "user": {"email": f"shopper{i}@example.com", "country": "US"}, "custom": {"value": "1.00", "currency": "EUR"}}
for b in range(10):
    call("/v1/events", "slk_demo_local_only", json.dumps({"events": [event(b * 100 + i) for i in range(100)]}).encode())
started = time.time()
while True:
    backlog = call("/v1/admin/destinations", "slk_demo_admin_local_only")["destinations"][0]["backlog"]
    if backlog == 0 or time.time() - started > 300:
        break
    time.sleep(0.1)
seconds = time.time() - started
print(f"RESULT dispatchers={dispatchers} events=1000 seconds={seconds:.1f} events_per_s={1000 / seconds:.0f} backlog={backlog}")
PY
