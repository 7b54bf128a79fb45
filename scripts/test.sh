#!/usr/bin/env bash
# Second README command: set up and run lint, types, layering and the whole test suite.
# PostgreSQL: when VAXEL_TEST_DATABASE_URL is unset and a server answers on 127.0.0.1:5432
# (trust auth, database "test"), the store and runtime tests also run against it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test
export PATH="$PWD/.venv/bin:$PATH"
if [ -z "${VAXEL_TEST_DATABASE_URL:-}" ]; then
  candidate="postgresql+psycopg://postgres@127.0.0.1:5432/test"
  if python -c "import psycopg,sys; psycopg.connect('postgresql://postgres@127.0.0.1:5432/test', connect_timeout=3).close()" 2>/dev/null; then
    export VAXEL_TEST_DATABASE_URL="$candidate"
    echo "PostgreSQL found: store tests run on SQLite and on $candidate"
  else
    echo "No PostgreSQL on 127.0.0.1:5432: store tests run on SQLite only"
  fi
fi
echo "== ruff"; ruff check vaxel tests benchmarks
echo "== mypy"; mypy
echo "== import-linter"; lint-imports
echo "== pytest"; pytest "$@"
