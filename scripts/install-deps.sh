#!/usr/bin/env bash
# Install what flowmasq needs to build and to run its end-to-end tests on
# Debian 12, and make sure Open vSwitch is running.  Idempotent: installs only
# missing packages (apt-get update only if something is missing); safe to run
# as root with no stdin (CI).
set -euo pipefail

export DEBIAN_FRONTEND=noninteractive

PACKAGES=(
  openjdk-17-jdk-headless maven
  openvswitch-switch mininet
  iperf3 curl tcpdump ethtool socat traceroute iputils-ping
  python3-pytest
  iproute2 procps psmisc
)

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    SUDO="sudo -n"
  else
    echo "install-deps: must run as root (or with sudo)" >&2
    exit 1
  fi
fi

missing=()
for p in "${PACKAGES[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  if [ "$status" != "install ok installed" ]; then
    missing+=("$p")
  fi
done

if [ "${#missing[@]}" -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}"
  $SUDO apt-get update -q </dev/null
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
    -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
    --no-install-recommends "${missing[@]}" </dev/null
else
  echo "install-deps: all packages present"
fi

# Open vSwitch: start it if ovsdb/vswitchd are not answering.  There may be no
# OVS kernel module: bridges then use the userspace datapath (netdev), which
# needs no module.  ovs-ctl warns about ulimits in containers; that is fine.
if ! ovs-vsctl -t 5 show >/dev/null 2>&1; then
  echo "install-deps: starting Open vSwitch"
  $SUDO /usr/share/openvswitch/scripts/ovs-ctl start </dev/null || true
  if ! ovs-vsctl -t 10 show >/dev/null 2>&1; then
    echo "install-deps: Open vSwitch did not start (ovs-vsctl show fails)" >&2
    exit 1
  fi
fi
echo "install-deps: Open vSwitch $(ovs-vsctl --version | head -1 | awk '{print $NF}') is running"
