#!/usr/bin/env bash
# Makes sure the PostgreSQL server the tests use is up, starting the local
# cluster if it is down. Tests read LATCHKEY_TEST_POSTGRES_URL.
set -euo pipefail
url=${LATCHKEY_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/test?sslmode=disable}
ready() { pg_isready -q -d "$url" 2>/dev/null; }
if ready; then exit 0; fi
if command -v pg_ctlcluster >/dev/null && [ -d /etc/postgresql ]; then
  echo "PostgreSQL is down; starting the local cluster"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || true
  for _ in $(seq 1 30); do ready && exit 0; sleep 1; done
fi
echo "PostgreSQL at $url is not reachable; the PostgreSQL tests will skip (and fail when CI=true)" >&2
