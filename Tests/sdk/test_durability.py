"""Durability: what a 200 reported survives a SIGKILL and a restart on the same database file."""

from __future__ import annotations

import signal

from support import fresh_database, ids, unique, start_server


def test_a_group_created_just_before_a_sigkill_is_there_after_a_restart(tmp_path):
    database = fresh_database(tmp_path)
    first = start_server(tmp_path / "first", database=database)
    try:
        group = first.client().admin.organization.groups.create(name=unique("durable"))
    finally:
        first.stop(signal.SIGKILL)
    assert first.process.returncode == -signal.SIGKILL

    second = start_server(tmp_path / "second", database=database)
    try:
        org = second.client().admin.organization
        fetched = org.groups.retrieve(group.id)
        assert (fetched.id, fetched.name, fetched.created_at) == (group.id, group.name, group.created_at)
        assert group.id in ids(org.groups.list().data)
    finally:
        second.stop()


def test_roles_memberships_and_assignments_survive_a_sigkill_and_restart(tmp_path):
    database = fresh_database(tmp_path)
    first = start_server(tmp_path / "first", database=database)
    try:
        org = first.client().admin.organization
        owner = org.users.list().data[0]
        group = org.groups.create(name=unique("durable"))
        role = org.roles.create(role_name=unique("durable"), permissions=["api.groups.read"])
        org.groups.users.create(group.id, user_id=owner.id)
        org.groups.roles.create(group.id, role_id=role.id)
        org.users.roles.create(owner.id, role_id=role.id)
    finally:
        first.stop(signal.SIGKILL)

    second = start_server(tmp_path / "second", database=database)
    try:
        org = second.client().admin.organization
        assert org.roles.retrieve(role.id).name == role.name
        assert ids(org.groups.users.list(group.id).data) == [owner.id]
        assert ids(org.groups.roles.list(group.id).data) == [role.id]
        entry = next(r for r in org.users.roles.list(owner.id).data if r.id == role.id)
        assert sorted((s.principal_type, s.principal_id) for s in entry.assignment_sources) == sorted(
            [("user", owner.id), ("group", group.id)])
    finally:
        second.stop()


def test_restarting_with_the_same_admin_key_keeps_a_single_owner(tmp_path):
    database = fresh_database(tmp_path)
    for run in ("first", "second"):
        server = start_server(tmp_path / run, database=database)
        try:
            users = server.client().admin.organization.users.list().data
            assert [u.role for u in users] == ["owner"], users
            assert users[0].email == "owner@localhost"
        finally:
            assert server.stop() == 0


def test_many_groups_acknowledged_just_before_a_sigkill_are_all_there_after_a_restart(tmp_path):
    database = fresh_database(tmp_path)
    first = start_server(tmp_path / "first", database=database)
    try:
        org = first.client().admin.organization
        created = [org.groups.create(name=unique("burst")).id for _ in range(30)]
    finally:
        first.stop(signal.SIGKILL)
    second = start_server(tmp_path / "second", database=database)
    try:
        listed = ids(second.client().admin.organization.groups.list().data)
        assert listed == created
    finally:
        second.stop()


def test_restarting_with_the_same_seed_changes_nothing(tmp_path):
    seed = {
        "roles": [{"name": "Seeded Role", "permissions": ["api.groups.read"]}],
        "users": [{"email": "ada@example.com", "name": "Ada", "role": "owner", "roles": ["Seeded Role"]},
                  {"email": "bob@example.com", "name": "Bob"}],
        "groups": [{"name": "Seeded Group", "members": ["bob@example.com"], "roles": ["Seeded Role"]},
                   {"name": "Seeded IdP Group", "scim_managed": True, "members": ["ada@example.com"]}],
    }
    database = fresh_database(tmp_path)
    snapshots = []
    for run in ("first", "second"):
        server = start_server(tmp_path / run, database=database, seed=seed)
        try:
            org = server.client().admin.organization
            users = [(u.id, u.email, u.role) for u in org.users.list(limit=100).data]
            roles = [(r.id, r.name) for r in org.roles.list().data]
            groups = [(g.id, g.name, g.is_scim_managed) for g in org.groups.list().data]
            members = {g[0]: ids(org.groups.users.list(g[0]).data) for g in groups}
            group_roles = {g[0]: ids(org.groups.roles.list(g[0]).data) for g in groups}
            user_roles = {u[0]: sorted(ids(org.users.roles.list(u[0]).data)) for u in users}
            snapshots.append((users, roles, groups, members, group_roles, user_roles))
        finally:
            assert server.stop() == 0
    assert snapshots[0] == snapshots[1]
    users, roles, groups = snapshots[0][:3]
    assert sorted(u[1] for u in users) == ["ada@example.com", "bob@example.com", "owner@localhost"] or sorted(
        u[1] for u in users) == ["ada@example.com", "bob@example.com"]
    assert [g[1:] for g in groups] == [("Seeded Group", False), ("Seeded IdP Group", True)]


def test_groups_acknowledged_by_concurrent_writers_before_a_sigkill_are_all_there_after_a_restart(tmp_path):
    """Concurrent writes share commits; each is acknowledged only once its commit is on disk."""
    import threading
    import time

    database = fresh_database(tmp_path)
    first = start_server(tmp_path / "first", database=database)
    acknowledged: list[str] = []
    lock = threading.Lock()
    stop = threading.Event()

    def writer() -> None:
        org = first.client().with_options(max_retries=0).admin.organization
        while not stop.is_set():
            try:
                group = org.groups.create(name=unique("burst"))
            except Exception:
                return  # the server is gone
            with lock:
                acknowledged.append(group.id)

    threads = [threading.Thread(target=writer) for _ in range(16)]
    for thread in threads:
        thread.start()
    # Kill once a stream of writes is under way, however fast this machine is.
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with lock:
            if len(acknowledged) >= 100:
                break
        time.sleep(0.05)
    first.stop(signal.SIGKILL)
    stop.set()
    for thread in threads:
        thread.join(timeout=30)
    assert len(acknowledged) >= 100

    second = start_server(tmp_path / "second", database=database)
    try:
        org = second.client().admin.organization
        stored = set()
        page = org.groups.list(limit=1000)
        while True:
            stored.update(g.id for g in page.data)
            if not page.has_more:
                break
            page = org.groups.list(limit=1000, after=page.data[-1].id)
        missing = [g for g in acknowledged if g not in stored]
        assert not missing, f"{len(missing)} of {len(acknowledged)} acknowledged groups were lost"
    finally:
        second.stop()
