"""The audit log through the SDK: `client.admin.organization.audit_logs.list` with every filter it sends
(`effective_at[gte]=…`, `event_types[]=…`, `project_ids[]=…`, `actor_ids[]=…`, `actor_emails[]=…`,
`resource_ids[]=…`), its pages, and the events the other calls of the SDK leave behind.

The session server is shared, so every test makes its own objects and narrows the log to them with `resource_ids`
or `project_ids`.
"""

from __future__ import annotations

import time

import openai
import pytest

from support import assert_api_error, ids, new_email, scim_create_user, unique


def events_of(org, **filters) -> list:
    """Every event the filters keep, newest first, through the SDK's auto-paging."""
    return list(org.audit_logs.list(limit=100, **filters))


def test_a_change_through_the_sdk_is_one_event_naming_the_key_its_owner_and_the_object(org, key_owner):
    before = int(time.time())
    group = org.groups.create(name=unique("audited"))
    events = events_of(org, resource_ids=[group.id])
    assert [e.type for e in events] == ["group.created"]
    event = events[0]
    assert event.id.startswith("audit_log-")
    assert before - 5 <= event.effective_at <= int(time.time()) + 5
    assert event.actor.type == "api_key"
    assert event.actor.api_key.type == "user"
    assert event.actor.api_key.id.startswith("key_")
    assert event.actor.api_key.user.id == key_owner.id
    assert event.actor.api_key.user.email == key_owner.email
    assert event.group_created.id == group.id
    assert event.group_created.data.group_name == group.name
    assert event.project is None


def test_each_call_leaves_the_event_of_its_type(org, new_group, new_user, new_role, new_project):
    group, user, role, project = new_group(), new_user("audited"), new_role(), new_project()
    org.groups.update(group.id, name=unique("renamed"))
    org.groups.users.create(group.id, user_id=user.id)
    org.groups.roles.create(group.id, role_id=role.id)
    org.groups.roles.delete(role.id, group_id=group.id)
    org.groups.users.delete(user.id, group_id=group.id)
    org.projects.users.create(project.id, user_id=user.id, role="member")
    org.projects.archive(project.id)
    org.roles.delete(role.id)
    org.groups.delete(group.id)

    assert [e.type for e in events_of(org, resource_ids=[group.id])] == [
        "group.deleted", "group.updated", "role.assignment.deleted", "role.assignment.created", "group.updated",
        "group.updated", "group.created"]
    assert [e.type for e in events_of(org, resource_ids=[role.id])] == ["role.deleted", "role.created"]
    assignment = events_of(org, resource_ids=[group.id], event_types=["role.assignment.created"])[0]
    assert assignment.role_assignment_created.id == role.id
    assert assignment.role_assignment_created.principal_id == group.id
    assert assignment.role_assignment_created.principal_type == "group"
    assert assignment.role_assignment_created.resource_type == "api.organization"

    in_project = events_of(org, project_ids=[project.id])
    assert [e.type for e in in_project] == ["project.archived", "user.added", "project.created"]
    assert all(e.project.id == project.id and e.project.name == project.name for e in in_project)
    added = in_project[1]
    assert added.user_added.id == user.id and added.user_added.data.role == "member"


def test_event_type_and_time_filters_combine(org, new_project):
    project = new_project()
    started = int(time.time())
    org.projects.update(project.id, name=unique("renamed"))
    account = org.projects.service_accounts.create(project.id, name="Bot")
    org.projects.service_accounts.delete(account.id, project_id=project.id)

    everything = events_of(org, project_ids=[project.id])
    assert [e.type for e in everything] == [
        "service_account.deleted", "service_account.created", "project.updated", "project.created"]
    only_accounts = events_of(org, project_ids=[project.id],
                              event_types=["service_account.created", "service_account.deleted"])
    assert ids(only_accounts) == ids(everything[:2])
    assert events_of(org, project_ids=[project.id], event_types=["login.succeeded"]) == []
    recent = events_of(org, project_ids=[project.id], effective_at={"gte": started - 1})
    assert set(ids(everything[:3])) <= set(ids(recent))
    assert events_of(org, project_ids=[project.id], effective_at={"gt": int(time.time()) + 60}) == []
    assert events_of(org, project_ids=[project.id], effective_at={"lt": everything[-1].effective_at}) == []
    assert ids(events_of(org, project_ids=[project.id], effective_at={"lte": everything[0].effective_at})) == ids(everything)


