"""Organization roles: predefined roles, the permission catalogue, unique names, CRUD, cascades, created_by."""

from __future__ import annotations

import openai
import pytest

from support import CATALOGUE, assert_api_error, ids, unique

UNKNOWN_ROLE = "role_01J00000000000000000000000"


# ---------------------------------------------------------------------------------------------------------------
# Predefined roles


def test_predefined_owner_and_reader_roles_are_listed_as_predefined_organization_roles(org):
    roles = {r.name: r for r in org.roles.list(limit=1000).data}
    for name in ("owner", "reader"):
        assert name in roles, sorted(roles)
        assert roles[name].predefined_role is True
        assert roles[name].resource_type == "api.organization"
        assert roles[name].object == "role"
    assert sorted(name for name, r in roles.items() if r.predefined_role) == ["owner", "reader"]


def test_the_owner_role_holds_every_catalogue_permission_and_reader_reads_the_directory(predefined_roles):
    assert sorted(predefined_roles["owner"].permissions) == sorted(CATALOGUE)
    unread = {"api.admin_keys.read", "api.audit_logs.read", "api.scim.read"}
    assert sorted(predefined_roles["reader"].permissions) == sorted(
        p for p in CATALOGUE if p.endswith(".read") and p not in unread)


@pytest.mark.parametrize("name", ["owner", "reader"])
def test_updating_a_predefined_role_is_rejected_with_409_predefined_role(org, predefined_roles, name):
    role = predefined_roles[name]
    with pytest.raises(openai.ConflictError) as excinfo:
        org.roles.update(role.id, description="changed")
    assert_api_error(excinfo, 409, code="predefined_role")
    with pytest.raises(openai.ConflictError) as excinfo:
        org.roles.update(role.id, role_name=unique("renamed"))
    assert_api_error(excinfo, 409, code="predefined_role")
    assert org.roles.retrieve(role.id).name == name


@pytest.mark.parametrize("name", ["owner", "reader"])
def test_deleting_a_predefined_role_is_rejected_with_409_predefined_role(org, predefined_roles, name):
    role = predefined_roles[name]
    with pytest.raises(openai.ConflictError) as excinfo:
        org.roles.delete(role.id)
    assert_api_error(excinfo, 409, code="predefined_role")
    assert org.roles.retrieve(role.id).predefined_role is True


# ---------------------------------------------------------------------------------------------------------------
# Create, retrieve, update, delete


def test_creating_a_role_returns_the_role_object(org):
    name = unique("API Group Manager")
    role = org.roles.create(role_name=name, permissions=["api.groups.read", "api.groups.write"],
                            description="Allows managing organization groups")
    assert role.object == "role"
    assert role.id.startswith("role_")
    assert role.name == name
    assert role.description == "Allows managing organization groups"
    assert sorted(role.permissions) == ["api.groups.read", "api.groups.write"]
    assert role.resource_type == "api.organization"
    assert role.predefined_role is False


def test_a_role_without_a_description_has_a_null_description(org):
    role = org.roles.create(role_name=unique("plain"), permissions=["api.users.read"])
    assert role.description is None
    body = org.roles.with_raw_response.retrieve(role.id).http_response.json()
    assert "description" in body and body["description"] is None


def test_a_created_role_can_be_retrieved_and_is_listed(org, new_role):
    role = new_role(permissions=["api.roles.read"], description="d")
    fetched = org.roles.retrieve(role.id)
    assert (fetched.id, fetched.name, fetched.description, fetched.permissions) == (
        role.id, role.name, "d", ["api.roles.read"])
    assert role.id in ids(org.roles.list().data)


def test_a_role_may_hold_every_catalogue_permission(org):
    role = org.roles.create(role_name=unique("everything"), permissions=CATALOGUE)
    assert sorted(role.permissions) == sorted(CATALOGUE)


