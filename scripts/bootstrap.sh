#!/usr/bin/env bash
# Installs everything mlgate needs to build, run the demo and run the tests, pinned
# and git-ignored: npm dependencies (node_modules/), opa and FerretDB built with Go
# (.tools/bin/), MLflow from PyPI (.venv/), and the system's chromium for the browser
# test (apt-get, only when /usr/bin/chromium is missing). Idempotent: each step says
# what it does and skips what is already there.
set -euo pipefail

OPA_VERSION=1.22.3
FERRETDB_VERSION=1.24.2
MLFLOW_VERSION=3.17.2

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
tools="$root/.tools"
mkdir -p "$tools/bin" "$tools/stamps"

step() { printf '==> %s\n' "$*"; }
ok() { printf '    %s\n' "$*"; }
die() { printf 'bootstrap: %s\n' "$*" >&2; exit 1; }

# shellcheck source=scripts/lib.sh
source "$root/scripts/lib.sh"

step "Checking prerequisites"
command -v node >/dev/null || die "Node.js is required (20.19 or newer) but 'node' is not on PATH."
command -v npm >/dev/null || die "npm is required but 'npm' is not on PATH (it comes with Node.js)."
command -v go >/dev/null || die "Go is required (1.25 or newer) to build opa and FerretDB, but 'go' is not on PATH."
command -v python3 >/dev/null || die "Python is required (3.10 or newer) for MLflow, but 'python3' is not on PATH."
node_version=$(node -p 'process.versions.node')
version_at_least "$node_version" 20.19.0 || die "Node.js 20.19 or newer is required; found $node_version."
go_version=$(go env GOVERSION | sed 's/^go//')
version_at_least "$go_version" 1.25 || die "Go 1.25 or newer is required; found $go_version."
python_version=$(python3 -c 'import sys; print("%d.%d" % sys.version_info[:2])')
version_at_least "$python_version" 3.10 || die "Python 3.10 or newer is required; found $python_version."
python3 -c 'import venv, ensurepip' 2>/dev/null || die "Python's venv module is missing (on Debian: apt-get install python3-venv)."
ok "node $node_version, go $go_version, python $python_version"

step "npm dependencies (package-lock.json)"
lock_hash=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ -d node_modules ] && [ "$(cat "$tools/stamps/npm" 2>/dev/null)" = "$lock_hash" ]; then
  ok "up to date"
else
  npm ci --no-audit --no-fund
  echo "$lock_hash" > "$tools/stamps/npm"
fi

step "opa $OPA_VERSION (go install)"
if [ -x "$tools/bin/opa" ] && reports_line "Version: $OPA_VERSION" "$tools/bin/opa" version; then
  ok "already built"
elif GOBIN="$tools/bin" go install "github.com/open-policy-agent/opa@v$OPA_VERSION"; then
  ok "built $tools/bin/opa"
else
  # Fallback: a tiny module that requires OPA and runs its root command builds the same binary.
  ok "go install refused; building through a wrapper module"
  wrapper="$tools/src/opa-wrapper"
  rm -rf "$wrapper" && mkdir -p "$wrapper"
  printf 'package main\n\nimport (\n\t"os"\n\n\t"github.com/open-policy-agent/opa/cmd"\n)\n\nfunc main() {\n\tif err := cmd.RootCommand.Execute(); err != nil {\n\t\tos.Exit(1)\n\t}\n}\n' > "$wrapper/main.go"
  (cd "$wrapper" && go mod init mlgate.local/opa >/dev/null 2>&1 && go get "github.com/open-policy-agent/opa@v$OPA_VERSION" && go build -o "$tools/bin/opa" .)
fi

step "FerretDB v$FERRETDB_VERSION (Go module proxy)"
if [ -x "$tools/bin/ferretdb" ] && reports_line "version: v$FERRETDB_VERSION" "$tools/bin/ferretdb" --version; then
  ok "already built"
else
  # `go install github.com/FerretDB/FerretDB/cmd/ferretdb@v$FERRETDB_VERSION` builds, but the binary
  # panics at start-up: the module archive lacks build/version/version.txt, which FerretDB's own
  # build generates. So the same module is fetched from the proxy and built with that file added.
  src_dir=$(go mod download -json "github.com/FerretDB/FerretDB@v$FERRETDB_VERSION" | python3 -c 'import json,sys; print(json.load(sys.stdin)["Dir"])')
  build_dir="$tools/src/ferretdb"
  rm -rf "$build_dir" && mkdir -p "$tools/src"
  cp -r "$src_dir" "$build_dir" && chmod -R u+w "$build_dir"
  echo "v$FERRETDB_VERSION" > "$build_dir/build/version/version.txt"
  (cd "$build_dir" && go build -o "$tools/bin/ferretdb" ./cmd/ferretdb)
  reports_line "version: v$FERRETDB_VERSION" "$tools/bin/ferretdb" --version || die "the FerretDB build does not report v$FERRETDB_VERSION"
  ok "built $tools/bin/ferretdb"
fi

step "MLflow $MLFLOW_VERSION (PyPI, in .venv)"
req_hash=$(sha256sum scripts/mlflow-requirements.txt | cut -d' ' -f1)
if [ -x .venv/bin/python ] && [ "$(cat "$tools/stamps/venv" 2>/dev/null)" = "$req_hash" ] \
  && .venv/bin/python -c "import mlflow, sys; sys.exit(mlflow.__version__ != '$MLFLOW_VERSION')" 2>/dev/null; then
  ok "already installed"
else
  [ -x .venv/bin/python ] || python3 -m venv .venv
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -r scripts/mlflow-requirements.txt
  echo "$req_hash" > "$tools/stamps/venv"
  ok "installed mlflow $(.venv/bin/python -c 'import mlflow; print(mlflow.__version__)')"
fi

step "chromium for the web UI browser test (test/e2e/ui-browser.test.ts)"
# playwright-core drives the system's chromium; it downloads no browser of its own.
if [ -x /usr/bin/chromium ]; then
  ok "found /usr/bin/chromium"
elif command -v apt-get >/dev/null; then
  ok "not found: installing Debian's chromium package with apt-get (apt-get update, then apt-get install -y chromium)"
  sudo_cmd=""
  [ "$(id -u)" = 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y chromium
  [ -x /usr/bin/chromium ] || die "apt-get installed chromium, but /usr/bin/chromium is still missing"
  ok "installed $(/usr/bin/chromium --version 2>/dev/null || echo chromium)"
else
  ok "not found, and apt-get is not available: install chromium at /usr/bin/chromium yourself;"
  ok "until then the browser test fails, saying so (every other test runs)"
fi

step "Bootstrap complete"
