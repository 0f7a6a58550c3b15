# A throwaway PostgreSQL cluster for the tests. Source it from a script that has `set -euo pipefail`, then call
# `start_postgres`: it installs PostgreSQL from Debian's packages when it is missing, creates a cluster in a temporary
# folder, owned by a user other than root (PostgreSQL refuses to run as root), starts it on 127.0.0.1 and a free
# port, exports ROSTER_TEST_POSTGRES_URL (user `roster`, no password), puts its tools (psql) on PATH and stops it when
# the calling script exits.
# It fails, rather than letting the tests skip, when the server cannot start.

start_postgres() {
  local bin
  bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
  if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
    echo "postgres.sh: installing PostgreSQL from Debian's packages"
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    bin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
  fi
  local owner="${USER:-$(id -un)}" run_as=()
  if [ "$(id -u)" = 0 ]; then
    owner=postgres
    id "$owner" >/dev/null 2>&1 || useradd --system --no-create-home "$owner"
    run_as=(runuser -u "$owner" --)
  fi
  postgres_dir="$(mktemp -d /tmp/roster-postgres.XXXXXX)"
  chown "$owner" "$postgres_dir"
  local port
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  "${run_as[@]}" "$bin/initdb" -D "$postgres_dir/data" -U roster -A trust -E UTF8 --no-sync >"$postgres_dir/initdb.log" 2>&1 \
    || { cat "$postgres_dir/initdb.log"; echo "postgres.sh: initdb failed"; return 1; }
  postgres_ctl=("${run_as[@]}" "$bin/pg_ctl" -D "$postgres_dir/data" -l "$postgres_dir/server.log" -w -t 60)
  postgres_options="-c listen_addresses=127.0.0.1 -p $port -k $postgres_dir -c max_connections=200"
  "${postgres_ctl[@]}" -o "$postgres_options" start >/dev/null \
    || { cat "$postgres_dir/server.log"; echo "postgres.sh: PostgreSQL did not start"; return 1; }
  postgres_psql="$bin/psql"
  export PATH="$bin:$PATH"
  trap 'stop_postgres' EXIT
  export ROSTER_TEST_POSTGRES_URL="postgres://roster@127.0.0.1:$port/postgres"
  echo "postgres.sh: PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port"
}

# Creates an empty database on the cluster and prints its URL.
new_postgres_database() {
  local name="roster_$1_$RANDOM$RANDOM"
  "$postgres_psql" "$ROSTER_TEST_POSTGRES_URL" -qc "CREATE DATABASE $name" >/dev/null
  echo "${ROSTER_TEST_POSTGRES_URL%/*}/$name"
}

# Stops the cluster as an operator's restart does (connections are closed), keeping its data; `resume_postgres`
# starts it again on the same port.
pause_postgres() {
  "${postgres_ctl[@]}" -m fast stop >/dev/null
}

resume_postgres() {
  "${postgres_ctl[@]}" -o "$postgres_options" start >/dev/null
}

stop_postgres() {
  "${postgres_ctl[@]}" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$postgres_dir"
}
