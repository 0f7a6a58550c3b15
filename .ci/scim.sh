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
source "$root/.ci/lib.sh"
build_roster
key="sk-admin-scim-$RANDOM$RANDOM"
start_roster "$key"
port=$roster_port
log="$(mktemp)"

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
