#!/usr/bin/env bash
# Builds pgvector from the vendored source beside the checkout and installs it into Debian's
# PostgreSQL 15, so every cluster started from /usr/lib/postgresql/15/bin can CREATE EXTENSION
# vector. Debian 12 ships no pgvector package for PostgreSQL 15. Does nothing when the extension
# is already installed. Needs root (apt-get, make install).
#   scripts/install-pgvector.sh [path/to/pgvector-X.Y.Z.tar.gz]
set -euo pipefail
cd "$(dirname "$0")/.."

tarball=${1:-../shared/vendor/pgvector-0.8.6.tar.gz}
# The vendored archive's checksum (../shared/vendor/README.md): a changed file is not built.
sha256=b4eb8abc425b465082ae5955d13df5338c32ec1bd441f0eb86d780e3958766a6
pg_bin=/usr/lib/postgresql/15/bin
extension_dir=/usr/share/postgresql/15/extension

if [[ -f $extension_dir/vector.control ]]; then
  echo "install-pgvector: pgvector is already installed ($extension_dir/vector.control)"
  exit 0
fi
if [[ ! -f $tarball ]]; then
  echo "install-pgvector: no pgvector source at $tarball (pass the path of pgvector-0.8.6.tar.gz)" >&2
  exit 1
fi
if [[ $(sha256sum "$tarball" | cut -d' ' -f1) != "$sha256" ]]; then
  echo "install-pgvector: $tarball does not have the vendored checksum $sha256" >&2
  exit 1
fi
if [[ $(id -u) -ne 0 ]]; then
  echo "install-pgvector: run as root to install pgvector into $pg_bin" >&2
  exit 1
fi

packages=(postgresql-server-dev-15 gcc make)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
done
if ((${#missing[@]} > 0)); then
  export DEBIAN_FRONTEND=noninteractive
  # Waits for another apt run (a parallel test set-up, unattended upgrades) instead of failing.
  apt-get -o DPkg::Lock::Timeout=300 update -q
  apt-get -o DPkg::Lock::Timeout=300 install -y -q --no-install-recommends "${missing[@]}"
fi

build=$(mktemp -d)
trap 'rm -rf "$build"' EXIT
tar xzf "$tarball" -C "$build"
source_dir=$(find "$build" -mindepth 1 -maxdepth 1 -type d | head -n 1)
make -s -C "$source_dir" PG_CONFIG="$pg_bin/pg_config"
make -s -C "$source_dir" PG_CONFIG="$pg_bin/pg_config" install
echo "install-pgvector: installed $(basename "$source_dir") into $pg_bin"
