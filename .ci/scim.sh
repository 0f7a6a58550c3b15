#!/usr/bin/env bash
# Runs scim2-tester (through scim2-cli) against a fresh `roster serve` and fails on any ERROR or CRITICAL
# result, or when fewer checks succeed than against the reference scim2-server (135).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
venv="$root/.venv-scim"
reference_successes=135
cd "$root"

if [ ! -x "$venv/bin/scim2" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check "scim2-cli==0.6.0" "scim2-tester==0.5.2"
fi
swift build --product roster >/dev/null
bin="$(swift build --show-bin-path)/roster"

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
key="sk-admin-scim-$RANDOM$RANDOM"
log="$(mktemp)"
"$bin" serve --host 127.0.0.1 --port "$port" --database :memory: --admin-key "$key" >"$log.server" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
python3 - "$port" <<'PY'
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

set +e
"$venv/bin/scim2" --url "http://127.0.0.1:$port/scim/v2" --header "Authorization: Bearer $key" test >"$log" 2>&1
status=$?
set -e
grep -vE '^(SUCCESS|SKIPPED) ' "$log" | grep -E '^[A-Z]+ ' -A2 || true
count() { grep -cE "^$1 " "$log" || true; }
successes=$(count SUCCESS)
failures=$(( $(count ERROR) + $(count CRITICAL) ))
echo "scim2-tester: $successes SUCCESS, $(count DEVIATION) DEVIATION, $(count SKIPPED) SKIPPED, $(count ERROR) ERROR, $(count CRITICAL) CRITICAL (exit $status)"
if [ "$successes" -lt "$reference_successes" ]; then
  echo "fewer successes than the reference scim2-server's $reference_successes"
  failures=$(( failures + 1 ))
fi
echo "$successes passed, $failures failed"
[ "$failures" -eq 0 ] && [ "$status" -eq 0 ]