def test_updating_a_role_changes_only_the_given_fields(org, new_role):
    role = new_role(permissions=["api.groups.read"], description="before")
    renamed = unique("renamed")
    updated = org.roles.update(role.id, role_name=renamed)
    assert (updated.name, updated.description, updated.permissions) == (renamed, "before", ["api.groups.read"])
    updated = org.roles.update(role.id, permissions=["api.users.read", "api.users.write"])
    assert (updated.name, updated.description) == (renamed, "before")
    assert sorted(updated.permissions) == ["api.users.read", "api.users.write"]
    updated = org.roles.update(role.id, description="after")
    assert updated.description == "after"
    fetched = org.roles.retrieve(role.id)
    assert (fetched.name, fetched.description, sorted(fetched.permissions)) == (
        renamed, "after", ["api.users.read", "api.users.write"])


def test_deleting_a_role_returns_role_deleted_and_it_is_gone(org, new_role):
    role = new_role()
    deleted = org.roles.delete(role.id)
    assert (deleted.object, deleted.id, deleted.deleted) == ("role.deleted", role.id, True)
    with pytest.raises(openai.NotFoundError) as excinfo:
        org.roles.retrieve(role.id)
    assert_api_error(excinfo, 404)
    assert role.id not in ids(org.roles.list().data)


@pytest.mark.parametrize(
    "call",
    [
        lambda o: o.roles.retrieve(UNKNOWN_ROLE),
        lambda o: o.roles.update(UNKNOWN_ROLE, description="x"),
        lambda o: o.roles.delete(UNKNOWN_ROLE),
        lambda o: o.roles.retrieve("nope"),
    ],
    ids=["retrieve", "update", "delete", "malformed id"],
)
def test_an_unknown_role_id_is_404(org, call):
    with pytest.raises(openai.NotFoundError) as excinfo:
        call(org)
    assert_api_error(excinfo, 404)


# ---------------------------------------------------------------------------------------------------------------
# The permission catalogue


@pytest.mark.parametrize("bad", ["api.nonsense.read", "api.groups.delete", "api.groups", ""])
def test_creating_a_role_with_a_permission_outside_the_catalogue_is_400_naming_permissions(org, bad):
    name = unique("bad perms")
    with pytest.raises(openai.BadRequestError) as excinfo:
        org.roles.create(role_name=name, permissions=["api.groups.read", bad])
    assert_api_error(excinfo, 400, param="permissions")
    assert name not in [r.name for r in org.roles.list().data]


def test_updating_a_role_with_a_permission_outside_the_catalogue_is_400_and_changes_nothing(org, new_role):
    role = new_role(permissions=["api.groups.read"])
    with pytest.raises(openai.BadRequestError) as excinfo:
        org.roles.update(role.id, permissions=["api.nonsense.read"])
    assert_api_error(excinfo, 400, param="permissions")
    assert org.roles.retrieve(role.id).permissions == ["api.groups.read"]


def test_the_error_for_an_unknown_permission_names_it(org):
    with pytest.raises(openai.BadRequestError) as excinfo:
        org.roles.create(role_name=unique("bad"), permissions=["api.nonsense.read"])
    assert_api_error(excinfo, 400, param="permissions", message="api.nonsense.read")


# ---------------------------------------------------------------------------------------------------------------
# Unique names


def test_creating_a_role_with_a_taken_name_is_409(org, new_role):
    role = new_role()
    with pytest.raises(openai.ConflictError) as excinfo:
        org.roles.create(role_name=role.name, permissions=["api.users.read"])
    assert_api_error(excinfo, 409)


def test_role_names_are_unique_regardless_of_case(org, new_role):
    role = new_role()
    with pytest.raises(openai.ConflictError) as excinfo:
        org.roles.create(role_name=role.name.upper(), permissions=["api.users.read"])
    assert_api_error(excinfo, 409)
    with pytest.raises(openai.ConflictError):
        org.roles.create(role_name=role.name.swapcase(), permissions=["api.users.read"])


