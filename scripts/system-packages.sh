#!/usr/bin/env bash
# Installs the Debian packages Växel's telephony and its tests use, when missing:
# sip-tester (SIPp), baresip (robot phone), espeak-ng + sox (prompt generation and upload
# conversion), chromium (browser tests, driven by Playwright), slapd + ldap-utils (a real
# LDAP server for the directory-sync tests; its own service is never started here), coturn
# (a real TURN relay for the browser phone's test; its service is never started either), npm
# when there is none (the browser tests' axe-core). Idempotent; needs root or sudo. Without
# apt it warns and carries on, so the Python-only parts still set up.
#
# On a fresh machine unattended-upgrades or another apt often holds the package locks for a
# while; apt-get would then fail at once (issue 9 §11). So each apt-get first waits, for at
# most VAXEL_APT_LOCK_WAIT_S seconds (default 300), until no process holds a lock, and apt
# itself is told to wait the same time for dpkg's lock should another apt start in between.
# VAXEL_APT_LOCKS (space-separated paths) replaces the watched locks, for the tests.
set -euo pipefail
PACKAGES=(sip-tester baresip espeak-ng sox libsox-fmt-mp3 chromium slapd ldap-utils coturn)
APT_LOCKS=(/var/lib/dpkg/lock-frontend /var/lib/dpkg/lock /var/lib/apt/lists/lock /var/cache/apt/archives/lock)

# True while some process holds a lock on the file $1. apt and dpkg take fcntl locks, which
# flock(1) cannot see, so this reads the kernel's table of all locks (/proc/locks: fcntl and
# flock alike) for the file's device and inode; it needs no root.
lock_held() {
  [ -e "$1" ] && [ -r /proc/locks ] || return 1
  local device inode major minor
  read -r device inode < <(stat -L -c '%D %i' "$1") || return 1
  device=$((16#$device))
  major=$(((device >> 8) & 0xfff))
  minor=$(((device & 0xff) | ((device >> 12) & 0xfff00)))
  grep -qE "^[0-9]+: (-> )?[A-Z]+ .* $(printf '%02x:%02x' "$major" "$minor"):$inode " /proc/locks
}

# Waits until no watched apt/dpkg lock is held; gives up after VAXEL_APT_LOCK_WAIT_S seconds
# with a message naming the lock (exit status 1), so a stuck apt does not hang set-up forever.
wait_for_apt_locks() {
  local limit=${VAXEL_APT_LOCK_WAIT_S:-300} locks lock said=""
  read -r -a locks <<<"${VAXEL_APT_LOCKS:-${APT_LOCKS[*]}}"
  local deadline=$((SECONDS + limit))
  for lock in "${locks[@]}"; do
    while lock_held "$lock"; do
      if [ "$SECONDS" -ge "$deadline" ]; then
        echo "error: $lock is still held by another apt or dpkg after ${limit} s;" \
          "let it finish (or stop it) and run this again" >&2
        return 1
      fi
      if [ -z "$said" ]; then
        echo "Waiting for another apt or dpkg to finish ($lock is held; at most ${limit} s)…" >&2
        said=1
      fi
      sleep 1
    done
  done
}

main() {
  local missing=() package
  for package in "${PACKAGES[@]}"; do
    dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
  done
  # npm installs the browser tests' axe-core (setup.sh --test); any npm will do, so Debian's
  # only when none is on the PATH (a NodeSource nodejs brings its own and conflicts).
  command -v npm >/dev/null 2>&1 || missing+=(npm)
  [ ${#missing[@]} -eq 0 ] && return 0
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "warning: apt-get not found; install ${missing[*]} yourself for telephony and its tests" >&2
    return 0
  fi
  local sudo=""
  if [ "$(id -u)" != "0" ]; then
    if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
      echo "warning: not root and no sudo; install ${missing[*]} yourself" >&2
      return 0
    fi
  fi
  local apt=(apt-get -o "DPkg::Lock::Timeout=${VAXEL_APT_LOCK_WAIT_S:-300}")
  echo "Installing system packages: ${missing[*]}"
  wait_for_apt_locks
  $sudo "${apt[@]}" update -qq
  wait_for_apt_locks
  DEBIAN_FRONTEND=noninteractive $sudo "${apt[@]}" install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
}

# Sourced (by the tests) it only defines the functions.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then main "$@"; fi
