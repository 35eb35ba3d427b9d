#!/usr/bin/env bash
# What `make bench` needs beyond scripts/install-deps.sh: iptables (the
# MASQUERADE namespace-router baseline of the end-to-end benchmark) and
# matplotlib (the plots in bench/results/). Debian packages only; idempotent.
set -euo pipefail
here="$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")"
"$here/install-deps.sh"

export DEBIAN_FRONTEND=noninteractive
PACKAGES=(iptables python3-matplotlib)
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  SUDO="sudo -n"
fi
missing=()
for p in "${PACKAGES[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  if [ "$status" != "install ok installed" ]; then
    missing+=("$p")
  fi
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "install-bench-deps: installing ${missing[*]}"
  $SUDO apt-get update -q </dev/null
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
    -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
    --no-install-recommends "${missing[@]}" </dev/null
else
  echo "install-bench-deps: all packages present"
fi
