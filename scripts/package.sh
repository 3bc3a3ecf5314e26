#!/usr/bin/env bash
# `npm run package`: a minified build and the .vsix (crucible-<version>.vsix in the repository root),
# with @vscode/vsce offline: the bundles hold every dependency, so --no-dependencies.
set -euo pipefail
cd "$(dirname "$0")/.."
node esbuild.mjs --minify >/dev/null 2>&1
version=$(node -p "require('./package.json').version")
out=${1:-crucible-$version.vsix}
# Relative links (the README's screenshot) stay relative: VS Code shows them from the installed extension.
# Publishing to the Marketplace needs absolute ones: add "repository" to package.json, or --baseImagesUrl.
npx --no-install vsce package --no-dependencies --allow-missing-repository --no-rewrite-relative-links --out "$out" >&2
echo "$out"
