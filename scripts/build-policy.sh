#!/usr/bin/env bash
# Builds the policy bundle (an ordinary OPA bundle: policy.wasm + data.json + .manifest).
#   scripts/build-policy.sh [OUTPUT]    default: bundle/bundle.tar.gz
# The build is deterministic: the same policies/ always give the same bytes, so a
# test can tell when the committed bundle is stale. The revision is a hash of the
# policy sources and data files (tests excluded).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-bundle/bundle.tar.gz}
case "$out" in /*) ;; *) out="$PWD/$out" ;; esac
opa=${OPA:-$root/.tools/bin/opa}
cd "$root"
revision=$(find policies/mlgate \( -name '*.rego' -o -name 'data.yaml' -o -name 'data.json' \) ! -name '*_test.rego' | LC_ALL=C sort | xargs sha256sum | sha256sum | cut -c1-16)
"$opa" build --target wasm \
  --entrypoint mlgate/authz/decision \
  --entrypoint mlgate/authz/visible \
  --entrypoint mlgate/authz/visible_resources \
  --entrypoint mlgate/rules/pattern_check \
  --ignore '*_test.rego' \
  --revision "sha256:$revision" \
  --output "$out" \
  policies
