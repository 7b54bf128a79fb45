#!/usr/bin/env bash
# Sets up .venv with Växel installed (and its test tools with --test). Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
  echo "Växel needs Python 3.11 or newer (found $("$PYTHON" --version))" >&2
  exit 1
fi
bash scripts/system-packages.sh
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
if [ "${1:-}" = "--test" ]; then
  .venv/bin/python -m pip install -q -e '.[test]'
  # The browser tests' npm packages (package.json: axe-core checks every page for WCAG 2.1
  # AA) into node_modules/, git-ignored; nothing of them is committed or shipped.
  if command -v npm >/dev/null 2>&1; then
    npm install --no-audit --no-fund --loglevel=error
  else
    echo "warning: npm not found; the accessibility test (axe-core) will fail until it is installed" >&2
  fi
else
  .venv/bin/python -m pip install -q -e .
fi
