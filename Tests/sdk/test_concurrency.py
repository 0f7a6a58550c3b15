"""Identical requests racing each other: all succeed (or conflict where a name is taken), never a 5xx, and the
state ends with exactly one of each thing."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Callable

import openai
import pytest

from support import ids, start_server, unique

THREADS = 20


@pytest.fixture(scope="module", params=["memory", "file"])
def org(request, server, tmp_path_factory):
    """Each race runs on the shared in-memory server and again on a server with a database file, where
    writers contend for SQLite's file lock."""
    if request.param == "memory":
        yield server.client().admin.organization
        return
    workdir = tmp_path_factory.mktemp("roster-file")
    seeded = start_server(workdir, database=str(workdir / "roster.sqlite"),
                          seed={"users": [{"email": "carol@example.com", "name": "Carol"}]})
    yield seeded.client().admin.organization
    assert seeded.stop() == 0


@pytest.fixture
def user_ids(org):
    def lookup(email):
        return org.users.list(emails=[email]).data[0].id
    return lookup


@pytest.fixture
def new_group(org):
    return lambda: org.groups.create(name=unique("race group"))


@pytest.fixture
def new_role(org):
    return lambda: org.roles.create(role_name=unique("race role"), permissions=["api.groups.read"])


def race(call: Callable[[], object], threads: int = THREADS) -> list[object]:
    """Runs `call` on `threads` threads released together; returns each status code (or the exception)."""
    barrier = threading.Barrier(threads)

    def one():
        barrier.wait(timeout=30)
        try:
            response = call()
            return response.status_code
        except openai.APIStatusError as error:
            return error.status_code
        except Exception as error:  # noqa: BLE001 - reported by the caller
            return error

    with ThreadPoolExecutor(max_workers=threads) as pool:
        return list(pool.map(lambda _: one(), range(threads)))


def test_concurrent_identical_member_adds_all_succeed_and_leave_one_membership(org, new_group, user_ids):
    group, user_id = new_group(), user_ids("carol@example.com")
    statuses = race(lambda: org.groups.users.with_raw_response.create(group.id, user_id=user_id))
    assert statuses == [200] * THREADS
    assert ids(org.groups.users.list(group.id).data) == [user_id]


def test_concurrent_identical_user_role_assignments_all_succeed_and_leave_one(org, new_role, user_ids):
    role, user_id = new_role(), user_ids("carol@example.com")
    statuses = race(lambda: org.users.roles.with_raw_response.create(user_id, role_id=role.id))
    assert statuses == [200] * THREADS
    assert ids(org.users.roles.list(user_id, limit=1000).data).count(role.id) == 1


def test_concurrent_identical_group_role_assignments_all_succeed_and_leave_one(org, new_group, new_role):
    group, role = new_group(), new_role()
    statuses = race(lambda: org.groups.roles.with_raw_response.create(group.id, role_id=role.id))
    assert statuses == [200] * THREADS
    assert ids(org.groups.roles.list(group.id).data) == [role.id]


def test_concurrent_removals_of_one_member_give_one_200_and_404s(org, new_group, user_ids):
    group, user_id = new_group(), user_ids("carol@example.com")
    org.groups.users.create(group.id, user_id=user_id)
    statuses = race(lambda: org.groups.users.with_raw_response.delete(user_id, group_id=group.id))
    assert sorted(statuses) == [200] + [404] * (THREADS - 1)
    assert org.groups.users.list(group.id).data == []


def test_concurrent_creates_of_one_group_name_give_one_group_and_409s(org):
    name = unique("race")
    statuses = race(lambda: org.groups.with_raw_response.create(name=name))
    assert sorted(statuses) == [200] + [409] * (THREADS - 1)
    assert [g.name for g in org.groups.list(limit=1000).data].count(name) == 1


def test_concurrent_creates_of_one_role_name_give_one_role_and_409s(org):
    name = unique("race")
    statuses = race(lambda: org.roles.with_raw_response.create(role_name=name, permissions=["api.users.read"]))
    assert sorted(statuses) == [200] + [409] * (THREADS - 1)
    assert [r.name for r in org.roles.list().data].count(name) == 1


def test_concurrent_distinct_creates_all_succeed_with_distinct_ids(org):
    names = [unique("parallel") for _ in range(THREADS)]
    counter = iter(range(THREADS))
    lock = threading.Lock()
    created: list[str] = []

    def create_one():
        with lock:
            name = names[next(counter)]
        response = org.groups.with_raw_response.create(name=name)
        with lock:
            created.append(response.parse().id)
        return response

    assert race(create_one) == [200] * THREADS
    assert len(set(created)) == THREADS
    listed = ids(org.groups.list(limit=1000).data)
    assert set(created) <= set(listed)


def test_concurrent_assignment_and_group_deletion_never_5xx(org, new_role, user_ids):
    # Half the threads add a member / assign a role to a group while the others delete it.
    for _ in range(3):
        group, role = org.groups.create(name=unique("doomed")), new_role()
        user_id = user_ids("carol@example.com")
        toggle = iter(range(THREADS))
        lock = threading.Lock()

        def act():
            with lock:
                i = next(toggle)
            if i % 3 == 0:
                return org.groups.with_raw_response.delete(group.id)
            if i % 3 == 1:
                return org.groups.users.with_raw_response.create(group.id, user_id=user_id)
            return org.groups.roles.with_raw_response.create(group.id, role_id=role.id)

        statuses = race(act)
        assert all(isinstance(s, int) and s in (200, 404) for s in statuses), statuses
        assert role.id not in ids(org.users.roles.list(user_id, limit=1000).data) or any(
            g.id == group.id for g in org.groups.list(limit=1000).data)
