"""Role assignments to users and groups: assign, list, retrieve, unassign, idempotency, inheritance."""

from __future__ import annotations

import openai
import pytest

from support import assert_api_error, assert_envelope, ids

UNKNOWN_ROLE = "role_01J00000000000000000000000"
UNKNOWN_USER = "user_01J00000000000000000000000"
UNKNOWN_GROUP = "group_01J00000000000000000000000"


def sources(entry) -> list[tuple[str, str]]:
    return sorted((s.principal_type, s.principal_id) for s in (entry.assignment_sources or []))


def entry_for(org, user_id: str, role_id: str):
    matches = [r for r in org.users.roles.list(user_id, limit=1000).data if r.id == role_id]
    assert len(matches) <= 1, f"role {role_id} listed {len(matches)} times for {user_id}"
    return matches[0] if matches else None


# ---------------------------------------------------------------------------------------------------------------
# Users


def test_assigning_a_role_to_a_user_returns_user_role_with_the_user_and_the_role(org, new_role, user_ids):
    role, user_id = new_role(), user_ids("grace@example.com")
    response = org.users.roles.with_raw_response.create(user_id, role_id=role.id)
    assert response.status_code == 200
    body = response.http_response.json()
    assert body["object"] == "user.role"
    assert body["user"]["id"] == user_id and body["user"]["object"] == "organization.user"
    assert body["user"]["email"] == "grace@example.com"
    assert body["role"]["id"] == role.id and body["role"]["object"] == "role"
    assert body["role"]["name"] == role.name and body["role"]["predefined_role"] is False


def test_a_directly_assigned_role_is_listed_with_a_user_assignment_source(org, new_role, user_ids):
    role, user_id = new_role(permissions=["api.users.read"]), user_ids("grace@example.com")
    org.users.roles.create(user_id, role_id=role.id)
    entry = entry_for(org, user_id, role.id)
    assert entry is not None
    assert entry.name == role.name and entry.permissions == ["api.users.read"]
    assert entry.resource_type == "api.organization" and entry.predefined_role is False
    assert sources(entry) == [("user", user_id)]


def test_retrieving_a_users_role_returns_assigned_role_details(org, new_role, user_ids):
    role, user_id = new_role(description="details"), user_ids("grace@example.com")
    org.users.roles.create(user_id, role_id=role.id)
    body = org.users.roles.with_raw_response.retrieve(role.id, user_id=user_id).http_response.json()
    for key in ("id", "name", "permissions", "resource_type", "predefined_role", "description", "created_at",
                "updated_at", "created_by", "created_by_user_obj", "metadata", "assignment_sources"):
        assert key in body, f"{key} missing from {body}"
    assert body["id"] == role.id and body["description"] == "details"
    assert [(s["principal_type"], s["principal_id"]) for s in body["assignment_sources"]] == [("user", user_id)]


def test_every_user_holds_its_predefined_role_directly(org, user_ids, predefined_roles):
    reader = predefined_roles["reader"]
    for email in ("bob@example.com", "erin@example.com"):
        user_id = user_ids(email)
        entry = entry_for(org, user_id, reader.id)
        assert entry is not None, f"{email} does not list the reader role"
        assert entry.name == "reader" and entry.predefined_role is True
        assert ("user", user_id) in sources(entry)


def test_a_seeded_owner_holds_the_owner_role_and_not_reader(org, user_ids, predefined_roles):
    ada = user_ids("ada@example.com")
    assert entry_for(org, ada, predefined_roles["owner"].id) is not None
    assert entry_for(org, ada, predefined_roles["reader"].id) is None


def test_unassigning_a_users_predefined_role_leaves_it_holding_a_predefined_role(org, user_ids, predefined_roles):
    # Every user holds its predefined role; whatever the server answers (a refusal, or a 200 that changes
    # nothing), the user must still have `role` owner|reader and list that predefined role.
    user_id = user_ids("keeps-predefined@example.com")
    reader = predefined_roles["reader"]
    try:
        org.users.roles.delete(reader.id, user_id=user_id)
    except openai.APIStatusError as error:
        assert error.status_code in (400, 409), error.body
        assert_envelope(error.body)
    role = org.users.retrieve(user_id).role
    assert role in ("owner", "reader"), f"users.retrieve shows role={role!r}"
    held = {r.name for r in org.users.roles.list(user_id, limit=1000).data if r.predefined_role}
    assert role in held, f"the user's role list has predefined roles {sorted(held)}, not {role!r}"


def test_assigning_a_role_twice_leaves_exactly_one_assignment_and_both_calls_succeed(org, new_role, user_ids):
    role, user_id = new_role(), user_ids("grace@example.com")
    first = org.users.roles.with_raw_response.create(user_id, role_id=role.id)
    second = org.users.roles.with_raw_response.create(user_id, role_id=role.id)
    assert (first.status_code, second.status_code) == (200, 200)
    assert ids(org.users.roles.list(user_id, limit=1000).data).count(role.id) == 1


