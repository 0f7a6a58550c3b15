"""Projects through the SDK: projects, their users and groups, project roles and their assignments (direct and
inherited through groups), archiving, service accounts, cascades, and a user's projects.

Every test makes its own projects, groups, roles and users (users are provisioned over SCIM, see `new_user`), so
nothing here depends on another test or changes what another test reads.
"""

from __future__ import annotations

import re
from types import SimpleNamespace
from typing import Any, Optional

import openai
import pytest

from support import assert_api_error, ids, new_email, scim_create_user, unique

UNKNOWN_PROJECT = "proj_01J00000000000000000000000"
UNKNOWN_USER = "user_01J00000000000000000000000"
UNKNOWN_ROLE = "role_01J00000000000000000000000"
PROJECT_ID = re.compile(r"^proj_[0-7][0-9A-HJKMNP-TV-Z]{25}$")
PREDEFINED = ("owner", "member", "viewer")
ARCHIVED = r"archived"


def all_projects(org, *, include_archived: Optional[bool] = None) -> list:
    """Every project the list shows, paging by `after=last_id`."""
    kwargs: dict[str, Any] = {} if include_archived is None else {"include_archived": include_archived}
    projects, after = [], None
    for _ in range(1000):
        page = org.projects.list(limit=100, **kwargs, **({"after": after} if after else {}))
        projects += page.data
        if not page.has_more:
            return projects
        after = page.data[-1].id
    raise AssertionError("projects.list never reported has_more=false")


def project_roles(org, project_id: str) -> dict[str, Any]:
    """{name: Role} of the project's roles."""
    return {r.name: r for r in org.projects.roles.list(project_id, limit=1000).data}


def user_project_roles(org, project_id: str, user_id: str) -> dict[str, list[tuple[str, str]]]:
    """{role id: sorted [(principal_type, principal_id)]} of the project roles the user holds."""
    page = org.projects.users.roles.list(user_id, project_id=project_id, limit=1000)
    return {r.id: sorted((s.principal_type, s.principal_id) for s in r.assignment_sources or []) for r in page.data}


def group_project_roles(org, project_id: str, group_id: str) -> list[str]:
    return ids(org.projects.groups.roles.list(group_id, project_id=project_id, limit=1000).data)


def project_user_ids(org, project_id: str) -> list[str]:
    return ids(org.projects.users.list(project_id, limit=100).data)


def project_group_ids(org, project_id: str) -> list[str]:
    return [g.group_id for g in org.projects.groups.list(project_id, limit=100).data]


def user_projects(org, user_id: str) -> dict[str, Optional[str]]:
    """{project id: role} from `users.retrieve(id, include[]=projects)`."""
    body = org.users.with_raw_response.retrieve(user_id, extra_query={"include[]": "projects"}).http_response.json()
    assert body["id"] == user_id
    assert body["projects"]["object"] == "list", body
    return {p["id"]: p["role"] for p in body["projects"]["data"]}


def new_custom_role(org, project_id: str, permissions=("api.project.users.read",), prefix: str = "prole"):
    return org.projects.roles.create(project_id, role_name=unique(prefix), permissions=list(permissions))


# ---------------------------------------------------------------------------------------------------------------
# Projects


def test_a_created_project_is_active_retrievable_and_listed(org):
    name = unique("project")
    project = org.projects.create(name=name)
    assert PROJECT_ID.match(project.id), project.id
    assert project.object == "organization.project" and project.name == name
    assert project.status == "active" and project.archived_at is None
    assert org.projects.retrieve(project.id).model_dump() == project.model_dump()
    assert project.id in ids(all_projects(org))


def test_a_project_can_be_renamed_but_not_to_a_blank_name(org, new_project):
    project = new_project()
    name = unique("renamed")
    assert org.projects.update(project.id, name=name).name == name
    assert org.projects.retrieve(project.id).name == name
    with pytest.raises(openai.BadRequestError) as excinfo:
        org.projects.update(project.id, name="   ")
    assert_api_error(excinfo, 400, param="name")
    assert org.projects.retrieve(project.id).name == name


def test_an_unknown_project_is_404(org):
    with pytest.raises(openai.NotFoundError) as excinfo:
        org.projects.retrieve(UNKNOWN_PROJECT)
    assert_api_error(excinfo, 404)
    with pytest.raises(openai.NotFoundError):
        org.projects.roles.list(UNKNOWN_PROJECT)


def test_an_archived_project_is_listed_only_with_include_archived(org, new_project):
    project, active = new_project(), new_project()
    archived = org.projects.archive(project.id)
    assert archived.status == "archived" and isinstance(archived.archived_at, int)
    again = org.projects.archive(project.id)
    assert again.status == "archived" and again.archived_at == archived.archived_at
    assert org.projects.retrieve(project.id).status == "archived"
    listed = ids(all_projects(org))
    assert project.id not in listed and active.id in listed
    assert ids(all_projects(org, include_archived=False)) == listed
    with_archived = ids(all_projects(org, include_archived=True))
    assert project.id in with_archived and active.id in with_archived


