#!/usr/bin/env bash
# Makes sure PostgreSQL answers at 127.0.0.1:5432 with trust auth for the postgres user (the
# tests make a private database of their own in it): the machine's cluster started when it is
# down, Debian's postgresql installed with a private cluster when there is none.
set -euo pipefail

PORT=5432
answers() { pg_isready -q -h 127.0.0.1 -p "$PORT" && psql -h 127.0.0.1 -p "$PORT" -U postgres -d postgres -Atqc 'SELECT 1' >/dev/null 2>&1; }

if ! command -v pg_ctlcluster >/dev/null 2>&1; then
  echo "Installing postgresql"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql) >/dev/null
fi

if ! answers; then
  version="$(ls /etc/postgresql 2>/dev/null | sort -V | tail -1 || true)"
  if [[ -z "$version" ]]; then
    version="$(ls /usr/lib/postgresql | sort -V | tail -1)"
    echo "Creating a PostgreSQL $version cluster on 127.0.0.1:$PORT (trust auth)"
    pg_createcluster "$version" main -p "$PORT" -- --auth=trust >/dev/null
  fi
  echo "Starting PostgreSQL $version on 127.0.0.1:$PORT"
  pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
  for _ in $(seq 1 100); do answers && break; sleep 0.1; done
fi
answers || { echo "PostgreSQL does not answer at 127.0.0.1:$PORT as user postgres" >&2; exit 1; }
echo "PostgreSQL answers at 127.0.0.1:$PORT"
