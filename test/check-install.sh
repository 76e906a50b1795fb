#!/usr/bin/env bash
# Installs wsd as a command the way a user outside the checkout would: packs
# the checkout (`npm pack` builds dist/ through `prepare`), installs the
# tarball with `npm install -g` into a fresh prefix, and runs the installed
# `wsd` from a folder outside the checkout, where `npx wsd` would find an
# unrelated package. It fails if the package lacks a file the command needs at
# run time, or finds one relative to the working directory.
# Usage: test/check-install.sh (from anywhere; needs the npm registry for the dependencies).
set -euo pipefail
checkout="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
prefix="$(mktemp -d -p "$work")"

tarball="$(cd "$checkout" && npm pack --silent --pack-destination "$work" | tail -1)"
echo "check-install: packed $tarball"
# better-sqlite3 builds its native module in an install script.
npm install -g --prefix "$prefix" --allow-scripts=better-sqlite3 --no-audit --no-fund "$work/$tarball"

elsewhere="$(mktemp -d -p "$work")"
cd "$elsewhere"
export PATH="$prefix/bin:$PATH"
if [ "$(command -v wsd)" != "$prefix/bin/wsd" ]; then
  echo "check-install: wsd is not the installed command ($(command -v wsd || echo none))" >&2
  exit 1
fi
wsd --help | grep -q "wsd <subcommand>"
wsd run --help | grep -q -- "--inbox string *(required)"
# The bundled fixtures, SQL, rules and codelists are found beside the installed code.
wsd demo --quiet
for file in warehouse.sqlite report.html manifest.json complex-cohort/all.csv; do
  if [ ! -f ".demo/out/$file" ]; then
    echo "check-install: wsd demo published no $file" >&2
    exit 1
  fi
done
wsd lineage verify --out .demo/out
wsd validate --inbox "$prefix/lib/node_modules/wsd/fixtures/inbox" --as-of 2026-11-20
echo "check-install: wsd installed from $tarball runs outside the checkout"