def test_role_names_are_unique_regardless_of_case_beyond_ascii(org):
    suffix = unique("")[1:]
    org.roles.create(role_name=f"Rôle Été {suffix}", permissions=["api.users.read"])
    with pytest.raises(openai.ConflictError) as excinfo:
        org.roles.create(role_name=f"RÔLE ÉTÉ {suffix.upper()}", permissions=["api.users.read"])
    assert_api_error(excinfo, 409)


@pytest.mark.parametrize("name", ["owner", "Reader"])
def test_a_custom_role_cannot_take_a_predefined_roles_name(org, name):
    with pytest.raises(openai.ConflictError) as excinfo:
        org.roles.create(role_name=name, permissions=["api.users.read"])
    assert_api_error(excinfo, 409)


def test_renaming_a_role_to_a_taken_name_is_409_and_keeps_the_old_name(org, new_role):
    first, second = new_role(), new_role()
    with pytest.raises(openai.ConflictError) as excinfo:
        org.roles.update(second.id, role_name=first.name)
    assert_api_error(excinfo, 409)
    with pytest.raises(openai.ConflictError):
        org.roles.update(second.id, role_name=first.name.upper())
    assert org.roles.retrieve(second.id).name == second.name


def test_renaming_a_role_to_its_own_name_in_another_case_succeeds(org, new_role):
    role = new_role()
    assert org.roles.update(role.id, role_name=role.name.upper()).name == role.name.upper()


# ---------------------------------------------------------------------------------------------------------------
# Cascades and created_by


def test_deleting_a_role_removes_it_from_every_user_and_group(org, new_role, new_group, user_ids):
    role = new_role()
    group = new_group()
    direct, via_group = user_ids("heidi@example.com", "frank@example.com")
    org.users.roles.create(direct, role_id=role.id)
    org.groups.roles.create(group.id, role_id=role.id)
    org.groups.users.create(group.id, user_id=via_group)
    assert role.id in ids(org.users.roles.list(via_group, limit=1000).data)

    org.roles.delete(role.id)

    assert role.id not in ids(org.users.roles.list(direct, limit=1000).data)
    assert role.id not in ids(org.users.roles.list(via_group, limit=1000).data)
    assert org.groups.roles.list(group.id).data == []
    assert ids(org.groups.users.list(group.id).data) == [via_group]  # the membership stays
    with pytest.raises(openai.NotFoundError):
        org.users.roles.retrieve(role.id, user_id=direct)
    with pytest.raises(openai.NotFoundError):
        org.groups.roles.retrieve(role.id, group_id=group.id)


def test_a_deleted_roles_name_can_be_used_again(org, new_role):
    role = new_role()
    org.roles.delete(role.id)
    again = org.roles.create(role_name=role.name, permissions=["api.users.read"])
    assert again.id != role.id


def test_created_by_of_a_created_role_is_the_owner_user_of_the_calling_key(org, new_role, new_group, key_owner,
                                                                             user_ids):
    role = new_role()
    group = new_group()
    org.groups.roles.create(group.id, role_id=role.id)
    user_id = user_ids("heidi@example.com")
    org.users.roles.create(user_id, role_id=role.id)

    owner = org.users.retrieve(key_owner.id)
    entries = [
        next(r for r in org.groups.roles.list(group.id).data if r.id == role.id),
        org.groups.roles.retrieve(role.id, group_id=group.id),
        next(r for r in org.users.roles.list(user_id, limit=1000).data if r.id == role.id),
        org.users.roles.retrieve(role.id, user_id=user_id),
    ]
    for entry in entries:
        assert entry.created_by == owner.id
        assert entry.created_by_user_obj is not None
        assert entry.created_by_user_obj["id"] == owner.id
        assert entry.created_by_user_obj["name"] == owner.name
        assert entry.created_by_user_obj["email"] == owner.email
        assert entry.created_at and entry.updated_at
        assert entry.name == role.name and entry.predefined_role is False


def test_the_key_owner_is_an_owner_of_the_organization(org, key_owner):
    assert org.users.retrieve(key_owner.id).role == "owner"
