"""`roster copy`: a whole organization moved to a new database and back (SQLite to SQLite; on the suite's PostgreSQL
run, SQLite to PostgreSQL and back), with identifiers, keys, the audit log and revisions intact."""

from __future__ import annotations

import json

from support import POSTGRES, fresh_database, raw_request, start_server, unique
from test_cli import fails_with, roster

SEED = {
    "roles": [{"name": "Log Reader", "description": "Reads the audit log", "permissions": ["api.audit_logs.read"]}],
    "users": [{"email": "pat@example.com", "name": "Pat", "roles": ["Log Reader"]},
              {"email": "sam@example.com", "name": "Sam"}],
    "groups": [{"name": "Readers", "members": ["sam@example.com"], "roles": ["Log Reader"]}],
}


def snapshot(server) -> dict:
    """What a client can see of the organization: its export, its audit log and the revision it is at."""
    exported = roster("export", "--database", server.database)
    assert exported.returncode == 0, exported.stderr
    audit = raw_request(server.origin, "GET", "/v1/organization/audit_logs?limit=100", key=server.admin_key).json()
    revision = int(raw_request(server.origin, "GET", "/healthz").headers["roster-revision"])
    return {"export": json.loads(exported.stdout), "audit": audit["data"], "revision": revision}


def test_an_organization_copied_away_and_back_is_the_same_and_its_keys_still_work(tmp_path):
    source = start_server(tmp_path / "source", database=str(tmp_path / "source.sqlite"), seed=SEED)
    try:
        org = source.client().admin.organization
        pat = org.users.list(emails=["pat@example.com"]).data[0].id
        made = raw_request(source.origin, "POST", "/v1/organization/admin_api_keys", {"name": unique("pat"), "user_id": pat},
                           key=source.admin_key)
        assert made.status == 200, made.body
        pat_key = made.json()["value"]
        org.groups.create(name=unique("copied"))
    finally:
        assert source.stop() == 0
    source = start_server(tmp_path / "source-again", database=source.database)
    try:
        before = snapshot(source)
    finally:
        assert source.stop() == 0

    middle = fresh_database(tmp_path / "middle")
    copied = roster("copy", "--from", source.database, "--to", middle)
    assert copied.returncode == 0, copied.stdout + copied.stderr
    assert "audit_logs:" in copied.stderr and "Copied" in copied.stdout
    back = str(tmp_path / "back.sqlite")
    copied = roster("copy", "--from", middle, "--to", back)
    assert copied.returncode == 0, copied.stdout + copied.stderr

    for database in (middle, back):
        server = start_server(tmp_path / f"check-{len(database)}", database=database)
        try:
            after = snapshot(server)
            assert after == before
            # A key made before the copy works after it: its hash came along.
            listed = raw_request(server.origin, "GET", "/v1/organization/audit_logs?limit=1", key=pat_key)
            assert listed.status == 200, listed.body
        finally:
            assert server.stop() == 0


def test_a_copy_never_writes_over_an_organization(tmp_path):
    source = str(tmp_path / "source.sqlite")
    server = start_server(tmp_path / "source", database=source)
    assert server.stop() == 0
    taken = str(tmp_path / "taken.sqlite")
    server = start_server(tmp_path / "taken", database=taken)
    assert server.stop() == 0
    fails_with(roster("copy", "--from", source, "--to", taken), "exists already")
    fails_with(roster("copy", "--from", str(tmp_path / "none.sqlite"), "--to", str(tmp_path / "new.sqlite")),
               "There is no database")
    if POSTGRES:
        occupied = fresh_database(tmp_path / "occupied")
        assert roster("copy", "--from", source, "--to", occupied).returncode == 0
        fails_with(roster("copy", "--from", source, "--to", occupied), "Nothing was copied", "holds an organization already")


def test_migrate_prepares_a_new_database_once_and_a_server_then_starts_on_it(tmp_path):
    database = fresh_database(tmp_path / "migrated")
    for _ in range(2):
        migrated = roster("migrate", "--database", database)
        assert migrated.returncode == 0, migrated.stdout + migrated.stderr
        assert "is up to date" in migrated.stdout
    server = start_server(tmp_path / "serve", database=database, seed=SEED)
    try:
        assert [u.email for u in server.client().admin.organization.users.list(emails=["pat@example.com"]).data] == ["pat@example.com"]
    finally:
        assert server.stop() == 0
