#!/usr/bin/env bash
# Installs what `make bench-compare` runs beside mlgate and that `make bootstrap` does not install:
# mlflow-oidc-auth 11.0.2 with MLflow 3.17.2 in its own venv (.tools/oidc-auth-venv), on a CPython 3.12
# (.tools/python3.12). Pinned and idempotent: each step says what it does and skips what is already there.
#
# Why 3.12: the plugin's metadata says Requires-Python >=3.11 and it installs on 3.11, but it does not import
# there (permission_kinds.py gives a dataclass field a mappingproxy default, which 3.11's dataclasses refuse as
# mutable; 3.12 made mappingproxy hashable).
#
# Where CPython 3.12 comes from: Debian 12 ships 3.11 only (bookworm-backports has no newer Python), and
# python.org and GitHub (python-build-standalone) are out of reach here. Maven Central carries the JavaCPP
# presets' CPython build, org.bytedeco:cpython, whose linux-x86_64 jar is a whole relocatable CPython
# (bin/python3.12, libpython3.12.so with an $ORIGIN rpath, the standard library, lib-dynload with _ssl on a
# bundled OpenSSL 3.2, _sqlite3 on Debian's libsqlite3). It is fetched with mvn, checked against the
# SHA-256 below and unpacked. Its _ctypes looks for the bundled libffi.so.7 beside itself, so that one file
# is linked into lib-dynload.
set -euo pipefail

CPYTHON_ARTIFACT=org.bytedeco:cpython:3.12.1-1.5.10:jar:linux-x86_64
CPYTHON_JAR=cpython-3.12.1-1.5.10-linux-x86_64.jar
CPYTHON_SHA256=a135fcf4dc01adebf7ea439252276fc3196db80f7e0dd3da0b61f1ec489b68bd
CPYTHON_VERSION=3.12.1
OIDC_AUTH_VERSION=11.0.2
MLFLOW_VERSION=3.17.2

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
mkdir -p .tools/stamps .tools/src
# The physical path: the venv records its interpreter's, and .tools may be a link shared by work trees.
tools=$(cd .tools && pwd -P)
python_dir="$tools/python3.12"
venv="$tools/oidc-auth-venv"

step() { printf '==> %s\n' "$*"; }
ok() { printf '    %s\n' "$*"; }
die() { printf 'bench-anchors: %s\n' "$*" >&2; exit 1; }

step "CPython $CPYTHON_VERSION (Maven Central, $CPYTHON_ARTIFACT)"
if [ -x "$python_dir/bin/python3.12" ] && [ "$(cat "$tools/stamps/python3.12" 2>/dev/null)" = "$CPYTHON_SHA256" ]; then
  ok "already installed"
else
  [ "$(uname -sm)" = "Linux x86_64" ] || die "the pinned CPython build is for Linux x86_64; this is $(uname -sm)"
  if ! command -v mvn >/dev/null; then
    command -v apt-get >/dev/null || die "mvn (Apache Maven) is needed to fetch CPython from Maven Central; install it"
    ok "mvn not found: installing Debian's maven package with apt-get"
    sudo_cmd=""
    [ "$(id -u)" = 0 ] || sudo_cmd="sudo"
    $sudo_cmd apt-get update
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y maven
  fi
  download="$tools/src/cpython"
  rm -rf "$download" && mkdir -p "$download"
  mvn -q -B -Dstyle.color=never dependency:copy -Dartifact="$CPYTHON_ARTIFACT" -DoutputDirectory="$download" \
    || die "mvn could not fetch $CPYTHON_ARTIFACT"
  echo "$CPYTHON_SHA256  $download/$CPYTHON_JAR" | sha256sum --check --quiet \
    || die "$CPYTHON_JAR does not have the pinned SHA-256 $CPYTHON_SHA256"
  unpacked="$download/unpacked"
  python3 -m zipfile -e "$download/$CPYTHON_JAR" "$unpacked"
  rm -rf "$python_dir"
  mv "$unpacked/org/bytedeco/cpython/linux-x86_64" "$python_dir"
  rm -rf "$download"
  # A jar keeps no file modes.
  chmod +x "$python_dir"/bin/*
  ln -sf ../../../libffi.so.7 "$python_dir/lib/python3.12/lib-dynload/libffi.so.7"
  "$python_dir/bin/python3.12" -c "
import sys, ssl, sqlite3, ctypes, hashlib, lzma, bz2, zlib, decimal, uuid, venv, ensurepip
assert sys.version.split()[0] == '$CPYTHON_VERSION', sys.version
" || die "the unpacked CPython does not run, or lacks a standard module"
  echo "$CPYTHON_SHA256" > "$tools/stamps/python3.12"
  ok "installed $("$python_dir/bin/python3.12" -V) in $python_dir"
fi

step "mlflow-oidc-auth $OIDC_AUTH_VERSION with MLflow $MLFLOW_VERSION (PyPI, in $venv)"
req_hash=$( (sha256sum scripts/oidc-auth-requirements.txt; echo "$CPYTHON_SHA256") | sha256sum | cut -d' ' -f1)
check="import importlib.metadata as m, sys; sys.exit(m.version('mlflow') != '$MLFLOW_VERSION' or m.version('mlflow-oidc-auth') != '$OIDC_AUTH_VERSION')"
if [ -x "$venv/bin/python" ] && [ "$(cat "$tools/stamps/oidc-auth-venv" 2>/dev/null)" = "$req_hash" ] \
  && "$venv/bin/python" -c "$check" 2>/dev/null; then
  ok "already installed"
else
  rm -rf "$venv"
  "$python_dir/bin/python3.12" -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r scripts/oidc-auth-requirements.txt
  "$venv/bin/python" -c "$check" || die "the venv does not hold mlflow $MLFLOW_VERSION and mlflow-oidc-auth $OIDC_AUTH_VERSION"
  echo "$req_hash" > "$tools/stamps/oidc-auth-venv"
  ok "installed mlflow $MLFLOW_VERSION and mlflow-oidc-auth $OIDC_AUTH_VERSION on $("$venv/bin/python" -V)"
fi

step "Benchmark anchors ready"
