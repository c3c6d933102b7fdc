#!/usr/bin/env bash
# Style, types and layers: ruff (lint and format), mypy on the pure core, import-linter's contracts.
# Run by `./setup.sh test` before the tests; `scripts/lint.sh --fix` fixes what ruff can.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
PATHS=(assess sdg_map tests bench scripts)
if [ "${1:-}" = "--fix" ]; then
  "$BIN/ruff" format --quiet "${PATHS[@]}"
  "$BIN/ruff" check --fix --quiet "${PATHS[@]}" || true
  "$BIN/ruff" format --quiet "${PATHS[@]}"
fi
"$BIN/ruff" check "${PATHS[@]}"
"$BIN/ruff" format --check --quiet "${PATHS[@]}"
"$BIN/mypy"
"$BIN/lint-imports" --no-cache