# ---------------------------------------------------------------------------------------------------------------
# Project roles


def test_every_new_project_has_its_own_predefined_owner_member_and_viewer(org, new_project):
    first, second = new_project(), new_project()
    roles_1, roles_2 = project_roles(org, first.id), project_roles(org, second.id)
    for roles in (roles_1, roles_2):
        assert set(roles) == set(PREDEFINED)
        for role in roles.values():
            assert role.predefined_role is True and role.resource_type == "api.project", role
            assert role.permissions, role
    assert not {r.id for r in roles_1.values()} & {r.id for r in roles_2.values()}
    organization_role_ids = ids(org.roles.list(limit=1000).data)
    assert not {r.id for r in roles_1.values()} & set(organization_role_ids)
    owner = org.projects.roles.retrieve(roles_1["owner"].id, project_id=first.id)
    assert owner.name == "owner" and owner.predefined_role is True


@pytest.mark.parametrize("name", PREDEFINED)
def test_a_predefined_project_role_cannot_be_updated_or_deleted(org, new_project, name):
    project = new_project()
    role = project_roles(org, project.id)[name]
    with pytest.raises(openai.ConflictError) as excinfo:
        org.projects.roles.update(role.id, project_id=project.id, role_name=unique("renamed"))
    assert_api_error(excinfo, 409, code="predefined_role")
    with pytest.raises(openai.ConflictError) as excinfo:
        org.projects.roles.update(role.id, project_id=project.id, permissions=["api.model.request"])
    assert_api_error(excinfo, 409, code="predefined_role")
    with pytest.raises(openai.ConflictError) as excinfo:
        org.projects.roles.delete(role.id, project_id=project.id)
    assert_api_error(excinfo, 409, code="predefined_role")
    assert project_roles(org, project.id)[name].model_dump() == role.model_dump()


def test_a_custom_project_role_is_created_retrieved_updated_and_deleted(org, new_project):
    project = new_project()
    name = unique("prole")
    role = org.projects.roles.create(project.id, role_name=name, permissions=["api.model.request"], description="d")
    assert role.name == name and role.permissions == ["api.model.request"] and role.description == "d"
    assert role.predefined_role is False and role.resource_type == "api.project"
    assert org.projects.roles.retrieve(role.id, project_id=project.id).name == name
    renamed = unique("prole")
    updated = org.projects.roles.update(role.id, project_id=project.id, role_name=renamed,
                                        permissions=["api.project.users.read", "api.model.request"])
    assert updated.name == renamed and sorted(updated.permissions) == ["api.model.request", "api.project.users.read"]
    assert updated.description == "d"
    assert set(project_roles(org, project.id)) == {*PREDEFINED, renamed}
    assert role.id not in ids(org.roles.list(limit=1000).data), "a project role is listed among organization roles"
    deleted = org.projects.roles.delete(role.id, project_id=project.id)
    assert deleted.deleted is True
    with pytest.raises(openai.NotFoundError):
        org.projects.roles.retrieve(role.id, project_id=project.id)
    assert set(project_roles(org, project.id)) == set(PREDEFINED)


def test_a_project_role_is_404_under_another_project_and_an_organization_role_under_a_project(org, new_project,
                                                                                          new_role):
    project, other = new_project(), new_project()
    role = new_custom_role(org, project.id)
    for call in (lambda: org.projects.roles.retrieve(role.id, project_id=other.id),
                 lambda: org.projects.roles.update(role.id, project_id=other.id, role_name=unique("x")),
                 lambda: org.projects.roles.delete(role.id, project_id=other.id),
                 lambda: org.projects.roles.retrieve(new_role().id, project_id=project.id)):
        with pytest.raises(openai.NotFoundError) as excinfo:
            call()
        assert_api_error(excinfo, 404)
    assert org.projects.roles.retrieve(role.id, project_id=project.id).name == role.name


def test_custom_project_role_names_are_unique_within_a_project_but_not_across_projects(org, new_project):
    project, other = new_project(), new_project()
    name = unique("dup")
    org.projects.roles.create(project.id, role_name=name, permissions=["api.model.request"])
    for duplicate in (name, name.upper()):
        with pytest.raises(openai.ConflictError) as excinfo:
            org.projects.roles.create(project.id, role_name=duplicate, permissions=["api.model.request"])
        assert_api_error(excinfo, 409)
    second = new_custom_role(org, project.id)
    with pytest.raises(openai.ConflictError) as excinfo:
        org.projects.roles.update(second.id, project_id=project.id, role_name=name)
    assert_api_error(excinfo, 409)
    with pytest.raises(openai.ConflictError) as excinfo:
        org.projects.roles.create(project.id, role_name="member", permissions=["api.model.request"])
    assert_api_error(excinfo, 409)
    elsewhere = org.projects.roles.create(other.id, role_name=name, permissions=["api.model.request"])
    assert elsewhere.name == name
    in_organization = org.roles.create(role_name=name, permissions=["api.groups.read"])
    assert in_organization.name == name and in_organization.resource_type == "api.organization"
    assert sorted(project_roles(org, project.id)) == sorted([*PREDEFINED, name, second.name])


