#!/usr/bin/env bash
# Machine setup for the tests (called by scripts/test.sh; idempotent, so a second run takes seconds):
# Debian packages, a Docker engine, the local sandbox images, code-server for the end-to-end tests.
# Quiet on success (one line per step, details in test-results/setup.log), loud on failure.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p test-results
LOG=$PWD/test-results/setup.log
: >"$LOG"
export DEBIAN_FRONTEND=noninteractive CI=${CI:-true}

# step NAME COMMAND...: runs COMMAND with its output in the log; prints NAME and the time taken.
# (Inside `if`, set -e is off: the functions below return on failure explicitly.)
step() {
  local name=$1; shift
  local t0=$SECONDS
  echo "== $name" >>"$LOG"
  if "$@" </dev/null >>"$LOG" 2>&1; then
    printf 'setup: %-28s %3ds\n' "$name" $((SECONDS - t0))
  else
    local rc=$?
    printf 'setup: %-28s FAILED (exit %d) — last lines of %s:\n' "$name" "$rc" "$LOG" >&2
    tail -40 "$LOG" >&2
    exit "$rc"
  fi
}

# Docker and bubblewrap (sandboxes), python3.11 (the local image is built from it), Chromium + ripgrep
# (the browser and search for code-server), and what code-server's native modules build with.
# openssh-server, openssl and podman: the remote-engine tests (an engine over SSH, a TLS dockerd with
# certificates made in the test, Podman's Docker API); their services are not started here (the
# tests start their own on loopback).
PACKAGES=(docker.io bubblewrap python3.11 chromium ripgrep openssh-server openssl podman
  build-essential python3 pkg-config libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev)

apt_packages() {
  local missing=() p
  for p in "${PACKAGES[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  ((${#missing[@]})) || { echo "all installed"; return 0; }
  [[ $(id -u) -eq 0 ]] || { echo "missing Debian packages: ${missing[*]}; install them (as root): apt-get install ${missing[*]}"; return 1; }
  echo "installing: ${missing[*]}"
  apt-get update -qq || return
  # No service starts on install (openssh-server would otherwise listen on port 22): the tests start
  # their own daemons. Docker images ship this policy already; elsewhere it is added for the install.
  local policy=/usr/sbin/policy-rc.d added='' rc=0
  [[ -e $policy ]] || { printf '#!/bin/sh\nexit 101\n' >"$policy"; chmod +x "$policy"; added=1; }
  apt-get install -y -qq -o DPkg::Lock::Timeout=300 "${missing[@]}" || rc=$?
  [[ -z $added ]] || rm -f "$policy"
  return "$rc"
}

docker_engine() {
  DOCKER_HOST=$(bash scripts/docker-engine.sh start | tail -1) || return; export DOCKER_HOST
  echo "DOCKER_HOST=$DOCKER_HOST"
}

step "Debian packages" apt_packages
step "Docker engine" docker_engine
step "sandbox images" bash scripts/build-images.sh all
step "code-server" bash scripts/install-code-server.sh
