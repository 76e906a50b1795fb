#!/usr/bin/env bash
# Makes sure the machine's PostgreSQL can load Citus: when citus.so is absent
# from `pg_config --pkglibdir`, installs it from the cached build of the
# vendored source, building that first if there is none yet (about 6 minutes
# on 2 cores, once per machine). Prints the installed library on success.
#
#   test/citus/ensureCitus.sh [vendor-dir]
#
# vendor-dir holds citus-<version>.tar.gz and its patches (default the
# checkout's vendor/citus, or $WSD_CITUS_VENDOR). The build
# is cached in ${XDG_CACHE_HOME:-~/.cache}/wsd-citus/<citus>-pg<server version>,
# outside the checkout, so a fresh clone reinstalls without rebuilding.
set -euo pipefail

CITUS_VERSION=13.2.2
here="$(cd "$(dirname "$0")" && pwd)"
vendor="${1:-${WSD_CITUS_VENDOR:-$here/../../vendor/citus}}"

pg_config="$(ls /usr/lib/postgresql/*/bin/pg_config 2>/dev/null | sort -V | tail -1 || true)"
pg_config="${pg_config:-$(command -v pg_config || true)}"
if [ -z "$pg_config" ]; then
  echo "no pg_config: install Debian's postgresql first" >&2
  exit 1
fi
pkglibdir="$("$pg_config" --pkglibdir)"
if [ -f "$pkglibdir/citus.so" ]; then
  echo "$pkglibdir/citus.so"
  exit 0
fi

# Headers must match the server binaries, so the -dev packages come first:
# installing them may move the server to the same (newer) minor version.
if [ ! -f "$("$pg_config" --includedir-server)/postgres.h" ]; then
  major="$("$pg_config" --version | sed -E 's/^PostgreSQL ([0-9]+).*/\1/')"
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
    "postgresql-$major" "postgresql-server-dev-$major" libcurl4-openssl-dev liblz4-dev libzstd-dev \
    libkrb5-dev libssl-dev libselinux1-dev libxslt1-dev libpam0g-dev libreadline-dev
fi
server_version="$("$pg_config" --version | sed -E 's/^PostgreSQL ([0-9.]+).*/\1/')"
cache="${XDG_CACHE_HOME:-$HOME/.cache}/wsd-citus/$CITUS_VERSION-pg$server_version"

if [ ! -f "$cache/installed/$pkglibdir/citus.so" ]; then
  tarball="$vendor/citus-$CITUS_VERSION.tar.gz"
  if [ ! -f "$tarball" ]; then
    echo "no Citus source at $tarball (set WSD_CITUS_VENDOR)" >&2
    exit 1
  fi
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
  tar xzf "$tarball" -C "$work"
  src="$work/citus-$CITUS_VERSION"
  # Newer PostgreSQL 15 minors export have_createdb_privilege, which Citus
  # also defines; rename Citus's copy only where the server declares its own.
  if grep -rqs have_createdb_privilege "$("$pg_config" --includedir-server)"; then
    (cd "$src" && patch -p1 <"$vendor/pg15.20-have_createdb_privilege.patch")
  fi
  (cd "$src" && ./configure PG_CONFIG="$pg_config" && nice -n 10 make -j"$(nproc)")
  rm -rf "$cache.partial"
  mkdir -p "$cache.partial"
  (cd "$src" && make install DESTDIR="$cache.partial/installed")
  rm -rf "$cache"
  mv "$cache.partial" "$cache"
fi
cp -a "$cache/installed/." /
echo "$pkglibdir/citus.so"
