#!/usr/bin/env bash
# Tools the benchmarks need beyond the test toolchain (make bench runs this; make test does not):
# wrk, the load generator of bench/capacity.ts, from Debian's packages when missing.
set -euo pipefail
if command -v wrk >/dev/null; then
  exit 0
fi
command -v apt-get >/dev/null || { echo "wrk is missing and there is no apt-get: install wrk (https://github.com/wg/wrk)." >&2; exit 1; }
sudo_cmd=""
[ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
echo "==> installing wrk (apt-get install -y wrk)"
$sudo_cmd apt-get update -qq
$sudo_cmd apt-get install -y -qq wrk >/dev/null