@pytest.mark.parametrize("permission", ["api.groups.write", "api.users.read", "api.projects.write", "api.nope"])
def test_a_project_role_with_a_permission_outside_the_project_catalogue_is_400(org, new_project, permission):
    project = new_project()
    with pytest.raises(openai.BadRequestError) as excinfo:
        org.projects.roles.create(project.id, role_name=unique("bad"), permissions=["api.model.request", permission])
    assert_api_error(excinfo, 400, param="permissions")
    role = new_custom_role(org, project.id)
    with pytest.raises(openai.BadRequestError) as excinfo:
        org.projects.roles.update(role.id, project_id=project.id, permissions=[permission])
    assert_api_error(excinfo, 400, param="permissions")
    assert org.projects.roles.retrieve(role.id, project_id=project.id).permissions == role.permissions
    assert set(project_roles(org, project.id)) == {*PREDEFINED, role.name}


def test_an_organization_role_with_a_project_permission_is_400(org):
    with pytest.raises(openai.BadRequestError) as excinfo:
        org.roles.create(role_name=unique("bad"), permissions=["api.model.request"])
    assert_api_error(excinfo, 400, param="permissions")


# ---------------------------------------------------------------------------------------------------------------
# Project users


def test_a_user_is_added_by_id_or_email_retrieved_updated_listed_and_removed(org, new_project, new_user):
    project, first, second = new_project(), new_user(), new_user()
    added = org.projects.users.create(project.id, user_id=first.id, role="member")
    assert added.object == "organization.project.user" and added.id == first.id
    assert added.email == first.email and added.role == "member" and isinstance(added.added_at, int)
    by_email = org.projects.users.create(project.id, email=second.email, role="owner")
    assert by_email.id == second.id and by_email.role == "owner"
    assert org.projects.users.retrieve(first.id, project_id=project.id).role == "member"
    assert sorted(project_user_ids(org, project.id)) == sorted([first.id, second.id])
    updated = org.projects.users.update(first.id, project_id=project.id, role="owner")
    assert updated.role == "owner"
    roles = project_roles(org, project.id)
    assert user_project_roles(org, project.id, first.id) == {roles["owner"].id: [("user", first.id)]}
    again = org.projects.users.create(project.id, user_id=first.id, role="member")
    assert again.role == "member"
    assert user_project_roles(org, project.id, first.id) == {roles["member"].id: [("user", first.id)]}
    assert project_user_ids(org, project.id).count(first.id) == 1
    deleted = org.projects.users.delete(first.id, project_id=project.id)
    assert deleted.deleted is True and deleted.id == first.id
    with pytest.raises(openai.NotFoundError):
        org.projects.users.retrieve(first.id, project_id=project.id)
    with pytest.raises(openai.NotFoundError):
        org.projects.users.delete(first.id, project_id=project.id)
    assert project_user_ids(org, project.id) == [second.id]


def test_adding_a_project_user_with_a_bad_role_or_an_unknown_user_is_refused(org, new_project, new_user):
    project, user = new_project(), new_user()
    for role in ("viewer", "admin"):
        with pytest.raises(openai.BadRequestError) as excinfo:
            org.projects.users.create(project.id, user_id=user.id, role=role)
        assert_api_error(excinfo, 400, param="role")
    with pytest.raises(openai.NotFoundError):
        org.projects.users.create(project.id, user_id=UNKNOWN_USER, role="member")
    with pytest.raises(openai.NotFoundError):
        org.projects.users.create(project.id, email=new_email("nobody"), role="member")
    with pytest.raises(openai.NotFoundError):
        org.projects.users.create(UNKNOWN_PROJECT, user_id=user.id, role="member")
    assert project_user_ids(org, project.id) == []


def test_retrieving_a_user_with_include_projects_lists_its_projects_and_roles(org, new_project, new_user):
    first, second, user = new_project(), new_project(), new_user()
    assert user_projects(org, user.id) == {}
    org.projects.users.create(first.id, user_id=user.id, role="owner")
    org.projects.users.create(second.id, user_id=user.id, role="member")
    assert user_projects(org, user.id) == {first.id: "owner", second.id: "member"}
    names = {p["id"]: p["name"] for p in org.users.with_raw_response.retrieve(
        user.id, extra_query={"include[]": "projects"}).http_response.json()["projects"]["data"]}
    assert names == {first.id: first.name, second.id: second.name}
    org.projects.users.delete(user.id, project_id=second.id)
    assert user_projects(org, user.id) == {first.id: "owner"}
    plain = org.users.with_raw_response.retrieve(user.id).http_response.json()
    assert "projects" not in plain


