#!/usr/bin/env bash
# First README command: set up and run the demo (SQLite, demo tenant, simulated traffic).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/vaxel demo "$@"
