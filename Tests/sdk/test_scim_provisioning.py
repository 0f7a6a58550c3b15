"""SCIM provisioning end to end: what an identity provider does at /scim/v2 and what an admin then sees at /v1.

SCIM calls go over urllib with the admin key as a bearer token and `application/scim+json`, shaped as Okta and
Microsoft Entra ID send them; Admin API calls go through the official `openai` SDK. Every test provisions its own
users and groups under unique names.
"""

from __future__ import annotations

import re
import signal
import urllib.parse
import uuid
from typing import Any, Callable, Optional

import openai
import pytest

from support import (RawResponse, all_users, assert_api_error, assert_id, ids, raw_request, start_server, unique)

USER_URN = "urn:ietf:params:scim:schemas:core:2.0:User"
GROUP_URN = "urn:ietf:params:scim:schemas:core:2.0:Group"
ENTERPRISE_URN = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
PATCH_OP_URN = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
LIST_RESPONSE_URN = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
ERROR_URN = "urn:ietf:params:scim:api:messages:2.0:Error"
SCIM_MEDIA_TYPE = "application/scim+json"
WEAK_ETAG = re.compile(r'^W/"(\d+)"$')
SCIM_MESSAGE = r"SCIM|identity provider"


def scim_request(origin: str, key: str, method: str, path: str, body: Any = None,
                 headers: Optional[dict] = None) -> RawResponse:
    """A SCIM call as identity providers make it: `path` is below /scim/v2."""
    all_headers = {"Accept": SCIM_MEDIA_TYPE}
    if body is not None:
        all_headers["Content-Type"] = SCIM_MEDIA_TYPE
    all_headers.update(headers or {})
    return raw_request(origin, method, "/scim/v2" + path, body, key=key, headers=all_headers)


@pytest.fixture(scope="module")
def scim(server) -> Callable[..., RawResponse]:
    """`scim(method, "/Users…", body=None, headers=None)` against the session server."""

    def request(method: str, path: str, body: Any = None, headers: Optional[dict] = None) -> RawResponse:
        return scim_request(server.origin, server.admin_key, method, path, body, headers)

    return request


def filter_query(expression: str, **params: Any) -> str:
    """`?filter=…&…`, percent-encoded as identity providers send it."""
    return "?" + urllib.parse.urlencode({"filter": expression, **params}, quote_via=urllib.parse.quote)


def expect(response: RawResponse, status: int) -> Any:
    """Checks the status and SCIM media type; returns the JSON body (None for an empty one)."""
    assert response.status == status, f"expected {status}, got {response.status}: {response.body[:800]!r}"
    if not response.body:
        return None
    assert (response.headers.get("Content-Type") or "").startswith(SCIM_MEDIA_TYPE), response.headers.get(
        "Content-Type")
    return response.json()


def assert_scim_error(response: RawResponse, status: int, scim_type: Optional[str] = None) -> dict:
    """RFC 7644 §3.12: `{"schemas": [Error URN], "status": "409", "scimType": …, "detail": …}`."""
    body = expect(response, status)
    assert body["schemas"] == [ERROR_URN], body
    assert body["status"] == str(status), body
    assert isinstance(body.get("detail"), str) and body["detail"].strip(), body
    if scim_type is not None:
        assert body.get("scimType") == scim_type, body
    return body


def etag_version(response: RawResponse) -> int:
    etag = response.headers.get("ETag")
    match = WEAK_ETAG.match(etag or "")
    assert match, f"ETag {etag!r} is not W/\"<n>\""
    return int(match.group(1))


def okta_user(user_name: str, given: str, family: str) -> dict:
    """The body Okta posts when it provisions a user (it also sends its own id, a locale, groups and a password)."""
    return {
        "schemas": [USER_URN],
        "userName": user_name,
        "name": {"givenName": given, "familyName": family},
        "emails": [{"primary": True, "value": user_name, "type": "work"}],
        "displayName": f"{given} {family}",
        "locale": "en-US",
        "externalId": "00u" + uuid.uuid4().hex[:17],
        "groups": [],
        "password": "Kv7J2LEa-not-stored",
        "active": True,
    }