# ---------------------------------------------------------------------------------------------------------------
# Project groups


def test_a_group_is_given_access_retrieved_listed_and_removed(org, new_project, new_group):
    project, group = new_project(), new_group()
    access = org.projects.groups.create(project.id, group_id=group.id, role="viewer")
    assert access.object == "project.group" and access.project_id == project.id
    assert access.group_id == group.id and access.group_name == group.name
    assert org.projects.groups.retrieve(group.id, project_id=project.id).group_id == group.id
    assert project_group_ids(org, project.id) == [group.id]
    viewer = project_roles(org, project.id)["viewer"]
    assert group_project_roles(org, project.id, group.id) == [viewer.id]
    assert org.projects.groups.delete(group.id, project_id=project.id).deleted is True
    with pytest.raises(openai.NotFoundError):
        org.projects.groups.retrieve(group.id, project_id=project.id)
    with pytest.raises(openai.NotFoundError):
        org.projects.groups.delete(group.id, project_id=project.id)
    assert project_group_ids(org, project.id) == []


def test_a_group_is_given_access_with_a_custom_role_of_the_project_only(org, new_project, new_group):
    project, other, group = new_project(), new_project(), new_group()
    foreign = new_custom_role(org, other.id)
    with pytest.raises(openai.NotFoundError) as excinfo:
        org.projects.groups.create(project.id, group_id=group.id, role=foreign.id)
    assert_api_error(excinfo, 404)
    with pytest.raises(openai.BadRequestError) as excinfo:
        org.projects.groups.create(project.id, group_id=group.id, role="superuser")
    assert_api_error(excinfo, 400, param="role")
    assert project_group_ids(org, project.id) == []
    custom = new_custom_role(org, project.id)
    org.projects.groups.create(project.id, group_id=group.id, role=custom.id)
    assert group_project_roles(org, project.id, group.id) == [custom.id]


# ---------------------------------------------------------------------------------------------------------------
# Project role assignments


def test_another_projects_role_or_an_organization_role_cannot_be_assigned_404(org, new_project, new_group, new_user,
                                                                               new_role):
    project, other, group, user = new_project(), new_project(), new_group(), new_user()
    org.projects.users.create(project.id, user_id=user.id, role="member")
    org.projects.groups.create(project.id, group_id=group.id, role="viewer")
    for role_id in (new_custom_role(org, other.id).id, project_roles(org, other.id)["owner"].id, new_role().id,
                    UNKNOWN_ROLE):
        with pytest.raises(openai.NotFoundError) as excinfo:
            org.projects.users.roles.create(user.id, project_id=project.id, role_id=role_id)
        assert_api_error(excinfo, 404)
        with pytest.raises(openai.NotFoundError) as excinfo:
            org.projects.groups.roles.create(group.id, project_id=project.id, role_id=role_id)
        assert_api_error(excinfo, 404)
    assert list(user_project_roles(org, project.id, user.id)) == [project_roles(org, project.id)["member"].id]
    assert group_project_roles(org, project.id, group.id) == [project_roles(org, project.id)["viewer"].id]


def test_a_user_who_is_not_a_project_member_cannot_be_assigned_a_project_role_409(org, new_project, new_user):
    project, user = new_project(), new_user()
    role = new_custom_role(org, project.id)
    with pytest.raises(openai.ConflictError) as excinfo:
        org.projects.users.roles.create(user.id, project_id=project.id, role_id=role.id)
    error = assert_api_error(excinfo, 409, code="not_project_member")
    assert f"/v1/organization/projects/{project.id}/users" in error["message"], error
    assert re.search(r"group", error["message"]), error
    assert user_project_roles(org, project.id, user.id) == {}
    org.projects.users.create(project.id, user_id=user.id, role="member")
    assigned = org.projects.users.roles.with_raw_response.create(user.id, project_id=project.id, role_id=role.id)
    body = assigned.http_response.json()
    assert body["object"] == "user.role" and body["user"]["id"] == user.id and body["role"]["id"] == role.id
    assert user_project_roles(org, project.id, user.id)[role.id] == [("user", user.id)]
    entry = org.projects.users.roles.retrieve(role.id, project_id=project.id, user_id=user.id)
    assert entry.id == role.id and [(s.principal_type, s.principal_id) for s in entry.assignment_sources] == [
        ("user", user.id)]


