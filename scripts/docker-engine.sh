#!/usr/bin/env bash
# Ensures a Docker engine is reachable for Crucible. Uses $DOCKER_HOST / the default socket when an
# engine answers there; otherwise installs Debian's docker.io (if missing) and starts a private dockerd
# on /tmp/crucible-docker.sock. Prints the DOCKER_HOST to use on its last line.
#   scripts/docker-engine.sh start | stop | status
set -euo pipefail
SOCK=${CRUCIBLE_DOCKER_SOCK:-/tmp/crucible-docker.sock}
PIDFILE=${SOCK%.sock}.pid
ROOT=${SOCK%.sock}
cmd=${1:-start}

answers() { DOCKER_HOST="$1" timeout 5 docker version --format '{{.Server.Version}}' >/dev/null 2>&1; }

case "$cmd" in
  status)
    answers "unix://$SOCK" && { echo "unix://$SOCK"; exit 0; }
    exit 1 ;;
  stop)
    if [[ -f $PIDFILE ]]; then
      pid=$(cat "$PIDFILE"); kill "$pid" 2>/dev/null || true
      for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
      rm -f "$PIDFILE"
    fi
    exit 0 ;;
  start) ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac

if answers "unix://$SOCK"; then echo "unix://$SOCK"; exit 0; fi
if [[ -z "${CRUCIBLE_PRIVATE_DOCKER:-}" ]] && command -v docker >/dev/null && answers "${DOCKER_HOST:-unix:///var/run/docker.sock}"; then
  echo "${DOCKER_HOST:-unix:///var/run/docker.sock}"; exit 0
fi
if ! command -v dockerd >/dev/null; then
  if [[ $(id -u) -ne 0 ]]; then echo "no Docker engine found and not root: install Docker (https://docs.docker.com/engine/install/) or use --sandbox local" >&2; exit 1; fi
  echo "installing Debian's docker.io …" >&2
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io >/dev/null
fi
mkdir -p "$ROOT" "$ROOT-exec"
dockerd --host "unix://$SOCK" --data-root "$ROOT" --exec-root "$ROOT-exec" \
  --pidfile "$PIDFILE" >"$ROOT-dockerd.log" 2>&1 &
for _ in $(seq 100); do
  answers "unix://$SOCK" && { echo "unix://$SOCK"; exit 0; }
  sleep 0.2
done
echo "dockerd did not start; see $ROOT-dockerd.log" >&2
tail -20 "$ROOT-dockerd.log" >&2 || true
exit 1
