#!/usr/bin/env bash
# PostgreSQL restarting under a running Roster, on a cluster of this script's own: while it is down, a request that
# needs the database gets 503 `store_unavailable` (OpenAI's envelope, Retry-After) within seconds, keys are still
# checked from memory, and /readyz says not ready; once it is back, Roster serves again by itself, and what it
# acknowledged before is there. Last, Roster stopping while PostgreSQL stops under it still ends, three times over.
set -euo pipefail
cd "$(dirname "$0")/.."
source .ci/postgres.sh
source .ci/lib.sh

start_postgres
build_roster
key="sk-admin-ci-faults-0123456789"
database="$(new_postgres_database faults)"
# start_roster sets a trap of its own; this one, set again after each start, also stops the cluster.
stop_everything() { kill "$roster_pid" 2>/dev/null || true; stop_postgres; }
ROSTER_CI_DATABASE="$database" start_roster "$key"
trap stop_everything EXIT

check() { python3 - "$roster_port" "$key" "$1" "$postgres_dir/group-id" <<'PY'
import json, sys, time, urllib.error, urllib.request

port, key, step, saved = sys.argv[1:5]
origin = f"http://127.0.0.1:{port}"

def parse(text):
    try:
        return json.loads(text)
    except ValueError:
        return text

def call(method, path, body=None, secret=key):
    request = urllib.request.Request(origin + path, method=method, data=json.dumps(body).encode() if body else None,
                                     headers={"Authorization": f"Bearer {secret}", "Content-Type": "application/json"})
    started = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers, parse(response.read()), time.monotonic() - started
    except urllib.error.HTTPError as error:
        return error.code, error.headers, parse(error.read()), time.monotonic() - started

def expect(condition, message):
    if not condition:
        sys.exit(f"postgres-faults: {message}")

if step == "before":
    status, _, group, _ = call("POST", "/v1/organization/groups", {"name": "acknowledged before the restart"})
    expect(status == 200, f"creating a group answered {status}")
    open(saved, "w").write(group["id"])
elif step == "down":
    group = open(saved).read()
    for method, path, body in (("GET", "/v1/organization/groups?limit=1", None),
                               ("POST", "/v1/organization/groups", {"name": "during the restart"})):
        status, headers, answer, took = call(method, path, body)
        expect(status == 503, f"{method} {path} answered {status} while PostgreSQL was down: {answer}")
        expect(answer["error"]["code"] == "store_unavailable", f"the 503 said {answer}")
        expect(headers.get("Retry-After") == "1", "the 503 carried no Retry-After")
        expect(took < 10, f"the 503 took {took:.1f} s")
    status, _, _, _ = call("GET", "/v1/organization/groups", secret="sk-admin-not-a-key")
    expect(status == 401, f"a wrong key answered {status} while PostgreSQL was down")
    status, _, _, _ = call("GET", "/readyz")
    expect(status == 503, f"/readyz answered {status} while PostgreSQL was down")
    status, _, _, _ = call("GET", "/healthz")
    expect(status == 200, f"/healthz answered {status}: the process is alive")
    print("postgres-faults: while PostgreSQL was down, 503 store_unavailable, /readyz 503, keys still checked")
else:
    group = open(saved).read()
    started = time.monotonic()
    while call("GET", "/v1/organization/groups?limit=1")[0] != 200:
        expect(time.monotonic() - started < 30, "Roster did not recover within 30 s of PostgreSQL's return")
        time.sleep(0.2)
    recovered = time.monotonic() - started
    status, _, _, _ = call("GET", "/readyz")
    expect(status == 200, f"/readyz answered {status} after the recovery")
    status, _, _, _ = call("POST", "/v1/organization/groups", {"name": "after the restart"})
    expect(status == 200, f"a write after the recovery answered {status}")
    print(f"postgres-faults: serving again {recovered:.2f} s after PostgreSQL came back; the acknowledged write is there")
PY
}

check before
pause_postgres
check down
resume_postgres
check after

# SIGTERM, then PostgreSQL gone at once (as when a host stops both): the graceful shutdown's last write fails, and
# the process still ends, with status 0. PostgreSQL can close a connection between two statements of that write; a
# statement the server never answered once held the shutdown forever.
for round in 1 2 3; do
  if ((round > 1)); then
    resume_postgres
    ROSTER_CI_DATABASE="$database" start_roster "$key"
    trap stop_everything EXIT
  fi
  python3 -c 'import sys, urllib.request; urllib.request.urlopen(urllib.request.Request(sys.argv[1], headers={"Authorization": "Bearer " + sys.argv[2]}), timeout=30)' \
    "http://127.0.0.1:$roster_port/v1/organization/groups?limit=1" "$key"
  kill -TERM "$roster_pid"
  "${postgres_ctl[@]}" -m immediate stop >/dev/null
  for _ in $(seq 150); do
    kill -0 "$roster_pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$roster_pid" 2>/dev/null; then
    echo "postgres-faults: roster serve had not stopped 15 s after SIGTERM, PostgreSQL having stopped meanwhile (round $round)" >&2
    exit 1
  fi
  status=0
  wait "$roster_pid" || status=$?
  if ((status != 0)); then
    echo "postgres-faults: roster serve exited with status $status after SIGTERM (round $round)" >&2
    exit 1
  fi
done
echo "postgres-faults: stopping while PostgreSQL stopped under it ended each time"
