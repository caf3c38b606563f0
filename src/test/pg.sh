#!/usr/bin/env bash
# A throwaway PostgreSQL for the tests (Debian's package, a cluster in a temp dir, 127.0.0.1 only).
#   bash src/test/pg.sh start   # installs postgresql when missing, starts it, prints the SC_TEST_PG_* exports
#   bash src/test/pg.sh env     # prints the exports of the running server
#   bash src/test/pg.sh stop    # stops it and removes its directory
# Both are idempotent. Password auth is SCRAM-SHA-256 (vertx-pg-client brings the SCRAM client). The role may
# create databases: tests make scratch ones (an empty database per migration test). fsync is off: the data is
# thrown away anyway.
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
# One server per work tree, so two checkouts on one machine do not share (or stop) each other's.
state=${SC_PG_STATE:-${TMPDIR:-/tmp}/siteconnect-pg-$(printf %s "$repo" | cksum | cut -d' ' -f1)}
user=siteconnect
db=siteconnect

as_owner() {
  if [ "$(id -u)" = 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

bin_dir() {
  ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
}

install_if_missing() {
  if [ -n "$(bin_dir)" ]; then
    return
  fi
  echo "installing Debian postgresql (store tests)" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq postgresql >/dev/null
  # The package may start its own cluster on 5432; the tests never use it.
  service postgresql stop >/dev/null 2>&1 || true
}

port_busy() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

running() {
  [ -f "$state/data/postmaster.pid" ] && as_owner "$(bin_dir)/pg_ctl" -D "$state/data" status >/dev/null 2>&1
}

print_env() {
  cat "$state/env"
}

start() {
  install_if_missing
  if running; then
    print_env
    return
  fi
  rm -rf "$state"
  mkdir -p "$state"
  local bin port password
  bin=$(bin_dir)
  port=${SC_PG_TEST_PORT:-55432}
  while port_busy "$port"; do
    port=$((port + 1))
  done
  password=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')
  if [ "$(id -u)" = 0 ]; then
    chown postgres: "$state"
  fi
  as_owner "$bin/initdb" -D "$state/data" -U postgres -E UTF8 --no-locale --auth-local=trust \
    --auth-host=scram-sha-256 >"$state/initdb.log" 2>&1 || { cat "$state/initdb.log" >&2; exit 1; }
  as_owner "$bin/pg_ctl" -D "$state/data" -l "$state/server.log" -w -t 60 start -o \
    "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$state -c fsync=off \
     -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" >/dev/null \
    || { cat "$state/server.log" >&2; exit 1; }
  as_owner "$bin/psql" -q -v ON_ERROR_STOP=1 -h "$state" -p "$port" -U postgres -d postgres \
    -c "CREATE ROLE $user LOGIN CREATEDB PASSWORD '$password'" \
    -c "GRANT pg_signal_backend TO $user" \
    -c "CREATE DATABASE $db OWNER $user" >/dev/null
  umask 077
  cat >"$state/env" <<EOF
export SC_TEST_PG_HOST=127.0.0.1
export SC_TEST_PG_PORT=$port
export SC_TEST_PG_USER=$user
export SC_TEST_PG_PASSWORD=$password
export SC_TEST_PG_DB=$db
EOF
  echo "PostgreSQL for tests on 127.0.0.1:$port ($state)" >&2
  print_env
}

stop() {
  if [ -d "$state" ]; then
    if running; then
      as_owner "$(bin_dir)/pg_ctl" -D "$state/data" -m immediate -w stop >/dev/null
    fi
    rm -rf "$state"
    echo "PostgreSQL for tests stopped" >&2
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  env) running && print_env || { echo "not running" >&2; exit 1; } ;;
  *) echo "usage: $0 start|stop|env" >&2; exit 2 ;;
esac
