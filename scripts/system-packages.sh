#!/usr/bin/env bash
# Installs the Debian packages Växel's telephony and its tests use, when missing:
# sip-tester (SIPp), baresip (robot phone), espeak-ng + sox (prompt generation and upload
# conversion), chromium (browser tests, driven by Playwright). Idempotent; needs root or
# sudo. Without apt it warns and carries on, so the Python-only parts still set up.
set -euo pipefail
PACKAGES=(sip-tester baresip espeak-ng sox libsox-fmt-mp3 chromium)
missing=()
for package in "${PACKAGES[@]}"; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if ! command -v apt-get >/dev/null 2>&1; then
  echo "warning: apt-get not found; install ${missing[*]} yourself for telephony and its tests" >&2
  exit 0
fi
SUDO=""
if [ "$(id -u)" != "0" ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "warning: not root and no sudo; install ${missing[*]} yourself" >&2
    exit 0
  fi
fi
echo "Installing system packages: ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
