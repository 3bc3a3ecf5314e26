#!/usr/bin/env bash
# `npm run try`: what a person who cloned the repository runs to try the extension. Builds the .vsix,
# installs it into a local code-server (VS Code in the browser; installed on first use), opens a copy of
# examples/try/ as the workspace and prints the URL. Ctrl-C stops it.
#   npm run try                # http://127.0.0.1:8080
#   PORT=9000 npm run try
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=${PORT:-8080}
[[ -d node_modules ]] || npm ci --no-audit --no-fund
entry=$(bash scripts/install-code-server.sh | tail -1)
# The sandbox: a Docker engine that answers (or the private one the tests use).
export DOCKER_HOST=${DOCKER_HOST:-$(bash scripts/docker-engine.sh start | tail -1)}
bash scripts/build-images.sh >/dev/null 2>&1 || echo "try: could not build the local sandbox images; runs will pull python:3.12-slim" >&2
vsix=$(bash scripts/package.sh | tail -1)
root=$(mktemp -d /tmp/crucible-try.XXXX)
mkdir -p "$root/user/User" "$root/extensions"
cp -r examples/try "$root/workspace"
cat >"$root/user/User/settings.json" <<JSON
{ "workbench.startupEditor": "none", "telemetry.telemetryLevel": "off", "security.workspace.trust.enabled": false }
JSON
node "$entry" --user-data-dir "$root/user" --extensions-dir "$root/extensions" --install-extension "$PWD/$vsix" >/dev/null
echo
echo "Crucible ($vsix) is installed in a local VS Code (code-server). Open:"
echo
echo "    http://127.0.0.1:$PORT/?folder=$root/workspace"
echo
echo "Then: the Crucible icon in the activity bar → Run Suite… → problems → reference (or replay:wrong_samples.jsonl, n = 2)."
echo "Open shapes.py and run Crucible: Run Open Problem. Ctrl-C stops the server; $root holds everything."
exec node "$entry" --bind-addr "127.0.0.1:$PORT" --auth none --disable-telemetry --disable-update-check \
  --user-data-dir "$root/user" --extensions-dir "$root/extensions" "$root/workspace"
