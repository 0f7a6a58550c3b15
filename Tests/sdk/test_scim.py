"""SCIM-managed groups (seeded with `scim_managed: true`): the identity provider owns their name and members."""

from __future__ import annotations

import openai
import pytest

from support import assert_api_error, find_group, ids, unique

SCIM_MESSAGE = r"SCIM|identity provider"


@pytest.fixture(scope="module")
def scim_group(org):
    return find_group(org, "IdP Engineering")


def test_a_seeded_scim_group_is_listed_and_retrieved_as_scim_managed(org, scim_group):
    assert scim_group.is_scim_managed is True
    body = org.groups.with_raw_response.retrieve(scim_group.id).http_response.json()
    assert body["is_scim_managed"] is True and body["name"] == "IdP Engineering"


def test_a_seeded_scim_group_has_its_seeded_members(org, scim_group, user_ids):
    assert sorted(ids(org.groups.users.list(scim_group.id).data)) == sorted(
        user_ids("ada@example.com", "bob@example.com"))


def test_a_seeded_scim_group_has_its_seeded_roles(org):
    finance = find_group(org, "IdP Finance")
    assert [r.name for r in org.groups.roles.list(finance.id).data] == ["Auditor"]


def test_renaming_a_scim_managed_group_is_409_scim_managed(org, scim_group):
    with pytest.raises(openai.ConflictError) as excinfo:
        org.groups.update(scim_group.id, name=unique("renamed"))
    assert_api_error(excinfo, 409, code="scim_managed", message=SCIM_MESSAGE)
    assert org.groups.retrieve(scim_group.id).name == "IdP Engineering"


def test_deleting_a_scim_managed_group_is_409_scim_managed(org, scim_group):
    with pytest.raises(openai.ConflictError) as excinfo:
        org.groups.delete(scim_group.id)
    assert_api_error(excinfo, 409, code="scim_managed", message=SCIM_MESSAGE)
    assert org.groups.retrieve(scim_group.id).id == scim_group.id


def test_adding_a_member_to_a_scim_managed_group_is_409_scim_managed(org, scim_group, user_ids):
    carol = user_ids("carol@example.com")
    with pytest.raises(openai.ConflictError) as excinfo:
        org.groups.users.create(scim_group.id, user_id=carol)
    assert_api_error(excinfo, 409, code="scim_managed", message=SCIM_MESSAGE)
    assert carol not in ids(org.groups.users.list(scim_group.id).data)


def test_removing_a_member_from_a_scim_managed_group_is_409_scim_managed(org, scim_group, user_ids):
    bob = user_ids("bob@example.com")
    with pytest.raises(openai.ConflictError) as excinfo:
        org.groups.users.delete(bob, group_id=scim_group.id)
    assert_api_error(excinfo, 409, code="scim_managed", message=SCIM_MESSAGE)
    assert bob in ids(org.groups.users.list(scim_group.id).data)


def test_roles_can_be_assigned_to_and_unassigned_from_a_scim_managed_group(org, scim_group, new_role, user_ids):
    role = new_role()
    response = org.groups.roles.with_raw_response.create(scim_group.id, role_id=role.id)
    assert response.status_code == 200
    body = response.http_response.json()
    assert body["object"] == "group.role" and body["group"]["id"] == scim_group.id
    assert body["group"].get("scim_managed") is True
    assert role.id in ids(org.groups.roles.list(scim_group.id).data)
    # Its members inherit the role like any group's.
    bob = user_ids("bob@example.com")
    entry = next(r for r in org.users.roles.list(bob, limit=1000).data if r.id == role.id)
    assert [(s.principal_type, s.principal_id) for s in entry.assignment_sources] == [("group", scim_group.id)]
    removed = org.groups.roles.delete(role.id, group_id=scim_group.id)
    assert removed.deleted is True
    assert role.id not in ids(org.groups.roles.list(scim_group.id).data)


def test_a_group_created_through_the_api_is_not_scim_managed(new_group):
    assert new_group().is_scim_managed is False
