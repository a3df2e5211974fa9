"""The world the hardening tests attack: an owner with an organization, a project and a member."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.apps import apps
from rest_framework.test import APIClient

from accounts.models import Plan, User
from orgs.models import Organization, Role
from projects.models import Project
from tests.factories import client_for, make_user
from tests.orgs.factories import add_member, make_organization, make_project

# Every table a request could write to. "Nothing written" means all of them are unchanged.
WATCHED_MODELS = (
    "accounts.User",
    "accounts.ApiKey",
    "accounts.TokenFamily",
    "accounts.RevokedAccessToken",
    "orgs.Organization",
    "orgs.Membership",
    "projects.Project",
    "token_blacklist.OutstandingToken",
    "token_blacklist.BlacklistedToken",
)


def database_state() -> dict[str, list[tuple]]:
    """Every row of every watched table, in a stable order: the tables here are tiny."""
    state = {}
    for label in WATCHED_MODELS:
        model = apps.get_model(label)
        state[label] = sorted(tuple(map(str, row)) for row in model.objects.values_list())
    return state


@dataclass
class World:
    owner: User
    member: User
    newcomer: User
    organization: Organization
    project: Project
    # Signed in beforehand: minting a token writes a row (SimpleJWT's OutstandingToken).
    owner_api: APIClient
    member_api: APIClient

    def fill(self, template: str) -> str:
        """A path template of the schema with this world's ids in it."""
        return (
            template.replace("{organization_id}", str(self.organization.pk))
            .replace("{user_id}", str(self.member.pk))
            .replace("/organizations/{id}", f"/organizations/{self.organization.pk}")
            .replace("/projects/{id}", f"/projects/{self.project.pk}")
            .replace("/users/{id}", f"/users/{self.member.pk}")
        )


@pytest.fixture
def world(db) -> World:
    # Unlimited, so a long matrix never meets the plan budget.
    enterprise = Plan.objects.get(slug="enterprise")
    owner = make_user(email="owner@example.com", name="Olive Owner", plan=enterprise)
    member = make_user(email="member@example.com", name="Mo Member", plan=enterprise)
    newcomer = make_user(email="newcomer@example.com", name="Nia Newcomer")
    organization = make_organization(owner=owner, name="Acme")
    add_member(organization, member, Role.MEMBER)
    project = make_project(organization, by=owner, name="Launch")
    return World(
        owner, member, newcomer, organization, project, client_for(owner), client_for(member)
    )


@pytest.fixture
def generous_limits(settings):
    """Login and sign-up limits no test here reaches: the matrix is not a brute-force attack."""
    settings.LOGIN_RATE_PER_IP = "100000/m"
    settings.LOGIN_FAILURES_PER_EMAIL = "100000/m"
    settings.LOGIN_FAILURES_PER_ACCOUNT_IP = "100000/m"
    settings.SIGNUP_RATE_PER_IP = "100000/m"
    settings.SIGNUP_RATE_PER_EMAIL = "100000/m"
