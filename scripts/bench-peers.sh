#!/usr/bin/env bash
# Installs the two peers `python -m benchmarks.sip_rate --peers` measures Växel against
# (issue 11, Benchmarks); neither is a dependency of Växel and neither is installed by
# setup.sh or needed by any test:
#   - Kamailio from Debian (apt-get install kamailio), waiting for apt's locks as
#     system-packages.sh does;
#   - Sippy's B2BUA from PyPI (package "sippy") in a venv of its own, by default
#     ${TMPDIR:-/tmp}/vaxel-bench-sippy (or the folder given as $1).
# Prints the line to export before the benchmark:  SIPPY_B2BUA=<venv>/bin/b2bua
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=scripts/system-packages.sh
source "$here/system-packages.sh"  # wait_for_apt_locks
venv=${1:-${TMPDIR:-/tmp}/vaxel-bench-sippy}

if ! command -v kamailio >/dev/null 2>&1 && ! [ -x /usr/sbin/kamailio ]; then
  sudo=""
  [ "$(id -u)" = "0" ] || sudo="sudo"
  apt=(apt-get -o "DPkg::Lock::Timeout=${VAXEL_APT_LOCK_WAIT_S:-300}")
  wait_for_apt_locks
  $sudo "${apt[@]}" update -qq
  wait_for_apt_locks
  DEBIAN_FRONTEND=noninteractive $sudo "${apt[@]}" install -y -qq --no-install-recommends \
    kamailio >/dev/null
fi

if ! [ -x "$venv/bin/b2bua" ]; then
  python3 -m venv "$venv"
  "$venv/bin/python" -m pip install -q "sippy>=2.5,<3"
fi
echo "SIPPY_B2BUA=$venv/bin/b2bua"