def test_unassigning_a_role_from_a_user_returns_user_role_deleted_and_unlists_it(org, new_role, user_ids):
    role, user_id = new_role(), user_ids("grace@example.com")
    org.users.roles.create(user_id, role_id=role.id)
    removed = org.users.roles.delete(role.id, user_id=user_id)
    assert (removed.object, removed.deleted) == ("user.role.deleted", True)
    assert entry_for(org, user_id, role.id) is None
    with pytest.raises(openai.NotFoundError):
        org.users.roles.retrieve(role.id, user_id=user_id)


def test_unassigning_a_role_the_user_does_not_hold_is_404(org, new_role, user_ids):
    role, user_id = new_role(), user_ids("grace@example.com")
    with pytest.raises(openai.NotFoundError) as excinfo:
        org.users.roles.delete(role.id, user_id=user_id)
    assert_api_error(excinfo, 404)


@pytest.mark.parametrize(
    "call",
    [
        lambda o, u, r: o.users.roles.create(u, role_id=UNKNOWN_ROLE),
        lambda o, u, r: o.users.roles.create(UNKNOWN_USER, role_id=r),
        lambda o, u, r: o.users.roles.delete(UNKNOWN_ROLE, user_id=u),
        lambda o, u, r: o.users.roles.delete(r, user_id=UNKNOWN_USER),
        lambda o, u, r: o.users.roles.retrieve(UNKNOWN_ROLE, user_id=u),
        lambda o, u, r: o.users.roles.retrieve(r, user_id=UNKNOWN_USER),
        lambda o, u, r: o.users.roles.list(UNKNOWN_USER),
    ],
    ids=["assign unknown role", "assign to unknown user", "unassign unknown role", "unassign from unknown user",
         "retrieve unknown role", "retrieve for unknown user", "list for unknown user"],
)
def test_unknown_ids_in_user_role_paths_are_404(org, new_role, user_ids, call):
    role, user_id = new_role(), user_ids("grace@example.com")
    with pytest.raises(openai.NotFoundError) as excinfo:
        call(org, user_id, role.id)
    assert_api_error(excinfo, 404)


def test_a_missing_role_id_when_assigning_is_400_naming_role_id(raw, user_ids, new_group):
    user_id = user_ids("grace@example.com")
    response = raw("POST", f"/v1/organization/users/{user_id}/roles", {})
    assert response.status == 400 and response.json()["error"]["param"] == "role_id", response.body
    group = new_group()
    response = raw("POST", f"/v1/organization/groups/{group.id}/roles", {"role_id": 7})
    assert response.status == 400 and response.json()["error"]["param"] == "role_id", response.body


# ---------------------------------------------------------------------------------------------------------------
# Groups


def test_assigning_a_role_to_a_group_returns_group_role_with_the_group_and_the_role(org, new_group, new_role):
    group, role = new_group(), new_role()
    response = org.groups.roles.with_raw_response.create(group.id, role_id=role.id)
    assert response.status_code == 200
    body = response.http_response.json()
    assert body["object"] == "group.role"
    assert body["group"]["id"] == group.id and body["group"]["name"] == group.name
    assert body["group"]["object"] == "group"
    assert body["role"]["id"] == role.id and body["role"]["object"] == "role"


def test_a_groups_roles_are_listed_and_retrievable(org, new_group, new_role):
    group, first, second = new_group(), new_role(), new_role()
    org.groups.roles.create(group.id, role_id=first.id)
    org.groups.roles.create(group.id, role_id=second.id)
    assert ids(org.groups.roles.list(group.id).data) == [first.id, second.id]
    fetched = org.groups.roles.retrieve(second.id, group_id=group.id)
    assert fetched.id == second.id and fetched.name == second.name


def test_assigning_a_role_to_a_group_twice_leaves_exactly_one_and_both_calls_succeed(org, new_group, new_role):
    group, role = new_group(), new_role()
    first = org.groups.roles.with_raw_response.create(group.id, role_id=role.id)
    second = org.groups.roles.with_raw_response.create(group.id, role_id=role.id)
    assert (first.status_code, second.status_code) == (200, 200)
    assert ids(org.groups.roles.list(group.id).data) == [role.id]


def test_unassigning_a_role_from_a_group_returns_group_role_deleted_and_unlists_it(org, new_group, new_role):
    group, role = new_group(), new_role()
    org.groups.roles.create(group.id, role_id=role.id)
    removed = org.groups.roles.delete(role.id, group_id=group.id)
    assert (removed.object, removed.deleted) == ("group.role.deleted", True)
    assert org.groups.roles.list(group.id).data == []


def test_unassigning_a_role_the_group_does_not_hold_is_404(org, new_group, new_role):
    group, role = new_group(), new_role()
    with pytest.raises(openai.NotFoundError) as excinfo:
        org.groups.roles.delete(role.id, group_id=group.id)
    assert_api_error(excinfo, 404)
    with pytest.raises(openai.NotFoundError):
        org.groups.roles.retrieve(role.id, group_id=group.id)


