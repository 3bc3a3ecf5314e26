#!/usr/bin/env bash
# Installs code-server (VS Code in the browser) into .vscode-test/code-server for the end-to-end tests.
# VS Code itself cannot be downloaded on machines with only npm and Debian reachable; code-server comes
# from npm. 4.100.3 (VS Code 1.100.3) is the newest that runs on Node 20. Steps follow
# ../shared/recipes/README.md §2. Idempotent: a marker file records a finished install.
#   scripts/install-code-server.sh            (prints the entry.js path on its last line)
set -euo pipefail
VERSION=4.100.3
cd "$(dirname "$0")/.."
D=$PWD/.vscode-test/code-server
MARKER=$D/.installed-$VERSION
ENTRY=$D/node_modules/code-server/out/node/entry.js
export CI=${CI:-true} npm_config_yes=true npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false
# node-gyp would otherwise download Node's headers from nodejs.org, which is not reachable here.
[[ -z ${npm_config_nodedir:-} && -f /usr/include/node/node.h ]] && export npm_config_nodedir=/usr

if [[ -f $MARKER && -f $ENTRY ]]; then echo "$ENTRY"; exit 0; fi
# One installer at a time (test runs may start together); the winner's install is then reused.
mkdir -p "$(dirname "$D")"
exec 9>"$D.lock"
flock 9
if [[ -f $MARKER && -f $ENTRY ]]; then echo "$ENTRY"; exit 0; fi

# Build tools and headers for the native modules, ripgrep for search, Chromium to drive it.
need=()
for p in chromium ripgrep libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev pkg-config build-essential python3; do
  dpkg -s "$p" >/dev/null 2>&1 || need+=("$p")
done
if ((${#need[@]})); then
  [[ $(id -u) -eq 0 ]] || { echo "missing Debian packages: ${need[*]} (run as root or apt-get install them)" >&2; exit 1; }
  apt-get update -qq </dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o DPkg::Lock::Timeout=300 "${need[@]}" </dev/null >/dev/null
fi

rm -rf "$D"; mkdir -p "$D"; cd "$D"
npm init -y >/dev/null
# Its postinstall refuses root and downloads ripgrep from GitHub: skip it and do its work below.
npm install --ignore-scripts --no-save "code-server@$VERSION" </dev/null
npm rebuild argon2 </dev/null
cd node_modules/code-server/lib/vscode
npm install --omit=dev --ignore-scripts </dev/null
npm rebuild kerberos @parcel/watcher </dev/null
# node-pty builds its addon, then an extra step fails harmlessly; the terminal is not used by the tests.
npm rebuild node-pty </dev/null || true
for m in node_modules/@vscode/spdlog node_modules/@vscode/deviceid node_modules/native-watchdog; do
  (cd "$m" && npx --yes node-gyp rebuild </dev/null)
done
mkdir -p node_modules/@vscode/ripgrep/bin && cp /usr/bin/rg node_modules/@vscode/ripgrep/bin/rg
# The server looks for node_modules.asar (the packaged layout); a link to the unpacked tree works.
ln -sfn node_modules node_modules.asar
(cd extensions && npm install --omit=dev --ignore-scripts </dev/null)

[[ -f $ENTRY ]] || { echo "code-server install incomplete: $ENTRY missing" >&2; exit 1; }
touch "$MARKER"
echo "$ENTRY"