def test_a_member_through_a_group_with_access_can_be_assigned_a_project_role(org, new_project, new_group, new_user):
    project, group, user = new_project(), new_group(), new_user()
    org.groups.users.create(group.id, user_id=user.id)
    role = new_custom_role(org, project.id)
    with pytest.raises(openai.ConflictError):
        org.projects.users.roles.create(user.id, project_id=project.id, role_id=role.id)
    org.projects.groups.create(project.id, group_id=group.id, role="viewer")
    org.projects.users.roles.create(user.id, project_id=project.id, role_id=role.id)
    assert user_project_roles(org, project.id, user.id)[role.id] == [("user", user.id)]


def test_an_organization_owner_can_be_assigned_a_project_role_without_joining(org, new_project, new_user):
    project, user = new_project(), new_user("owner")
    role = new_custom_role(org, project.id)
    with pytest.raises(openai.ConflictError):
        org.projects.users.roles.create(user.id, project_id=project.id, role_id=role.id)
    org.users.update(user.id, role="owner")
    org.projects.users.roles.create(user.id, project_id=project.id, role_id=role.id)
    assert user_project_roles(org, project.id, user.id) == {role.id: [("user", user.id)]}


def test_a_group_without_access_cannot_be_assigned_a_project_role_409(org, new_project, new_group):
    project, group = new_project(), new_group()
    role = new_custom_role(org, project.id)
    with pytest.raises(openai.ConflictError) as excinfo:
        org.projects.groups.roles.create(group.id, project_id=project.id, role_id=role.id)
    error = assert_api_error(excinfo, 409, code="no_project_access")
    assert f"/v1/organization/projects/{project.id}/groups" in error["message"], error
    assert group_project_roles(org, project.id, group.id) == []


def test_members_inherit_a_groups_project_roles_and_cannot_unassign_them(org, new_project, new_group, new_user):
    project, group, user = new_project(), new_group(), new_user()
    org.groups.users.create(group.id, user_id=user.id)
    org.projects.groups.create(project.id, group_id=group.id, role="member")
    role = new_custom_role(org, project.id)
    assigned = org.projects.groups.roles.with_raw_response.create(group.id, project_id=project.id, role_id=role.id)
    body = assigned.http_response.json()
    assert body["object"] == "group.role" and body["group"]["id"] == group.id and body["role"]["id"] == role.id
    member = project_roles(org, project.id)["member"]
    assert sorted(group_project_roles(org, project.id, group.id)) == sorted([member.id, role.id])
    assert user_project_roles(org, project.id, user.id) == {member.id: [("group", group.id)],
                                                            role.id: [("group", group.id)]}
    entry = org.projects.users.roles.retrieve(role.id, project_id=project.id, user_id=user.id)
    assert [(s.principal_type, s.principal_id) for s in entry.assignment_sources] == [("group", group.id)]
    assert org.projects.groups.roles.retrieve(role.id, project_id=project.id, group_id=group.id).id == role.id
    for role_id in (role.id, member.id):
        with pytest.raises(openai.ConflictError) as excinfo:
            org.projects.users.roles.delete(role_id, project_id=project.id, user_id=user.id)
        error = assert_api_error(excinfo, 409, code="role_inherited")
        assert group.id in error["message"] or group.name in error["message"], error
    assert set(user_project_roles(org, project.id, user.id)) == {member.id, role.id}
    # Project roles are not organization roles: the user's organization role list does not show them.
    organization_roles = ids(org.users.roles.list(user.id, limit=1000).data)
    assert role.id not in organization_roles and member.id not in organization_roles
    assert org.users.retrieve(user.id).role == "reader"


def test_a_role_held_directly_and_through_a_group_keeps_the_group_source_when_unassigned(org, new_project, new_group,
                                                                                      new_user):
    project, group, user = new_project(), new_group(), new_user()
    org.groups.users.create(group.id, user_id=user.id)
    org.projects.groups.create(project.id, group_id=group.id, role="viewer")
    role = new_custom_role(org, project.id)
    org.projects.groups.roles.create(group.id, project_id=project.id, role_id=role.id)
    org.projects.users.roles.create(user.id, project_id=project.id, role_id=role.id)
    assert user_project_roles(org, project.id, user.id)[role.id] == [("group", group.id), ("user", user.id)]
    org.projects.users.roles.delete(role.id, project_id=project.id, user_id=user.id)
    assert user_project_roles(org, project.id, user.id)[role.id] == [("group", group.id)]
    org.projects.groups.roles.delete(role.id, project_id=project.id, group_id=group.id)
    assert role.id not in user_project_roles(org, project.id, user.id)
    with pytest.raises(openai.NotFoundError):
        org.projects.groups.roles.delete(role.id, project_id=project.id, group_id=group.id)
    with pytest.raises(openai.NotFoundError):
        org.projects.users.roles.retrieve(role.id, project_id=project.id, user_id=user.id)