def entra_user(user_name: str, email: str) -> dict:
    """The body Microsoft Entra ID posts when it provisions a user."""
    return {
        "schemas": [USER_URN, ENTERPRISE_URN],
        "externalId": str(uuid.uuid4()),
        "userName": user_name,
        "active": True,
        "displayName": "Entra Person",
        "emails": [{"primary": True, "type": "work", "value": email}],
        "meta": {"resourceType": "User"},
        "name": {"formatted": "Entra Person", "familyName": "Person", "givenName": "Entra"},
        "roles": [],
        ENTERPRISE_URN: {"department": "Research"},
    }


def conformance_user(user_name: str, given: str, family: str) -> dict:
    """The create-user body of Okta's SCIM 2.0 Spec Test (the Runscope suite Okta publishes for SCIM servers)."""
    return {
        "schemas": [USER_URN],
        "userName": user_name,
        "name": {"givenName": given, "familyName": family},
        "emails": [{"primary": True, "value": user_name, "type": "work"}],
        "displayName": f"{given} {family}",
        "active": True,
    }


def new_address(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}@idp.example.com"


def patch_body(*operations: dict) -> dict:
    return {"schemas": [PATCH_OP_URN], "Operations": list(operations)}


@pytest.fixture
def provision(scim) -> Callable[..., dict]:
    """`provision(prefix)` POSTs an Okta-shaped user and returns the created resource."""

    def make(prefix: str = "okta", body: Optional[dict] = None) -> dict:
        address = new_address(prefix)
        created = expect(scim("POST", "/Users", body or okta_user(address, "Pat", prefix.title())), 201)
        assert_id(created["id"], "user")
        return created

    return make


# MARK: Okta: look up, create, push a group


def test_okta_looks_up_a_user_name_finds_nothing_creates_it_and_the_admin_api_lists_it(scim, org):
    address = new_address("okta")
    lookup = filter_query(f'userName eq "{address}"', startIndex=1, count=100)

    empty = expect(scim("GET", "/Users" + lookup), 200)
    assert empty["schemas"] == [LIST_RESPONSE_URN], empty
    assert empty["totalResults"] == 0, empty
    assert empty.get("Resources", []) == [], empty
    assert (empty["startIndex"], empty["itemsPerPage"]) == (1, 0), empty

    body = okta_user(address, "Olivia", "Okta")
    response = scim("POST", "/Users", body)
    created = expect(response, 201)
    user_id = created["id"]
    assert_id(user_id, "user")
    assert created["schemas"][0] == USER_URN
    assert created["userName"] == address
    assert created["externalId"] == body["externalId"]
    assert created["name"] == {"givenName": "Olivia", "familyName": "Okta"}
    assert created["emails"] == body["emails"]
    assert created["displayName"] == "Olivia Okta"
    assert created["active"] is True
    assert "password" not in created, "the password came back"
    assert created["meta"]["resourceType"] == "User"
    assert created["meta"]["location"].endswith(f"/scim/v2/Users/{user_id}")
    assert response.headers.get("Location") == created["meta"]["location"]
    assert created["meta"]["version"] == response.headers.get("ETag")
    etag_version(response)

    # The admin sees the provisioned user, by email and by id.
    listed = org.users.list(emails=[address]).data
    assert ids(listed) == [user_id]
    for user in (listed[0], org.users.retrieve(user_id)):
        assert user.id == user_id
        assert user.email == address
        assert user.name == "Olivia Okta"
        assert user.is_scim_managed is True
        assert user.role == "reader"
    assert user_id in ids(all_users(org))

    # Okta's next lookup finds it, whatever the case of the userName (userName is caseExact false).
    for spelling in (address, address.upper()):
        found = expect(scim("GET", "/Users" + filter_query(f'userName eq "{spelling}"', startIndex=1, count=100)), 200)
        assert found["totalResults"] == 1, found
        assert [r["id"] for r in found["Resources"]] == [user_id]
    fetched = expect(scim("GET", f"/Users/{user_id}"), 200)
    assert fetched["userName"] == address and fetched["name"] == created["name"]
    assert "password" not in fetched, "the password came back"


