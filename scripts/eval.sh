#!/usr/bin/env bash
# The main job on sensible defaults, on a fresh machine: install, build, make sure a Docker engine
# and a Python sandbox image exist, then evaluate HumanEval with the `reference` model (which checks
# the whole pipeline; pass any `crucible eval` options to change model, suite, n, k …):
#   bash scripts/eval.sh                                  # reference on all 164 HumanEval problems
#   bash scripts/eval.sh --model openai:gpt-4o-mini --n 5 --k 1,5
set -euo pipefail
cd "$(dirname "$0")/.."
[[ -d node_modules ]] || npm ci --no-audit --no-fund >/dev/null
if [[ ! -f dist/cli.js || -n "$(find src -newer dist/cli.js -name '*.ts' -print -quit)" ]]; then
  out=$(npm run --silent build 2>&1) || { echo "$out" >&2; exit 1; }
fi
export DOCKER_HOST=${DOCKER_HOST:-$(bash scripts/docker-engine.sh start | tail -1)}
# Prefer the stock image; where no registry answers, build one from the host's Python.
if ! docker image inspect crucible-python:local >/dev/null 2>&1 && ! docker image inspect python:3.12-slim >/dev/null 2>&1; then
  timeout 60 docker pull -q python:3.12-slim >/dev/null 2>&1 || bash scripts/build-images.sh python >/dev/null
fi
# The datasets beside this checkout, if there (else HumanEval is downloaded once and checksummed).
if [[ -z "${CRUCIBLE_DATA_DIR:-}" && -d ../shared/datasets ]]; then export CRUCIBLE_DATA_DIR=$(cd ../shared/datasets && pwd); fi
has_model=0; for a in "$@"; do [[ $a == --model || $a == --samples || $a == --model=* || $a == --samples=* ]] && has_model=1; done
args=(eval --suite humaneval); [[ $has_model == 1 ]] || args+=(--model reference)
exec node dist/cli.js "${args[@]}" "$@"
