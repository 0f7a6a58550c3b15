#!/usr/bin/env bash
# Runs the README's nginx server block as written (only its port, certificate paths and upstream port changed)
# in front of a fresh `roster serve --trust-forwarded-headers`, with a self-signed certificate, and checks that
# requests pass through TLS and that SCIM answers with the proxy's https URLs. Installs nginx and openssl from
# Debian's packages when they are missing.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

if ! command -v nginx >/dev/null || ! command -v openssl >/dev/null; then
  echo "tls.sh: installing nginx and openssl"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx openssl >/dev/null
fi

source "$root/.ci/lib.sh"
build_roster
key="sk-admin-tls-$RANDOM$RANDOM$RANDOM"
work="$(mktemp -d)"
port=$(free_port)

# Roster behind the proxy, believing its forwarded headers.
roster_port=$(free_port)
ROSTER_ADMIN_KEY="$key" "$roster_bin" serve --host 127.0.0.1 --port "$roster_port" --database :memory: \
  --trust-forwarded-headers >"$work/roster.log" 2>&1 &
roster_pid=$!
nginx_pid=""
trap 'kill $roster_pid $nginx_pid 2>/dev/null || true; rm -rf "$work"' EXIT

openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=localhost" \
  -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" -keyout "$work/key.pem" -out "$work/cert.pem" 2>/dev/null

# The README's block, only its port, certificate folder and upstream changed.
block="$(documented_nginx_block README.md "listen 443 ssl;" "listen 127.0.0.1:$port ssl;" "/etc/ssl/roster/" "$work/" \
  "127.0.0.1:8080" "127.0.0.1:$roster_port")"
start_nginx "$work" "$block"

python3 - "$port" "$key" "$work/cert.pem" <<'PY'
import json, ssl, sys, time, urllib.request

port, key, cert = sys.argv[1], sys.argv[2], sys.argv[3]
origin = f"https://localhost:{port}"
context = ssl.create_default_context(cafile=cert)
passed = failed = 0

def call(method, path, body=None, content_type="application/json"):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(origin + path, data=data, method=method, headers={"Authorization": f"Bearer {key}"})
    if data is not None:
        request.add_header("Content-Type", content_type)
    with urllib.request.urlopen(request, context=context, timeout=10) as response:
        return response.status, dict(response.headers), json.loads(response.read() or b"null")

def check(name, condition, detail=""):
    global passed, failed
    if condition:
        passed += 1
    else:
        failed += 1
        print(f"FAILED {name}: {detail}")

for _ in range(300):
    try:
        with urllib.request.urlopen(origin + "/readyz", context=context, timeout=1) as response:
            if response.status == 200:
                break
    except OSError:
        time.sleep(0.2)

status, _, groups = call("GET", "/v1/organization/groups")
check("the Admin API answers through TLS", status == 200 and groups["object"] == "list", groups)
status, _, config = call("GET", "/scim/v2/ServiceProviderConfig")
location = config["meta"]["location"]
check("SCIM builds its URLs from the proxy's https address", location == f"{origin}/scim/v2/ServiceProviderConfig", location)
status, headers, user = call("POST", "/scim/v2/Users", {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
                                                         "userName": "tls@example.com"}, "application/scim+json")
check("a created SCIM user's Location is the proxy's", status == 201 and headers.get("Location", "").startswith(f"{origin}/scim/v2/Users/"),
      headers.get("Location"))
check("meta.location matches Location", user["meta"]["location"] == headers.get("Location"), user["meta"])
plain = ssl.create_default_context()
try:
    urllib.request.urlopen(origin + "/healthz", context=plain, timeout=5)
    check("an untrusted certificate is refused", False, "the self-signed certificate was accepted without its CA")
except urllib.error.URLError:
    check("an untrusted certificate is refused", True)
print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
PY
