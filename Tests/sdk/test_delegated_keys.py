"""Delegated and scoped admin keys through the official SDK: an owner gives a non-owner a key limited to some
permissions (Roster's `user_id` and `scopes`, sent as extra body fields); the key works within them only, and
cannot give itself more."""
import openai
import pytest

from support import assert_api_error, make_client, unique


def test_a_non_owner_gets_a_scoped_key_that_works_within_its_scopes(server, org, new_user, new_role):
    ada = new_user("ada")
    writer = new_role(permissions=("api.groups.read", "api.groups.write", "api.users.read"))
    org.users.roles.create(ada.id, role_id=writer.id)
    created = org.admin_api_keys.create(
        name=unique("ada"), extra_body={"user_id": ada.id, "scopes": ["api.groups.write", "api.groups.read"]})
    assert created.owner.id == ada.id
    assert created.model_extra["scopes"] == ["api.groups.read", "api.groups.write"]
    assert created.redacted_value == "sk-admin-..." + created.value[-4:]
    listed = next(k for k in org.admin_api_keys.list(limit=100).data if k.id == created.id)
    assert listed.model_extra["scopes"] == ["api.groups.read", "api.groups.write"]

    ada_org = make_client(server.base_url, created.value).admin.organization
    group = ada_org.groups.create(name=unique("ada's"))
    assert group.name.startswith("ada's")
    with pytest.raises(openai.PermissionDeniedError) as denied:
        ada_org.users.list()
    assert "scopes" in assert_api_error(denied, 403, code="missing_permission")["message"]


def test_a_key_cannot_give_another_key_more_than_it_holds(server, org, new_user, new_role):
    kim = new_user("kim")
    keys_role = new_role(permissions=("api.admin_keys.write", "api.groups.read"))
    org.users.roles.create(kim.id, role_id=keys_role.id)
    kims = org.admin_api_keys.create(name=unique("kim"), extra_body={"user_id": kim.id})
    kim_org = make_client(server.base_url, kims.value).admin.organization
    me = next(u for u in org.users.list(limit=100).data if u.role == "owner")
    with pytest.raises(openai.PermissionDeniedError) as denied:
        kim_org.admin_api_keys.create(name=unique("for the owner"), extra_body={"user_id": me.id})
    assert_api_error(denied, 403, code="permission_not_held")
    narrow = kim_org.admin_api_keys.create(name=unique("narrow"), extra_body={"scopes": ["api.groups.read"]})
    assert narrow.owner.id == kim.id


def test_scopes_must_be_catalogue_permissions(org):
    with pytest.raises(openai.BadRequestError) as refused:
        org.admin_api_keys.create(name=unique("bad"), extra_body={"scopes": ["api.everything"]})
    assert_api_error(refused, 400, code="unknown_permission", param="scopes")