def test_a_direct_members_predefined_role_is_changed_through_project_users_not_unassigned(org, new_project, new_user):
    project, user = new_project(), new_user()
    org.projects.users.create(project.id, user_id=user.id, role="member")
    roles = project_roles(org, project.id)
    with pytest.raises(openai.ConflictError) as excinfo:
        org.projects.users.roles.delete(roles["member"].id, project_id=project.id, user_id=user.id)
    assert_api_error(excinfo, 409, code="predefined_role")
    org.projects.users.roles.create(user.id, project_id=project.id, role_id=roles["owner"].id)
    assert user_project_roles(org, project.id, user.id) == {roles["owner"].id: [("user", user.id)]}
    assert org.projects.users.retrieve(user.id, project_id=project.id).role == "owner"


def test_removing_a_project_user_removes_its_direct_project_roles_but_not_what_a_group_gives(org, new_project,
                                                                                           new_group, new_user):
    project, group, user = new_project(), new_group(), new_user()
    direct, inherited = new_custom_role(org, project.id), new_custom_role(org, project.id)
    org.projects.users.create(project.id, user_id=user.id, role="owner")
    org.projects.users.roles.create(user.id, project_id=project.id, role_id=direct.id)
    org.groups.users.create(group.id, user_id=user.id)
    org.projects.groups.create(project.id, group_id=group.id, role=inherited.id)
    owner = project_roles(org, project.id)["owner"]
    assert set(user_project_roles(org, project.id, user.id)) == {owner.id, direct.id, inherited.id}
    org.projects.users.delete(user.id, project_id=project.id)
    assert user_project_roles(org, project.id, user.id) == {inherited.id: [("group", group.id)]}
    org.groups.users.delete(user.id, group_id=group.id)
    assert user_project_roles(org, project.id, user.id) == {}
    org.projects.users.create(project.id, user_id=user.id, role="member")
    assert set(user_project_roles(org, project.id, user.id)) == {project_roles(org, project.id)["member"].id}


def test_removing_a_groups_access_removes_what_its_members_inherited(org, new_project, new_group, new_user):
    project, group, user = new_project(), new_group(), new_user()
    org.groups.users.create(group.id, user_id=user.id)
    role = new_custom_role(org, project.id)
    org.projects.groups.create(project.id, group_id=group.id, role="member")
    org.projects.groups.roles.create(group.id, project_id=project.id, role_id=role.id)
    assert len(user_project_roles(org, project.id, user.id)) == 2
    org.projects.groups.delete(group.id, project_id=project.id)
    assert user_project_roles(org, project.id, user.id) == {}
    assert group_project_roles(org, project.id, group.id) == []
    assert project_group_ids(org, project.id) == []
    org.projects.groups.create(project.id, group_id=group.id, role="viewer")
    viewer = project_roles(org, project.id)["viewer"]
    assert group_project_roles(org, project.id, group.id) == [viewer.id]
    assert user_project_roles(org, project.id, user.id) == {viewer.id: [("group", group.id)]}


def test_a_groups_project_roles_are_kept_per_project(org, new_project, new_group, new_user):
    first, second, group, user = new_project(), new_project(), new_group(), new_user()
    org.groups.users.create(group.id, user_id=user.id)
    org.projects.groups.create(first.id, group_id=group.id, role="owner")
    org.projects.groups.create(second.id, group_id=group.id, role="viewer")
    assert list(user_project_roles(org, first.id, user.id)) == [project_roles(org, first.id)["owner"].id]
    assert list(user_project_roles(org, second.id, user.id)) == [project_roles(org, second.id)["viewer"].id]
    org.projects.groups.delete(group.id, project_id=first.id)
    assert user_project_roles(org, first.id, user.id) == {}
    assert list(user_project_roles(org, second.id, user.id)) == [project_roles(org, second.id)["viewer"].id]


# ---------------------------------------------------------------------------------------------------------------
# Cascades


def test_deleting_a_user_takes_it_out_of_its_projects(org, new_project, new_user):
    project, user, stays = new_project(), new_user("deleted"), new_user()
    org.projects.users.create(project.id, user_id=user.id, role="owner")
    org.projects.users.create(project.id, user_id=stays.id, role="member")
    org.projects.users.roles.create(user.id, project_id=project.id, role_id=new_custom_role(org, project.id).id)
    org.users.delete(user.id)
    assert project_user_ids(org, project.id) == [stays.id]
    with pytest.raises(openai.NotFoundError):
        org.projects.users.retrieve(user.id, project_id=project.id)
    with pytest.raises(openai.NotFoundError):
        org.projects.users.roles.list(user.id, project_id=project.id)


