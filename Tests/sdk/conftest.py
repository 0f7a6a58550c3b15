"""Fixtures for the SDK suite: a real `roster serve` process driven through the official `openai` package.

The session-scoped `server` runs on an in-memory database seeded from `support.SEED`, or, when `ROSTER_SDK_POSTGRES`
names a PostgreSQL cluster, on a new database there (CI runs the suite once more that way); tests that need a server
of their own (shutdown, durability, two instances) call `support.start_server` on `support.fresh_database`. Every
test makes its own objects with unique names (`support.unique`), so tests do not depend on one another on the shared
server.
"""

from __future__ import annotations

from typing import Any, Callable, Iterable, Optional

import openai
import pytest

from support import POSTGRES, SEED, RawResponse, Server, all_users, fresh_database, new_email, raw_request, scim_create_user, start_server, unique


@pytest.fixture(scope="session")
def server(tmp_path_factory) -> Iterable[Server]:
    workdir = tmp_path_factory.mktemp("roster-session")
    database = fresh_database(workdir) if POSTGRES else ":memory:"
    server = start_server(workdir, database=database, seed=SEED)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def client(server: Server) -> openai.OpenAI:
    return server.client()


@pytest.fixture(scope="session")
def org(client: openai.OpenAI):
    """`client.admin.organization`."""
    return client.admin.organization


@pytest.fixture(scope="session")
def user_ids(org) -> Callable[..., Any]:
    """`user_ids("a@x", "b@x")` -> their ids in that order; `user_ids("a@x")` -> one id."""
    cache: dict[str, str] = {}

    def lookup(*emails: str):
        missing = [e for e in emails if e.lower() not in cache]
        for i in range(0, len(missing), 50):
            page = org.users.list(emails=missing[i:i + 50], limit=100)
            for user in page.data:
                cache[user.email.lower()] = user.id
        for e in emails:
            assert e.lower() in cache, f"seeded user {e} not found by users.list(emails=...)"
        ids = [cache[e.lower()] for e in emails]
        return ids[0] if len(ids) == 1 else ids

    return lookup


@pytest.fixture(scope="session")
def predefined_roles(org) -> dict[str, Any]:
    """{"owner": Role, "reader": Role}."""
    roles = {r.name: r for r in org.roles.list(limit=1000).data if r.predefined_role}
    assert {"owner", "reader"} <= set(roles), f"predefined roles missing: {sorted(roles)}"
    return roles


@pytest.fixture(scope="session")
def key_owner(org, user_ids) -> Any:
    """The owner user the admin key belongs to: the first owner (smallest id) when the server started."""
    user_ids("ada@example.com")  # forces the session server up before anything can change who is an owner
    owners = sorted((u for u in all_users(org) if u.role == "owner"), key=lambda u: u.id)
    assert owners, "the organization has no owner"
    return owners[0]


@pytest.fixture
def new_group(org) -> Callable[..., Any]:
    def make(prefix: str = "group"):
        return org.groups.create(name=unique(prefix))

    return make


@pytest.fixture
def new_user(server: Server, org) -> Callable[..., Any]:
    """`new_user(prefix)` provisions a fresh user over SCIM (the only way users enter besides the seed) and returns
    its Admin API object; `new_user(email=...)` uses that address."""

    def make(prefix: str = "user", email: Optional[str] = None):
        response = scim_create_user(server.origin, server.admin_key, email or new_email(prefix))
        assert response.status == 201, f"SCIM POST /Users: {response.status} {response.body[:500]!r}"
        return org.users.retrieve(response.json()["id"])

    return make


@pytest.fixture
def new_project(org) -> Callable[..., Any]:
    def make(prefix: str = "project"):
        return org.projects.create(name=unique(prefix))

    return make


@pytest.fixture
def new_role(org) -> Callable[..., Any]:
    def make(permissions=("api.groups.read",), prefix: str = "role", description: Optional[str] = None):
        kwargs = {"description": description} if description is not None else {}
        return org.roles.create(role_name=unique(prefix), permissions=list(permissions), **kwargs)

    return make


@pytest.fixture(scope="session")
def raw(server: Server) -> Callable[..., RawResponse]:
    """`raw(method, path, body=None, key=ADMIN_KEY, headers=None)`; body may be bytes, str or a JSON value."""

    def request(method: str, path: str, body: Any = None, *, key: Optional[str] = server.admin_key,
                headers: Optional[dict] = None, timeout: float = 30.0) -> RawResponse:
        return raw_request(server.origin, method, path, body, key=key, headers=headers, timeout=timeout)

    return request