def test_an_okta_group_push_shows_in_the_admin_api_which_can_only_assign_it_roles(
        scim, org, provision, new_role, user_ids):
    first, second = provision("push-a"), provision("push-b")
    name = unique("Okta Push")

    # Okta creates the group empty, then adds its members with PATCH.
    group = expect(scim("POST", "/Groups", {"schemas": [GROUP_URN], "displayName": name, "members": []}), 201)
    group_id = group["id"]
    assert_id(group_id, "group")
    assert group["displayName"] == name and group.get("members", []) == []
    patched = scim("PATCH", f"/Groups/{group_id}", patch_body({
        "op": "add", "path": "members",
        "value": [{"value": first["id"], "display": first["userName"]},
                  {"value": second["id"], "display": second["userName"]}],
    }))
    assert patched.status in (200, 204), patched.body[:500]
    scim_members = expect(scim("GET", f"/Groups/{group_id}"), 200)["members"]
    assert sorted(m["value"] for m in scim_members) == sorted([first["id"], second["id"]])

    # The admin sees the group, owned by the identity provider, with its members.
    fetched = org.groups.retrieve(group_id)
    assert (fetched.id, fetched.name, fetched.is_scim_managed) == (group_id, name, True)
    members = org.groups.users.list(group_id).data
    assert sorted(ids(members)) == sorted([first["id"], second["id"]])
    assert sorted(m.email for m in members) == sorted([first["userName"], second["userName"]])

    # The Admin API may not rename it, delete it, or change its members…
    carol = user_ids("carol@example.com")
    attempts = [
        lambda: org.groups.update(group_id, name=unique("renamed")),
        lambda: org.groups.delete(group_id),
        lambda: org.groups.users.create(group_id, user_id=carol),
        lambda: org.groups.users.delete(first["id"], group_id=group_id),
    ]
    for attempt in attempts:
        with pytest.raises(openai.ConflictError) as excinfo:
            attempt()
        assert_api_error(excinfo, 409, code="scim_managed", message=SCIM_MESSAGE)
    assert org.groups.retrieve(group_id).name == name
    assert sorted(ids(org.groups.users.list(group_id).data)) == sorted([first["id"], second["id"]])

    # …but it may give it a role, which its members then hold through the group.
    role = new_role(permissions=["api.groups.read"], prefix="pushed")
    assigned = org.groups.roles.create(group_id, role_id=role.id)
    assert assigned.group.id == group_id and assigned.role.id == role.id
    assert ids(org.groups.roles.list(group_id).data) == [role.id]
    for member in (first, second):
        entry = next((r for r in org.users.roles.list(member["id"], limit=1000).data if r.id == role.id), None)
        assert entry is not None, f"{member['id']} does not list the group's role"
        assert [(s.principal_type, s.principal_id) for s in entry.assignment_sources] == [("group", group_id)]

    # When Okta removes a member (its filter form), that member loses the role with the membership.
    removed = scim("PATCH", f"/Groups/{group_id}", patch_body(
        {"op": "remove", "path": f'members[value eq "{second["id"]}"]'}))
    assert removed.status in (200, 204), removed.body[:500]
    assert ids(org.groups.users.list(group_id).data) == [first["id"]]
    assert role.id not in ids(org.users.roles.list(second["id"], limit=1000).data)
    assert role.id in ids(org.users.roles.list(first["id"], limit=1000).data)


# MARK: Entra: deactivate, reactivate, delete


