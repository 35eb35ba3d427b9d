#!/usr/bin/env bash
# What `make bench` needs beyond scripts/install-deps.sh: iptables (the
# MASQUERADE namespace-router baseline of the end-to-end benchmark) and
# matplotlib (the plots in bench/results/). Debian packages only; idempotent.
set -euo pipefail
here="$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")"
exec "$here/install-deps.sh" iptables python3-matplotlib
