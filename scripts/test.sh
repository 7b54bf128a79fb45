#!/usr/bin/env bash
# Second README command: set up and run lint, types, layering and the whole test suite.
# PostgreSQL: if VAXEL_TEST_DATABASE_URL is unset and a server answers on 127.0.0.1:5432,
# the store tests run a second time against it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test
export PATH="$PWD/.venv/bin:$PATH"
echo "== ruff"; ruff check vaxel tests benchmarks
echo "== mypy"; mypy
echo "== import-linter"; lint-imports
echo "== pytest"; pytest "$@"