def test_actor_filters_find_a_keys_events_by_user_id_key_id_and_email(server, org, key_owner):
    group = org.groups.create(name=unique("actor"))
    event = events_of(org, resource_ids=[group.id])[0]
    key_id = event.actor.api_key.id
    for filters in ({"actor_ids": [key_owner.id]}, {"actor_ids": [key_id]}, {"actor_emails": [key_owner.email.upper()]}):
        assert event.id in ids(events_of(org, resource_ids=[group.id], **filters)), filters
    assert events_of(org, resource_ids=[group.id], actor_ids=["user_01J00000000000000000000000"]) == []
    assert events_of(org, resource_ids=[group.id], actor_emails=[new_email("nobody")]) == []


def test_scim_provisioning_and_an_accepted_invite_are_recorded_with_the_key_that_provisioned(server, org):
    email = new_email("invited")
    invite = org.invites.create(email=email, role="reader")
    response = scim_create_user(server.origin, server.admin_key, email)
    assert response.status == 201, response.body[:500]
    user_id = response.json()["id"]
    assert [e.type for e in events_of(org, resource_ids=[invite.id])] == ["invite.accepted", "invite.sent"]
    added = events_of(org, resource_ids=[user_id])
    assert [e.type for e in added] == ["user.added"]
    assert added[0].actor.api_key.user.id == events_of(org, resource_ids=[invite.id])[0].actor.api_key.user.id


def test_pages_go_back_in_time_with_after_and_forward_with_before(org, new_group):
    group = new_group("paged")
    for index in range(5):
        org.groups.update(group.id, name=unique(f"paged{index}"))
    everything = events_of(org, resource_ids=[group.id])
    assert len(everything) == 6
    first = org.audit_logs.list(resource_ids=[group.id], limit=2)
    assert ids(first.data) == ids(everything[:2]) and first.has_more
    assert first.first_id == everything[0].id and first.last_id == everything[1].id
    second = org.audit_logs.list(resource_ids=[group.id], limit=2, after=first.last_id)
    assert ids(second.data) == ids(everything[2:4])
    back = org.audit_logs.list(resource_ids=[group.id], limit=2, before=second.first_id)
    assert ids(back.data) == ids(first.data) and not back.has_more
    assert ids(org.audit_logs.list(resource_ids=[group.id], limit=2).iter_pages().__next__().data) == ids(first.data)
    assert ids(list(org.audit_logs.list(resource_ids=[group.id], limit=2))) == ids(everything)


def test_a_refused_call_leaves_no_event_and_bad_filters_are_400s(org, new_group):
    group = new_group("refused")
    with pytest.raises(openai.ConflictError):
        org.groups.create(name=group.name)
    with pytest.raises(openai.BadRequestError):
        org.groups.update(group.id, name="   ")
    assert [e.type for e in events_of(org, resource_ids=[group.id])] == ["group.created"]

    with pytest.raises(openai.BadRequestError) as excinfo:
        org.audit_logs.list(limit=101)
    assert_api_error(excinfo, 400, param="limit")
    with pytest.raises(openai.BadRequestError) as excinfo:
        org.audit_logs.list(project_ids=["not-a-project"])
    assert_api_error(excinfo, 400, param="project_ids")
    with pytest.raises(openai.BadRequestError) as excinfo:
        org.audit_logs.list(after="audit_log-01J00000000000000000000000")
    assert_api_error(excinfo, 400, param="after")