def test_deleting_a_group_takes_away_its_project_access_and_what_members_inherited(org, new_project, new_group,
                                                                                 new_user):
    project, group, stays, user = new_project(), new_group(), new_group(), new_user()
    org.groups.users.create(group.id, user_id=user.id)
    role = new_custom_role(org, project.id)
    org.projects.groups.create(project.id, group_id=group.id, role=role.id)
    org.projects.groups.create(project.id, group_id=stays.id, role="viewer")
    assert role.id in user_project_roles(org, project.id, user.id)
    org.groups.delete(group.id)
    assert project_group_ids(org, project.id) == [stays.id]
    assert user_project_roles(org, project.id, user.id) == {}
    with pytest.raises(openai.NotFoundError):
        org.projects.groups.retrieve(group.id, project_id=project.id)


def test_deleting_a_project_role_unassigns_it_everywhere(org, new_project, new_group, new_user):
    project, group, user, via_group = new_project(), new_group(), new_user(), new_user()
    org.groups.users.create(group.id, user_id=via_group.id)
    org.projects.users.create(project.id, user_id=user.id, role="member")
    org.projects.groups.create(project.id, group_id=group.id, role="viewer")
    role, kept = new_custom_role(org, project.id), new_custom_role(org, project.id)
    for role_id in (role.id, kept.id):
        org.projects.users.roles.create(user.id, project_id=project.id, role_id=role_id)
        org.projects.groups.roles.create(group.id, project_id=project.id, role_id=role_id)
    org.projects.roles.delete(role.id, project_id=project.id)
    assert role.name not in project_roles(org, project.id) and kept.name in project_roles(org, project.id)
    assert role.id not in user_project_roles(org, project.id, user.id)
    assert role.id not in user_project_roles(org, project.id, via_group.id)
    assert role.id not in group_project_roles(org, project.id, group.id)
    assert kept.id in user_project_roles(org, project.id, user.id)
    assert kept.id in group_project_roles(org, project.id, group.id)
    assert user_project_roles(org, project.id, via_group.id)[kept.id] == [("group", group.id)]


# ---------------------------------------------------------------------------------------------------------------
# Service accounts


def test_a_service_account_gets_an_api_key_once(org, new_project):
    project = new_project()
    name = unique("svc")
    created = org.projects.service_accounts.create(project.id, name=name)
    assert created.object == "organization.project.service_account" and created.id.startswith("svc_acct_")
    assert created.name == name and created.role == "member"
    assert created.api_key is not None and created.api_key.value.startswith("sk-svcacct-")
    secret = created.api_key.value
    retrieved = org.projects.service_accounts.with_raw_response.retrieve(created.id, project_id=project.id)
    listed = org.projects.service_accounts.with_raw_response.list(project.id)
    for response in (retrieved, listed):
        text = response.http_response.text
        assert secret not in text and "api_key" not in text, text
    body = retrieved.http_response.json()
    assert body["id"] == created.id and body["name"] == name and body["role"] == "member"
    assert [a["id"] for a in listed.http_response.json()["data"]] == [created.id]


def test_a_service_account_created_without_a_key_has_role_none(org, new_project):
    project = new_project()
    created = org.projects.service_accounts.create(project.id, name=unique("svc"), create_service_account_only=True)
    assert created.role == "none" and created.api_key is None
    raw = org.projects.service_accounts.with_raw_response.create(project.id, name=unique("svc"),
                                                                 create_service_account_only=True)
    assert raw.http_response.json()["api_key"] is None
    assert org.projects.service_accounts.retrieve(created.id, project_id=project.id).role == "none"


def test_a_service_account_is_renamed_given_a_role_and_deleted(org, new_project):
    project, other = new_project(), new_project()
    account = org.projects.service_accounts.create(project.id, name=unique("svc"))
    name = unique("renamed")
    updated = org.projects.service_accounts.update(account.id, project_id=project.id, name=name, role="owner")
    assert updated.name == name and updated.role == "owner"
    retrieved = org.projects.service_accounts.retrieve(account.id, project_id=project.id)
    assert retrieved.name == name and retrieved.role == "owner"
    with pytest.raises(openai.BadRequestError) as excinfo:
        org.projects.service_accounts.update(account.id, project_id=project.id, role="none")
    assert_api_error(excinfo, 400, param="role")
    with pytest.raises(openai.NotFoundError):
        org.projects.service_accounts.retrieve(account.id, project_id=other.id)
    with pytest.raises(openai.NotFoundError):
        org.projects.service_accounts.delete(account.id, project_id=other.id)
    deleted = org.projects.service_accounts.delete(account.id, project_id=project.id)
    assert deleted.deleted is True and deleted.id == account.id
    with pytest.raises(openai.NotFoundError):
        org.projects.service_accounts.retrieve(account.id, project_id=project.id)
    assert org.projects.service_accounts.list(project.id).data == []


# ---------------------------------------------------------------------------------------------------------------
# Archived projects are read-only


