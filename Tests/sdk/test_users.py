"""Users: retrieve, the seed's fields, modify (role / role_id), delete."""

from __future__ import annotations

import time

import openai
import pytest

from support import assert_api_error, ids

UNKNOWN_USER = "user_01J00000000000000000000000"


def test_retrieving_a_user_returns_the_organization_user_object(org, user_ids):
    user_id = user_ids("bob@example.com")
    body = org.users.with_raw_response.retrieve(user_id).http_response.json()
    assert body["object"] == "organization.user"
    assert body["id"] == user_id
    assert body["name"] == "Bob" and body["email"] == "bob@example.com"
    assert body["role"] == "reader"
    assert isinstance(body["added_at"], int) and abs(body["added_at"] - time.time()) < 3600


def test_a_seeded_users_role_defaults_to_reader_and_owner_is_kept(org, user_ids):
    ada, bob = user_ids("ada@example.com", "bob@example.com")
    assert org.users.retrieve(ada).role == "owner"
    assert org.users.retrieve(bob).role == "reader"


def test_a_seeded_users_roles_are_assigned_directly(org, user_ids):
    ada = user_ids("ada@example.com")
    names = {r.name: r for r in org.users.roles.list(ada, limit=1000).data}
    assert "Group Manager" in names
    assert [(s.principal_type, s.principal_id) for s in names["Group Manager"].assignment_sources] == [("user", ada)]


@pytest.mark.parametrize(
    "call",
    [
        lambda o: o.users.retrieve(UNKNOWN_USER),
        lambda o: o.users.update(UNKNOWN_USER, role="owner"),
        lambda o: o.users.delete(UNKNOWN_USER),
        lambda o: o.users.retrieve("nope"),
    ],
    ids=["retrieve", "modify", "delete", "malformed id"],
)
def test_an_unknown_user_id_is_404(org, call):
    with pytest.raises(openai.NotFoundError) as excinfo:
        call(org)
    assert_api_error(excinfo, 404)


def test_modifying_a_users_role_to_owner_makes_retrieve_show_owner(org, user_ids, predefined_roles):
    user_id = user_ids("promote-by-role@example.com")
    assert org.users.retrieve(user_id).role == "reader"
    updated = org.users.update(user_id, role="owner")
    assert updated.id == user_id and updated.role == "owner"
    assert org.users.retrieve(user_id).role == "owner"
    assert next(u for u in org.users.list(emails=["promote-by-role@example.com"]).data).role == "owner"
    held = ids(org.users.roles.list(user_id, limit=1000).data)
    assert predefined_roles["owner"].id in held
    assert predefined_roles["reader"].id not in held


def test_modifying_a_users_role_id_to_the_owner_roles_id_makes_it_an_owner(org, user_ids, predefined_roles):
    user_id = user_ids("promote-by-role-id@example.com")
    updated = org.users.update(user_id, role_id=predefined_roles["owner"].id)
    assert updated.role == "owner"
    assert org.users.retrieve(user_id).role == "owner"
    # ... and back with the reader role's id.
    assert org.users.update(user_id, role_id=predefined_roles["reader"].id).role == "reader"
    assert org.users.retrieve(user_id).role == "reader"


def test_modifying_a_user_to_the_role_it_has_is_accepted(org, user_ids):
    user_id = user_ids("dave@example.com")
    assert org.users.update(user_id, role="reader").role == "reader"


@pytest.mark.parametrize("role", ["member", "admin", "superuser"])
def test_modifying_a_users_role_to_anything_but_owner_or_reader_is_400_naming_role(org, user_ids, role):
    user_id = user_ids("dave@example.com")
    with pytest.raises(openai.BadRequestError) as excinfo:
        org.users.update(user_id, role=role)
    assert_api_error(excinfo, 400, param="role")
    assert org.users.retrieve(user_id).role == "reader"


def test_modifying_a_users_role_id_to_a_custom_role_is_400_naming_role_id(org, user_ids, new_role):
    user_id, role = user_ids("dave@example.com"), new_role()
    with pytest.raises(openai.BadRequestError) as excinfo:
        org.users.update(user_id, role_id=role.id)
    assert_api_error(excinfo, 400, param="role_id")
    assert org.users.retrieve(user_id).role == "reader"


def test_deleting_a_user_returns_organization_user_deleted_and_it_is_gone(org, user_ids):
    user_id = user_ids("deleted-user@example.com")
    deleted = org.users.delete(user_id)
    assert (deleted.object, deleted.id, deleted.deleted) == ("organization.user.deleted", user_id, True)
    with pytest.raises(openai.NotFoundError) as excinfo:
        org.users.retrieve(user_id)
    assert_api_error(excinfo, 404)
    assert org.users.list(emails=["deleted-user@example.com"]).data == []
    with pytest.raises(openai.NotFoundError):
        org.users.delete(user_id)