def test_entra_deactivates_reactivates_and_deletes_a_user_and_the_admin_api_follows(scim, org):
    address = new_address("entra")
    created = expect(scim("POST", "/Users", entra_user(address, address)), 201)
    user_id = created["id"]
    assert created[ENTERPRISE_URN] == {"department": "Research"}
    group = expect(scim("POST", "/Groups", {
        "schemas": [GROUP_URN], "displayName": unique("Entra Group"), "members": [{"value": user_id}]}), 201)
    group_id = group["id"]
    assert ids(org.groups.users.list(group_id).data) == [user_id]
    assert ids(org.users.list(emails=[address]).data) == [user_id]

    # Entra deactivates with a string "False" and a capitalised op (here without the optional `schemas`).
    response = scim("PATCH", f"/Users/{user_id}", {"Operations": [{"op": "Replace", "path": "active", "value": "False"}]})
    deactivated = expect(response, 200)
    assert deactivated["active"] is False, deactivated
    assert expect(scim("GET", f"/Users/{user_id}"), 200)["active"] is False

    assert user_id not in ids(all_users(org)), "a deactivated user is still listed"
    assert org.users.list(emails=[address]).data == []
    kept = org.users.retrieve(user_id)
    assert (kept.id, kept.email, kept.is_scim_managed) == (user_id, address, True)

    # Reactivation brings back the same user.
    reactivated = expect(scim("PATCH", f"/Users/{user_id}", patch_body(
        {"op": "Replace", "path": "active", "value": "True"})), 200)
    assert reactivated["active"] is True and reactivated["id"] == user_id
    assert user_id in ids(all_users(org))
    assert ids(org.users.list(emails=[address]).data) == [user_id]
    assert ids(org.groups.users.list(group_id).data) == [user_id]

    # Deletion removes the organization user and its memberships.
    deleted = scim("DELETE", f"/Users/{user_id}")
    assert deleted.status == 204, deleted.body[:500]
    assert deleted.body == b""
    with pytest.raises(openai.NotFoundError) as excinfo:
        org.users.retrieve(user_id)
    assert_api_error(excinfo, 404)
    assert org.groups.users.list(group_id).data == []
    assert user_id not in ids(all_users(org))
    assert_scim_error(scim("GET", f"/Users/{user_id}"), 404)
    assert expect(scim("GET", f"/Groups/{group_id}"), 200).get("members", []) == []


# MARK: Uniqueness


def test_a_second_user_with_the_same_user_name_in_another_case_is_409_uniqueness(scim, org):
    address = new_address("twice")
    first = expect(scim("POST", "/Users", okta_user(address, "First", "Twice")), 201)
    again = okta_user(address.upper(), "Second", "Twice")
    again["emails"] = [{"primary": True, "value": new_address("other"), "type": "work"}]
    assert_scim_error(scim("POST", "/Users", again), 409, "uniqueness")

    found = expect(scim("GET", "/Users" + filter_query(f'userName eq "{address}"')), 200)
    assert [r["id"] for r in found["Resources"]] == [first["id"]]
    assert org.users.list(emails=[again["emails"][0]["value"]]).data == []
    assert org.users.retrieve(first["id"]).name == "First Twice"


def test_a_scim_group_named_like_an_admin_api_group_is_409_uniqueness(scim, org, new_group):
    existing = new_group("admin-made")
    for display_name in (existing.name, existing.name.upper()):
        assert_scim_error(
            scim("POST", "/Groups", {"schemas": [GROUP_URN], "displayName": display_name, "members": []}),
            409, "uniqueness")
    kept = org.groups.retrieve(existing.id)
    assert (kept.name, kept.is_scim_managed) == (existing.name, False)
    assert [g.id for g in org.groups.list(limit=1000).data if g.name.lower() == existing.name.lower()] == [existing.id]


# MARK: ETags


def test_get_returns_a_weak_etag_and_a_put_with_a_stale_if_match_is_412_and_changes_nothing(scim, org, provision):
    created = provision("etag")
    user_id = created["id"]
    fetched = scim("GET", f"/Users/{user_id}")
    body = expect(fetched, 200)
    version = etag_version(fetched)
    assert body["meta"]["version"] == fetched.headers.get("ETag")
    stale = fetched.headers.get("ETag")

    replacement = dict(body)
    replacement.pop("meta")
    replacement["displayName"] = "Renamed Once"
    updated = scim("PUT", f"/Users/{user_id}", replacement, headers={"If-Match": stale})
    assert expect(updated, 200)["displayName"] == "Renamed Once"
    current = updated.headers.get("ETag")
    assert etag_version(updated) > version

    replacement["displayName"] = "Renamed Twice"
    assert_scim_error(scim("PUT", f"/Users/{user_id}", replacement, headers={"If-Match": stale}), 412)
    after = scim("GET", f"/Users/{user_id}")
    assert expect(after, 200)["displayName"] == "Renamed Once"
    assert after.headers.get("ETag") == current
    assert org.users.retrieve(user_id).name == "Renamed Once"