@pytest.mark.parametrize(
    "call",
    [
        lambda o, g, r: o.groups.roles.create(g, role_id=UNKNOWN_ROLE),
        lambda o, g, r: o.groups.roles.create(UNKNOWN_GROUP, role_id=r),
        lambda o, g, r: o.groups.roles.delete(UNKNOWN_ROLE, group_id=g),
        lambda o, g, r: o.groups.roles.delete(r, group_id=UNKNOWN_GROUP),
        lambda o, g, r: o.groups.roles.retrieve(r, group_id=UNKNOWN_GROUP),
    ],
    ids=["assign unknown role", "assign to unknown group", "unassign unknown role", "unassign from unknown group",
         "retrieve for unknown group"],
)
def test_unknown_ids_in_group_role_paths_are_404(org, new_group, new_role, call):
    group, role = new_group(), new_role()
    with pytest.raises(openai.NotFoundError) as excinfo:
        call(org, group.id, role.id)
    assert_api_error(excinfo, 404)


def test_a_group_can_hold_a_predefined_role(org, new_group, predefined_roles):
    group = new_group()
    org.groups.roles.create(group.id, role_id=predefined_roles["reader"].id)
    assert ids(org.groups.roles.list(group.id).data) == [predefined_roles["reader"].id]


# ---------------------------------------------------------------------------------------------------------------
# Inheritance through groups


def test_a_users_role_list_shows_roles_inherited_through_groups_with_a_group_source(org, new_group, new_role,
                                                                                     user_ids):
    group, role = new_group(), new_role()
    user_id = user_ids("heidi@example.com")
    org.groups.users.create(group.id, user_id=user_id)
    org.groups.roles.create(group.id, role_id=role.id)
    entry = entry_for(org, user_id, role.id)
    assert entry is not None
    assert sources(entry) == [("group", group.id)]
    assert org.users.roles.retrieve(role.id, user_id=user_id).id == role.id


def test_a_role_held_directly_and_through_a_group_is_listed_once_with_both_sources(org, new_group, new_role,
                                                                                   user_ids):
    group, role = new_group(), new_role()
    user_id = user_ids("heidi@example.com")
    org.groups.users.create(group.id, user_id=user_id)
    org.groups.roles.create(group.id, role_id=role.id)
    org.users.roles.create(user_id, role_id=role.id)
    entry = entry_for(org, user_id, role.id)
    assert sorted(sources(entry)) == sorted([("user", user_id), ("group", group.id)])


def test_a_role_inherited_through_two_groups_names_both_groups(org, new_group, new_role, user_ids):
    first, second, role = new_group(), new_group(), new_role()
    user_id = user_ids("heidi@example.com")
    for group in (first, second):
        org.groups.users.create(group.id, user_id=user_id)
        org.groups.roles.create(group.id, role_id=role.id)
    entry = entry_for(org, user_id, role.id)
    assert sources(entry) == sorted([("group", first.id), ("group", second.id)])


def test_unassigning_a_role_held_only_through_a_group_is_409_naming_the_group(org, new_group, new_role, user_ids):
    group, role = new_group(), new_role()
    user_id = user_ids("heidi@example.com")
    org.groups.users.create(group.id, user_id=user_id)
    org.groups.roles.create(group.id, role_id=role.id)
    with pytest.raises(openai.ConflictError) as excinfo:
        org.users.roles.delete(role.id, user_id=user_id)
    assert_api_error(excinfo, 409, code="role_inherited", message=group.id)
    assert entry_for(org, user_id, role.id) is not None


def test_unassigning_a_direct_role_also_held_through_a_group_leaves_the_inherited_one(org, new_group, new_role,
                                                                                     user_ids):
    group, role = new_group(), new_role()
    user_id = user_ids("heidi@example.com")
    org.groups.users.create(group.id, user_id=user_id)
    org.groups.roles.create(group.id, role_id=role.id)
    org.users.roles.create(user_id, role_id=role.id)
    org.users.roles.delete(role.id, user_id=user_id)
    assert sources(entry_for(org, user_id, role.id)) == [("group", group.id)]


def test_leaving_a_group_drops_the_roles_inherited_through_it(org, new_group, new_role, user_ids):
    group, role = new_group(), new_role()
    user_id = user_ids("heidi@example.com")
    org.groups.users.create(group.id, user_id=user_id)
    org.groups.roles.create(group.id, role_id=role.id)
    org.groups.users.delete(user_id, group_id=group.id)
    assert entry_for(org, user_id, role.id) is None


def test_unassigning_a_role_from_a_group_drops_it_from_the_members(org, new_group, new_role, user_ids):
    group, role = new_group(), new_role()
    user_id = user_ids("heidi@example.com")
    org.groups.users.create(group.id, user_id=user_id)
    org.groups.roles.create(group.id, role_id=role.id)
    org.groups.roles.delete(role.id, group_id=group.id)
    assert entry_for(org, user_id, role.id) is None
