"""Project creations at the same moment, on PostgreSQL."""

from __future__ import annotations

import pytest
from django.db import connection

from orgs.models import Role
from projects.models import Project
from tests.factories import make_user
from tests.orgs.concurrency import at_once
from tests.orgs.factories import add_member, client_as, make_organization

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

N = 8


def test_n_concurrent_project_creations_create_exactly_n_projects():
    owner = make_user()
    organization = make_organization(owner=owner)
    members = [owner]
    for _ in range(N - 1):
        members.append(make_user())
        add_member(organization, members[-1], Role.MEMBER)
    clients = [client_as(member) for member in members]
    body = {"organization": str(organization.pk), "name": "Same name"}

    statuses = at_once(
        *((lambda c=c: c.post("/v1/projects", body, format="json").status_code) for c in clients)
    )

    assert statuses == [201] * N
    assert Project.objects.filter(organization=organization).count() == N
    assert set(Project.objects.values_list("created_by", flat=True)) == {m.pk for m in members}


def test_projects_are_created_while_the_members_change():
    """Membership changes lock the organization FOR NO KEY UPDATE: project inserts go on."""
    owner, admin = make_user(), make_user()
    organization = make_organization(owner=owner)
    add_member(organization, admin, Role.ADMIN)
    newcomers = [make_user() for _ in range(3)]
    owner_client, admin_client = client_as(owner), client_as(admin)
    body = {"organization": str(organization.pk), "name": "During"}
    members_url = f"/v1/organizations/{organization.pk}/members"

    statuses = at_once(
        *(
            (
                lambda u=u: (
                    admin_client.post(members_url, {"email": u.email}, format="json").status_code
                )
            )
            for u in newcomers
        ),
        *((lambda: owner_client.post("/v1/projects", body, format="json").status_code),) * 3,
    )

    assert statuses == [201] * 6
    assert Project.objects.filter(organization=organization).count() == 3
