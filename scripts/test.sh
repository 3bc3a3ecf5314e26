#!/usr/bin/env bash
# The test command (README, `npm test`, .ci/run): sets up what the tests need (idempotent), builds,
# and runs unit, integration (real Docker) and end-to-end (real VS Code in Chromium) tests.
set -euo pipefail
cd "$(dirname "$0")/.."
[[ -d node_modules ]] || npm ci --no-audit --no-fund
bash scripts/setup.sh
export DOCKER_HOST=${DOCKER_HOST:-$(bash scripts/docker-engine.sh start | tail -1)}
export CRUCIBLE_DATA_DIR=${CRUCIBLE_DATA_DIR:-$(cd .. && pwd)/shared/datasets}
npm run --silent build >/dev/null
shopt -s globstar nullglob
files=(src/**/*.test.ts test/unit/**/*.test.ts test/integration/**/*.test.ts test/e2e/**/*.test.ts)
mkdir -p test-results
exec node --import tsx --test --test-concurrency=1 "${files[@]}"
