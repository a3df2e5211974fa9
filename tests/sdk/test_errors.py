"""Each exception type, raised from a real answer of the live server."""

from __future__ import annotations

import uuid

import pytest
from cloudbooks_sdk import (
    APIError,
    AuthenticationError,
    ConflictError,
    InvalidRequestError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
)

from accounts.models import ApiKeyScope, Plan
from tests.factories import make_api_key, make_user
from tests.sdk.conftest import live

pytestmark = live


@pytest.fixture
def olive(connect, owner):
    return connect(owner)


def assert_envelope(error: APIError, status: int, code: str) -> None:
    assert (error.status, error.code) == (status, code)
    assert error.message
    assert error.request_id and error.request_id.startswith("req_")
    assert error.request_id == error.response.headers["X-Request-Id"]


def test_400_is_an_invalid_request_error_naming_the_field(olive):
    with pytest.raises(InvalidRequestError) as caught:
        olive.projects.create(organization=str(uuid.uuid4()), name="Nowhere")
    assert_envelope(caught.value, 400, "invalid_request")
    assert caught.value.details["field"] == "organization"
    assert caught.value.details["issue"] == "Must be the id of an organization you belong to"


def test_400_for_a_limit_out_of_range(olive):
    with pytest.raises(InvalidRequestError) as caught:
        list(olive.projects.list(limit=500))
    assert caught.value.details["field"] == "limit"


def test_401_is_an_authentication_error(connect):
    with pytest.raises(AuthenticationError) as caught:
        connect(api_key="sk_live_" + "x" * 40).users.me()
    assert_envelope(caught.value, 401, "unauthorized")


def test_403_is_a_permission_denied_error_for_a_members_delete(olive, connect, member):
    org = olive.organizations.create(name="Acme")
    olive.organizations.members(org.id).add(email=member.email, role="member")
    with pytest.raises(PermissionDeniedError) as caught:
        connect(member).organizations.delete(org.id)
    assert_envelope(caught.value, 403, "forbidden")


def test_403_for_a_read_only_key_writing(connect, owner):
    _, key = make_api_key(owner, scope=ApiKeyScope.READ_ONLY)
    with pytest.raises(PermissionDeniedError):
        connect(api_key=key).organizations.create(name="Nope")


def test_404_is_a_not_found_error(olive):
    with pytest.raises(NotFoundError) as caught:
        olive.projects.get(str(uuid.uuid4()))
    assert_envelope(caught.value, 404, "not_found")


def test_409_is_a_conflict_error_for_the_last_owner_leaving(olive, owner):
    org = olive.organizations.create(name="Acme")
    with pytest.raises(ConflictError) as caught:
        olive.organizations.members(org.id).remove(str(owner.pk))
    assert_envelope(caught.value, 409, "conflict")


def test_409_for_deleting_an_account_that_would_orphan_an_organization(olive, member):
    org = olive.organizations.create(name="Acme")
    olive.organizations.members(org.id).add(email=member.email)
    with pytest.raises(ConflictError) as caught:
        olive.users.delete_me()
    assert caught.value.details["organizations"]


def test_429_is_a_rate_limit_error_with_the_budget(connect):
    tiny = Plan.objects.create(slug="tiny", name="Tiny", requests_per_hour=1)
    client = connect(make_user(plan=tiny), max_retries=0)
    client.users.me()
    with pytest.raises(RateLimitError) as caught:
        client.users.me()
    error = caught.value
    assert_envelope(error, 429, "rate_limit_exceeded")
    assert (error.limit, error.remaining) == (1, 0)
    assert error.reset == error.details["reset"]
    assert 0 < error.retry_after <= 3600
    assert error.details["plan"] == "tiny"


def test_any_other_status_is_a_plain_api_error(olive):
    with pytest.raises(APIError) as caught:
        olive.request("PUT", "auth/login", json={})
    assert type(caught.value) is APIError
    assert_envelope(caught.value, 405, "method_not_allowed")
