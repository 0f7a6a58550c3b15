# Shared by the CI steps that drive a live server. Source it from a script that has `set -euo pipefail`.

# Prints a TCP port on 127.0.0.1 that is free now.
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Builds the `roster` product and sets $roster_bin to it.
build_roster() {
  swift build --product roster >/dev/null
  roster_bin="$(swift build --show-bin-path)/roster"
}

# Starts `roster serve` on 127.0.0.1, an unused port and an in-memory database (or ROSTER_CI_DATABASE, such as a
# PostgreSQL URL from `new_postgres_database`), with admin key $1; sets
# $roster_port and $roster_pid, stops the server when the calling script exits, and waits until it is healthy.
start_roster() {
  roster_port=$(free_port)
  "$roster_bin" serve --host 127.0.0.1 --port "$roster_port" --database "${ROSTER_CI_DATABASE:-:memory:}" --admin-key "$1" \
    >"$(mktemp /tmp/roster-ci-server.XXXXXX)" 2>&1 &
  roster_pid=$!
  trap 'kill $roster_pid 2>/dev/null || true' EXIT
  python3 - "$roster_port" <<'PY'
import sys, time, urllib.request
for _ in range(300):
    try:
        urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/healthz", timeout=1)
        break
    except OSError:
        time.sleep(0.2)
else:
    sys.exit("roster serve did not become healthy")
PY
}

# Runs nginx with the server block $2 inside an `http` context of its own, every file it writes in the folder $1; sets
# $nginx_pid (the calling script stops it on exit).
start_nginx() {
  local work="$1" block="$2"
  cat >"$work/nginx.conf" <<CONF
daemon off;
pid $work/nginx.pid;
error_log $work/error.log;
events {}
http {
    access_log $work/access.log;
    client_body_temp_path $work/body;
    proxy_temp_path $work/proxy;
    fastcgi_temp_path $work/fastcgi;
    uwsgi_temp_path $work/uwsgi;
    scgi_temp_path $work/scgi;
$block
}
CONF
  nginx -c "$work/nginx.conf" -t -q
  nginx -c "$work/nginx.conf" &
  nginx_pid=$!
}

# Prints the ```nginx block of the Markdown file $1 with, for each pair of arguments after it, the first replaced by
# the second; fails when the file has no such block or the block lacks a text to replace.
documented_nginx_block() {
  local file="$1" block
  shift
  block="$(awk '/^```nginx$/{inside=1; next} inside && /^```$/{exit} inside' "$file")"
  [ -n "$block" ] || { echo "no nginx block in $file" >&2; return 1; }
  python3 - "$file" "$block" "$@" <<'PY'
import sys
file, block, pairs = sys.argv[1], sys.argv[2], sys.argv[3:]
for old, new in zip(pairs[::2], pairs[1::2]):
    assert old in block, f"the nginx block of {file} no longer has {old!r}"
    block = block.replace(old, new)
print(block)
PY
}