@pytest.fixture(scope="module")
def archived(server, org) -> SimpleNamespace:
    """A project with a member, a group with access, custom roles assigned to both and a service account, archived."""

    def user(prefix: str) -> str:
        response = scim_create_user(server.origin, server.admin_key, new_email(prefix))
        assert response.status == 201, response.body
        return response.json()["id"]

    project = org.projects.create(name=unique("archived"))
    member, outsider = user("archived-member"), user("archived-outsider")
    group, other_group = org.groups.create(name=unique("archived")), org.groups.create(name=unique("other"))
    role = new_custom_role(org, project.id)
    spare = new_custom_role(org, project.id)
    org.projects.users.create(project.id, user_id=member, role="member")
    org.projects.groups.create(project.id, group_id=group.id, role="viewer")
    org.projects.users.roles.create(member, project_id=project.id, role_id=role.id)
    org.projects.groups.roles.create(group.id, project_id=project.id, role_id=role.id)
    account = org.projects.service_accounts.create(project.id, name=unique("svc"))
    org.projects.archive(project.id)
    return SimpleNamespace(project=project.id, name=project.name, member=member, outsider=outsider, group=group.id,
                           other_group=other_group.id, role=role.id, role_name=role.name, spare=spare.id,
                           account=account.id, account_name=account.name)


ARCHIVED_MUTATIONS = {
    "modify project": lambda o, a: o.projects.update(a.project, name=unique("renamed")),
    "add user": lambda o, a: o.projects.users.create(a.project, user_id=a.outsider, role="member"),
    "modify user": lambda o, a: o.projects.users.update(a.member, project_id=a.project, role="owner"),
    "remove user": lambda o, a: o.projects.users.delete(a.member, project_id=a.project),
    "add group": lambda o, a: o.projects.groups.create(a.project, group_id=a.other_group, role="viewer"),
    "remove group": lambda o, a: o.projects.groups.delete(a.group, project_id=a.project),
    "create role": lambda o, a: o.projects.roles.create(a.project, role_name=unique("r"),
                                                        permissions=["api.model.request"]),
    "update role": lambda o, a: o.projects.roles.update(a.role, project_id=a.project, role_name=unique("r")),
    "delete role": lambda o, a: o.projects.roles.delete(a.role, project_id=a.project),
    "assign user role": lambda o, a: o.projects.users.roles.create(a.member, project_id=a.project, role_id=a.spare),
    "unassign user role": lambda o, a: o.projects.users.roles.delete(a.role, project_id=a.project, user_id=a.member),
    "assign group role": lambda o, a: o.projects.groups.roles.create(a.group, project_id=a.project, role_id=a.spare),
    "unassign group role": lambda o, a: o.projects.groups.roles.delete(a.role, project_id=a.project, group_id=a.group),
    "create service account": lambda o, a: o.projects.service_accounts.create(a.project, name=unique("svc")),
    "create service account only": lambda o, a: o.projects.service_accounts.create(
        a.project, name=unique("svc"), create_service_account_only=True),
    "update service account": lambda o, a: o.projects.service_accounts.update(a.account, project_id=a.project,
                                                                              name=unique("svc")),
    "delete service account": lambda o, a: o.projects.service_accounts.delete(a.account, project_id=a.project),
    "invite to it": lambda o, a: o.invites.create(email=new_email("invitee"), role="reader",
                                                  projects=[{"id": a.project, "role": "member"}]),
}


@pytest.mark.parametrize("mutation", list(ARCHIVED_MUTATIONS))
def test_every_change_under_an_archived_project_is_409_project_archived(org, archived, mutation):
    with pytest.raises(openai.ConflictError) as excinfo:
        ARCHIVED_MUTATIONS[mutation](org, archived)
    error = assert_api_error(excinfo, 409, code="project_archived", message=ARCHIVED)
    assert archived.project in error["message"], error


def test_an_archived_project_stays_readable_and_unchanged(org, archived):
    for mutation in ARCHIVED_MUTATIONS.values():  # whatever order the tests ran in, every change was refused
        with pytest.raises(openai.ConflictError):
            mutation(org, archived)
    project = org.projects.retrieve(archived.project)
    assert project.status == "archived" and project.name == archived.name
    assert project_user_ids(org, archived.project) == [archived.member]
    assert org.projects.users.retrieve(archived.member, project_id=archived.project).role == "member"
    assert project_group_ids(org, archived.project) == [archived.group]
    roles = project_roles(org, archived.project)
    assert roles[archived.role_name].id == archived.role and len(roles) == 5
    assert set(user_project_roles(org, archived.project, archived.member)) == {roles["member"].id, archived.role}
    assert set(group_project_roles(org, archived.project, archived.group)) == {roles["viewer"].id, archived.role}
    accounts = org.projects.service_accounts.list(archived.project).data
    assert [(a.id, a.name) for a in accounts] == [(archived.account, archived.account_name)]
