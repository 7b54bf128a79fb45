#!/usr/bin/env bash
# Refresh the English catalog of the web app (issue 4, ADM5): extract the Swedish source
# texts from vaxel/web (babel.cfg) into vaxel/web/locale/messages.pot, then merge them into
# vaxel/web/locale/en/LC_MESSAGES/messages.po. New texts arrive with an empty msgstr (or a
# fuzzy guess from a similar text); translate them and remove the fuzzy flag — the app skips
# fuzzy entries and tests/web/test_i18n.py lists every text still untranslated.
set -euo pipefail
cd "$(dirname "$0")/.."
pybabel="${PYBABEL:-.venv/bin/pybabel}"
"$pybabel" extract -F babel.cfg --add-location=file --sort-by-file --width 100 \
  --project Växel --copyright-holder "Växel contributors" \
  -o vaxel/web/locale/messages.pot vaxel/web
"$pybabel" update --ignore-obsolete --width 100 -l en -D messages \
  -i vaxel/web/locale/messages.pot -d vaxel/web/locale