def test_a_group_patch_with_a_stale_if_match_is_412_and_keeps_the_members(scim, org, provision):
    member, outsider = provision("etag-member"), provision("etag-outsider")
    created = scim("POST", "/Groups", {"schemas": [GROUP_URN], "displayName": unique("ETag Group"),
                                      "members": [{"value": member["id"]}]})
    group_id = expect(created, 201)["id"]
    stale = created.headers.get("ETag")
    etag_version(created)
    renamed = scim("PATCH", f"/Groups/{group_id}", patch_body(
        {"op": "replace", "path": "displayName", "value": unique("ETag Renamed")}), headers={"If-Match": stale})
    assert renamed.status in (200, 204), renamed.body[:500]
    add = patch_body({"op": "add", "path": "members", "value": [{"value": outsider["id"]}]})
    assert_scim_error(scim("PATCH", f"/Groups/{group_id}", add, headers={"If-Match": stale}), 412)
    assert ids(org.groups.users.list(group_id).data) == [member["id"]]


# MARK: The conformance suite's payload


def test_the_conformance_suites_user_is_provisioned_and_can_join_admin_api_groups(scim, org, new_group):
    address = new_address("spec")
    body = conformance_user(address, "Runscope", "Spec")
    created = expect(scim("POST", "/Users", body), 201)
    user_id = created["id"]
    for attribute in ("schemas", "userName", "name", "emails", "displayName", "active"):
        assert created[attribute] == body[attribute], attribute

    user = org.users.retrieve(user_id)
    assert (user.email, user.name, user.is_scim_managed) == (address, "Runscope Spec", True)

    group = new_group("joins-scim-user")
    added = org.groups.users.create(group.id, user_id=user_id)
    assert added.user_id == user_id and added.group_id == group.id
    assert ids(org.groups.users.list(group.id).data) == [user_id]
    assert org.groups.retrieve(group.id).is_scim_managed is False

    # The identity provider reads the membership back on the user (RFC 7643 `groups`, read-only).
    groups = expect(scim("GET", f"/Users/{user_id}"), 200).get("groups", [])
    assert [(g["value"], g["display"]) for g in groups] == [(group.id, group.name)]


# MARK: Durability


def test_a_user_provisioned_over_scim_survives_a_sigkill_and_a_restart(tmp_path):
    database = str(tmp_path / "roster.sqlite")
    address = new_address("durable")
    body = okta_user(address, "Durable", "Person")
    first = start_server(tmp_path / "first", database=database)
    try:
        response = scim_request(first.origin, first.admin_key, "POST", "/Users", body)
        created = expect(response, 201)
        group = expect(scim_request(first.origin, first.admin_key, "POST", "/Groups", {
            "schemas": [GROUP_URN], "displayName": unique("Durable IdP"), "members": [{"value": created["id"]}]}), 201)
    finally:
        first.stop(signal.SIGKILL)
    assert first.process.returncode == -signal.SIGKILL

    second = start_server(tmp_path / "second", database=database)
    try:
        org = second.client().admin.organization
        user = org.users.retrieve(created["id"])
        assert (user.email, user.name, user.is_scim_managed) == (address, "Durable Person", True)
        assert ids(org.users.list(emails=[address]).data) == [created["id"]]
        assert org.groups.retrieve(group["id"]).is_scim_managed is True
        assert ids(org.groups.users.list(group["id"]).data) == [created["id"]]

        fetched = scim_request(second.origin, second.admin_key, "GET", f"/Users/{created['id']}")
        after = expect(fetched, 200)
        for attribute in ("userName", "externalId", "name", "emails", "displayName", "active", "locale"):
            assert after[attribute] == created[attribute], attribute
        assert fetched.headers.get("ETag") == response.headers.get("ETag")
        found = expect(scim_request(second.origin, second.admin_key, "GET",
                                    "/Users" + filter_query(f'userName eq "{address}"')), 200)
        assert [r["id"] for r in found["Resources"]] == [created["id"]]
    finally:
        second.stop()
