#!/bin/bash
# Kubernetes exec probe for a Sluice that listens on loopback only (the sidecar): the kubelet's
# httpGet probes connect to the pod IP, which a 127.0.0.1 listener does not answer. Plain bash
# (/dev/tcp), no curl in the image.
#   probe /health/live | /health/ready     exit 0 on HTTP 200, 1 otherwise
set -u
path=${1:-/health/live}
port=${SERVER_PORT:-8080}
exec 3<>"/dev/tcp/127.0.0.1/$port" || exit 1
printf 'GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n' "$path" >&3
IFS= read -r -t 2 status <&3 || { echo "no answer from 127.0.0.1:$port$path"; exit 1; }
case "$status" in
  "HTTP/1.1 200"*) exit 0 ;;
  *) echo "127.0.0.1:$port$path: ${status%$'\r'}"; exit 1 ;;
esac
