#!/usr/bin/env bash
# Install what flowmasq needs to build and to run its end-to-end tests on
# Debian 12, and make sure Open vSwitch is running.  Idempotent: installs only
# missing packages (apt-get update only if something is missing); safe to run
# as root with no stdin (CI).  Arguments name more packages to install the
# same way (scripts/install-bench-deps.sh uses that).
set -euo pipefail

export DEBIAN_FRONTEND=noninteractive

PACKAGES=(
  openjdk-17-jdk-headless maven
  openvswitch-switch mininet
  iperf3 curl tcpdump ethtool socat traceroute iputils-ping
  python3-pytest
  vsftpd lftp
  iproute2 procps psmisc
  "$@"
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

# vsftpd: the FTP tests start their own servers inside Mininet hosts, with
# their own config files.  The Debian package's system service (which the
# package may enable and start on install) must not listen on the machine's
# own interfaces: stop and disable it.  Only the system instance is touched:
# /usr/sbin/vsftpd [/etc/vsftpd.conf] in the root network namespace, never a
# test's "vsftpd <its own config>" in a Mininet host.
stop_system_vsftpd() {
  [ -x /usr/sbin/vsftpd ] || return 0
  if [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then
    $SUDO systemctl disable --now vsftpd.service >/dev/null 2>&1 || true
  else
    if command -v update-rc.d >/dev/null 2>&1; then
      $SUDO update-rc.d vsftpd disable >/dev/null 2>&1 || true
    fi
    if [ -x /etc/init.d/vsftpd ]; then
      # stops the pid in /var/run/vsftpd/vsftpd.pid only
      $SUDO /etc/init.d/vsftpd stop </dev/null >/dev/null 2>&1 || true
    fi
  fi
  local root_ns pid cmd
  # init's network namespace; where /proc/1 is not readable (some
  # containers), this script's own
  root_ns=$(readlink /proc/1/ns/net 2>/dev/null ||
            readlink "/proc/$$/ns/net" 2>/dev/null || true)
  for pid in $(pgrep -x vsftpd || true); do
    cmd=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null || true)
    case "$cmd" in
      "/usr/sbin/vsftpd " | "/usr/sbin/vsftpd /etc/vsftpd.conf ") ;;
      *) continue ;;
    esac
    [ -n "$root_ns" ] || continue
    [ "$(readlink "/proc/$pid/ns/net" 2>/dev/null)" = "$root_ns" ] || continue
    echo "install-deps: stopping the system vsftpd (pid $pid)"
    $SUDO kill "$pid" 2>/dev/null || true
  done
}
stop_system_vsftpd

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
