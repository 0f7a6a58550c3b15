#!/usr/bin/env python3
"""Hostile input at the caps: how much server CPU one request may cost.

Seeds an organization with USERS users, all members of one group (an organization file passed to
`roster serve --seed`), then sends, REPEAT times each, the most expensive requests the input limits allow:

- a SCIM user list with a filter of 20 conditions (the cap) on an attribute no index serves, so it is evaluated
  over every user;
- a SCIM group PATCH of 100 operations (the cap) on the large group;
- a SCIM group PATCH adding 1,000 members (the values cap) to it, and one removing them;
- a group created with a body just under 1 MiB (the body cap) of 80,000 members Roster ignores.

For each it prints the server's CPU time per request (user + system, read from /proc before and after), the
number the issue bounds at about 100 ms.

    swift build -c release --product roster
    python3 Benchmarks/hostile_input.py --roster .build/release/roster [--users 10000] [--repeat 5]
"""
from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import tempfile
import time
import urllib.parse
import urllib.request

SCIM = "application/scim+json"
PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks


def call(origin: str, key: str, method: str, path: str, body=None) -> dict:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(origin + path, data=data, method=method, headers={"Authorization": f"Bearer {key}"})
    if data is not None:
        request.add_header("Content-Type", SCIM)
    with urllib.request.urlopen(request, timeout=120) as response:
        return json.load(response) if response.status != 204 else {}


def measure(pid: int, repeat: int, send) -> tuple[float, float]:
    """Median and maximum server CPU milliseconds per request."""
    samples = []
    for _ in range(repeat):
        before = cpu_seconds(pid)
        send()
        time.sleep(0.05)  # let the server finish its bookkeeping for the request
        samples.append((cpu_seconds(pid) - before) * 1000)
    return statistics.median(samples), max(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--roster", default=".build/release/roster")
    parser.add_argument("--users", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    key = "sk-admin-benchmark-hostile-input-0123456789"
    emails = [f"user{i:06d}@example.com" for i in range(args.users)]
    with tempfile.TemporaryDirectory() as folder:
        seed = os.path.join(folder, "org.json")
        extra = [f"extra{i:04d}@example.com" for i in range(1000)]
        with open(seed, "w") as file:
            json.dump({
                "users": [{"email": email, "name": email.split("@")[0]} for email in emails + extra],
                "groups": [{"name": "Everyone", "members": emails}],
            }, file)
        port = free_port()
        server = subprocess.Popen(
            [args.roster, "serve", "--host", "127.0.0.1", "--port", str(port), "--database", os.path.join(folder, "db.sqlite"),
             "--admin-key", key, "--seed", seed],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        origin = f"http://127.0.0.1:{port}"
        try:
            for _ in range(1200):
                try:
                    urllib.request.urlopen(origin + "/healthz", timeout=1)
                    break
                except OSError:
                    time.sleep(0.25)
            group = call(origin, key, "GET", "/scim/v2/Groups?filter=" + urllib.parse.quote('displayName eq "Everyone"')
                         + "&excludedAttributes=members")["Resources"][0]["id"]
            extra_ids = [u["id"] for u in call(origin, key, "GET", "/v1/organization/users?limit=100&emails[]="
                                                + "&emails[]=".join(extra[:100]))["data"]]
            rows = []
            for count in (1, 20):
                conditions = " or ".join(f'name.givenName eq "nobody{i}"' for i in range(count))
                rows.append((f"SCIM list, {count}-condition filter over every user", measure(
                    server.pid, args.repeat,
                    lambda: call(origin, key, "GET", "/scim/v2/Users?count=10&filter=" + urllib.parse.quote(conditions)))))
            renames = [{"op": "replace", "path": "displayName", "value": "Everyone"} for _ in range(100)]
            rows.append(("SCIM PATCH, 100 operations on a large group", measure(
                server.pid, args.repeat, lambda: call(origin, key, "PATCH", f"/scim/v2/Groups/{group}?excludedAttributes=members",
                                                      {"schemas": [PATCH_OP], "Operations": renames}))))
            members = [{"value": user_id} for user_id in extra_ids] * 10
            add = {"schemas": [PATCH_OP], "Operations": [{"op": "add", "path": "members", "value": members}]}
            remove = {"schemas": [PATCH_OP], "Operations": [{"op": "remove", "path": "members", "value": members}]}

            def add_then_remove():
                call(origin, key, "PATCH", f"/scim/v2/Groups/{group}?excludedAttributes=members", add)
                call(origin, key, "PATCH", f"/scim/v2/Groups/{group}?excludedAttributes=members", remove)
            median, worst = measure(server.pid, args.repeat, add_then_remove)
            rows.append(("SCIM PATCH, 1,000 member values added (then removed)", (median / 2, worst / 2)))
            wide = {f"unknown{i}": 0 for i in range(80_000)}
            created = iter(range(1_000_000))

            def create_wide_group():
                call(origin, key, "POST", "/v1/organization/groups", {**wide, "name": f"Wide {next(created)}"})
            rows.append(("POST a group, 80,000 members in its body (~1 MB)", measure(server.pid, args.repeat, create_wide_group)))
        finally:
            server.terminate()
            server.wait(timeout=30)
    print(f"{args.users} users in one group; server CPU per request, median / worst of {args.repeat}:")
    for name, (median, worst) in rows:
        print(f"  {name:58} {median:7.1f} ms / {worst:7.1f} ms")


if __name__ == "__main__":
    main()
