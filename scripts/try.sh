#!/usr/bin/env bash
# `npm run try`: what a person who cloned the repository runs to try the extension. Builds the .vsix,
# installs it into a local code-server (VS Code in the browser; installed on first use), opens a copy of
# examples/try/ as the workspace and prints the URL. Ctrl-C stops it.
#   npm run try                # http://127.0.0.1:8080
#   PORT=9000 npm run try
# Nothing outside the checkout is used but a Docker engine and, when present, ../shared/datasets
# (or $CRUCIBLE_DATA_DIR); code-server's config stays in the printed folder, not ~/.config.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=${PORT:-8080}
[[ -d node_modules ]] || npm ci --no-audit --no-fund
entry=$(bash scripts/install-code-server.sh | tail -1)
# The sandbox: a Docker engine that answers (or a private one on /tmp/crucible-docker.sock, started here).
if [[ -z ${DOCKER_HOST:-} ]]; then
  DOCKER_HOST=$(bash scripts/docker-engine.sh start | tail -1) || { echo "try: no Docker engine; runs will fail until one answers (see README, Sandbox)" >&2; DOCKER_HOST=; }
fi
export DOCKER_HOST
bash scripts/build-images.sh >/dev/null 2>&1 || echo "try: could not build the local sandbox images; runs will pull python:3.12-slim" >&2
vsix=$(bash scripts/package.sh | tail -1)
root=$(mktemp -d /tmp/crucible-try.XXXX)
mkdir -p "$root/user/User" "$root/extensions"
cp -r examples/try "$root/workspace"
# HumanEval and the other public suites show in the Suites view when a datasets folder is at hand
# ($CRUCIBLE_DATA_DIR, or ../shared/datasets beside this checkout); without one the example is enough.
data=${CRUCIBLE_DATA_DIR:-}
[[ -z $data && -d ../shared/datasets ]] && data=$(cd ../shared/datasets && pwd)
export CRUCIBLE_DATA_DIR=$data
node -e '
const [file, data] = process.argv.slice(1);
const s = { "workbench.startupEditor": "none", "telemetry.telemetryLevel": "off", "security.workspace.trust.enabled": false };
if (data) s["crucible.dataDir"] = data;
require("fs").writeFileSync(file, JSON.stringify(s, null, 2));' "$root/user/User/settings.json" "$data"
node "$entry" --user-data-dir "$root/user" --extensions-dir "$root/extensions" --install-extension "$PWD/$vsix" >/dev/null
url="http://127.0.0.1:$PORT/?folder=$root/workspace"
echo "$url" >"$root/url"
echo
echo "Crucible ($vsix) is installed in a local VS Code (code-server). Open:"
echo
echo "    $url"
echo
echo "Then: the Crucible icon in the activity bar → Run Suite… → problems → reference (or replay:wrong_samples.jsonl, n = 2)."
echo "Open shapes.py and run Crucible: Run Open Problem. Ctrl-C stops the server; $root holds everything."
[[ -n $data ]] && echo "Suites from $data are listed too."
# exec: Ctrl-C (SIGINT) and kill (SIGTERM) reach code-server itself, which stops its extension host and the engine.
exec node "$entry" --bind-addr "127.0.0.1:$PORT" --auth none --disable-telemetry --disable-update-check \
  --config "$root/config.yaml" --user-data-dir "$root/user" --extensions-dir "$root/extensions" "$root/workspace"
