#!/usr/bin/env bash
# Runs docs/gateway.md's nginx block as written (only its ports changed): nginx with `auth_request` to a fresh
# `roster serve`, in front of a small upstream that echoes the headers it receives, and checks through nginx that keys
# reach the upstream or are refused as Roster decides. Installs nginx from Debian's packages when it is missing.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

if ! command -v nginx >/dev/null; then
  echo "gateway.sh: installing nginx"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null
fi

source "$root/.ci/lib.sh"
build_roster
key="sk-admin-gateway-$RANDOM$RANDOM$RANDOM"
start_roster "$key"
work="$(mktemp -d)"
port=$(free_port)
upstream_port=$(free_port)

# The upstream: answers every request with the headers it got, as JSON.
python3 - "$upstream_port" >"$work/upstream.log" 2>&1 <<'PY' &
import json, sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

class Echo(BaseHTTPRequestHandler):
    def answer(self):
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        body = json.dumps({"path": self.path, "headers": {k.lower(): v for k, v in self.headers.items()}}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    do_GET = do_POST = answer
    def log_message(self, *args):
        pass

ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Echo).serve_forever()
PY
upstream_pid=$!
nginx_pid=""
trap 'kill $roster_pid $upstream_pid $nginx_pid 2>/dev/null || true; rm -rf "$work"' EXIT

# The documented block, only its ports changed.
block="$(documented_nginx_block docs/gateway.md "listen 8000;" "listen 127.0.0.1:$port;" "127.0.0.1:8080" "127.0.0.1:$roster_port" \
  "127.0.0.1:11434" "127.0.0.1:$upstream_port")"
start_nginx "$work" "$block"

python3 - "$port" "$roster_port" "$key" <<'PY'
import json, sys, time, urllib.error, urllib.request

port, roster_port, admin_key = sys.argv[1], sys.argv[2], sys.argv[3]
gateway = f"http://127.0.0.1:{port}"
roster = f"http://127.0.0.1:{roster_port}"
passed = failed = 0

def request(url, method="GET", body=None, key=admin_key, headers=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method, headers={"Authorization": f"Bearer {key}", **(headers or {})})
    if data is not None:
        req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=10) as response:
            text = response.read()
            return response.status, json.loads(text) if text else None
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(errors="replace")

def admin(method, path, body=None, key=admin_key):
    status, answer = request(roster + path, method, body, key)
    assert status == 200, f"{method} {path}: {status} {answer}"
    return answer

def call(key, model=None):
    headers = {"X-Roster-Model": model} if model else {}
    return request(gateway + "/v1/chat/completions", "POST", {"model": model or "gpt-4.1", "messages": []}, key, headers)

def check(name, ok, detail=""):
    global passed, failed
    if ok:
        passed += 1
        print(f"PASS {name}")
    else:
        failed += 1
        print(f"FAIL {name}: {detail}")

for _ in range(100):
    try:
        urllib.request.urlopen(gateway + "/", timeout=1)
    except urllib.error.HTTPError:
        break
    except OSError:
        time.sleep(0.1)

org = "/v1/organization"
project = admin("POST", f"{org}/projects", {"name": "Gateway CI"})["id"]
account = admin("POST", f"{org}/projects/{project}/service_accounts", {"name": "ci-bot"})
bot_key = account["api_key"]["value"]

status, answer = call(bot_key)
check("a service account key with api.model.request reaches the upstream, which sees X-Roster-Project-Id",
      status == 200 and isinstance(answer, dict) and answer["headers"].get("x-roster-project-id") == project
      and answer["headers"].get("x-roster-principal-id") == account["id"], f"{status} {answer}")

# A user who reaches the project only through a group with `viewer` access: its own key holds no api.model.request.
user = request(roster + "/scim/v2/Users", "POST", {
    "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "viewer@example.com",
    "name": {"givenName": "Vi", "familyName": "Ewer"}, "emails": [{"value": "viewer@example.com", "primary": True}]},
    headers={"Content-Type": "application/scim+json"})[1]["id"]
group = admin("POST", f"{org}/groups", {"name": "Viewers"})["id"]
admin("POST", f"{org}/groups/{group}/users", {"user_id": user})
admin("POST", f"{org}/projects/{project}/groups", {"group_id": group, "role": "viewer"})
maker = admin("POST", f"{org}/roles", {"role_name": "Key maker", "permissions": ["api.projects.write"]})["id"]
admin("POST", f"{org}/users/{user}/roles", {"role_id": maker})
viewer_admin_key = admin("POST", f"{org}/admin_api_keys", {"name": "viewer's", "user_id": user})["value"]
viewer_key = admin("POST", f"{org}/projects/{project}/api_keys", {"name": "viewer key"}, key=viewer_admin_key)["value"]
status, answer = call(viewer_key)
check("a key whose owner's project roles lack api.model.request gets 403", status == 403, f"{status} {answer}")

keys = admin("GET", f"{org}/projects/{project}/api_keys?limit=100")["data"]
bot_key_id = next(k["id"] for k in keys if k["owner"]["type"] == "service_account")
admin("DELETE", f"{org}/projects/{project}/api_keys/{bot_key_id}")
status, answer = call(bot_key)
check("a deleted key is refused on the next call", status == 401, f"{status} {answer}")

second_key = admin("POST", f"{org}/projects/{project}/service_accounts/{account['id']}/api_keys", {"name": "rotated"})["value"]
admin("POST", f"{org}/projects/{project}/model_permissions", {"mode": "allow_list", "model_ids": ["gpt-4.1"]})
status_in, _ = call(second_key, "gpt-4.1")
status_out, answer = call(second_key, "o3")
check("a model outside the project's allow list gets 403, one on it goes through",
      status_in == 200 and status_out == 403, f"{status_in} / {status_out} {answer}")

archived = admin("POST", f"{org}/projects", {"name": "Gateway CI archived"})["id"]
archived_key = admin("POST", f"{org}/projects/{archived}/service_accounts", {"name": "old-bot"})["api_key"]["value"]
before, _ = call(archived_key)
admin("POST", f"{org}/projects/{archived}/archive", {})
status, answer = call(archived_key)
check("an archived project's key gets 403", before == 200 and status == 403, f"{before} / {status} {answer}")

me = admin("GET", f"{org}/users?limit=100")["data"]
owner = next(u["id"] for u in me if u["role"] == "owner")
admin("POST", f"{org}/projects/{project}/users", {"user_id": owner, "role": "member"})
my_key = admin("POST", f"{org}/projects/{project}/api_keys", {"name": "mine"})["value"]
before, _ = call(my_key, "gpt-4.1")
admin("DELETE", f"{org}/projects/{project}/users/{owner}")
status, answer = call(my_key, "gpt-4.1")
check("a user's project key stops when the user leaves the project", before == 200 and status == 401, f"{before} / {status} {answer}")

print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
PY
