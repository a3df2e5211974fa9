"""Each method of /v1/users/me does what its name says, and nothing else."""

from __future__ import annotations

import pytest

from accounts.models import ApiKeyScope, User
from tests.factories import client_for, make_api_key

pytestmark = pytest.mark.django_db

ME = "/v1/users/me"


@pytest.mark.parametrize("scope", [ApiKeyScope.READ_ONLY, ApiKeyScope.READ_WRITE])
def test_head_with_a_body_is_a_read_that_changes_nothing(user, scope):
    _, raw = make_api_key(user, name="probe", scope=scope)
    body = {"name": "Mallory", "email": "mallory@example.com"}

    response = client_for(user, raw).generic(
        "HEAD",
        ME,
        data='{"name": "Mallory", "email": "mallory@example.com"}',
        content_type="application/json",
    )

    assert response.status_code == 200
    assert response.content == b""
    stored = User.objects.get(pk=user.pk)
    assert (stored.name, stored.email) != (body["name"], body["email"])
    assert (stored.name, stored.email) == ("Olive Owner", "owner@example.com")
