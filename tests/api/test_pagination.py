"""Cursor pagination, the default for every list (docs/api.md), on a test-only list of users."""

from __future__ import annotations

import base64

import pytest

from tests.api.envelope import assert_envelope
from tests.factories import make_user

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.api.urls")]

USERS = "/v1/test/users"


@pytest.fixture
def thirty_users():
    return [make_user(email=f"reader{i:02d}@example.com") for i in range(30)]


def test_a_page_has_20_newest_first_with_next_and_previous(client, thirty_users):
    first = client.get(USERS)
    assert first.status_code == 200
    body = first.json()
    assert list(body) == ["next", "previous", "results"]
    assert body["previous"] is None
    newest_first = [u.email for u in reversed(thirty_users)]
    assert [u["email"] for u in body["results"]] == newest_first[:20]

    second = client.get(body["next"]).json()
    assert [u["email"] for u in second["results"]] == newest_first[20:]
    assert second["next"] is None
    assert second["previous"]


@pytest.mark.parametrize("limit", [1, 7, 100])
def test_limit_between_1_and_100_is_honoured(client, thirty_users, limit):
    results = client.get(USERS, {"limit": limit}).json()["results"]
    assert len(results) == min(limit, 30)


@pytest.mark.parametrize("limit", ["0", "101", "-1", "ten", ""])
def test_a_bad_limit_is_400_naming_the_parameter(client, limit):
    error = assert_envelope(client.get(USERS, {"limit": limit}), 400, "invalid_request")
    assert error["details"]["field"] == "limit"


@pytest.mark.parametrize(
    "cursor",
    [
        "garbage",
        base64.b64encode(b"o=0&r=0&p=not-a-timestamp").decode(),
        base64.b64encode(b"o=-5&r=0").decode(),
        # Not base64 at all: DRF's decoder skipped such characters and served the first page.
        "",
        "!",
        "cD0y!",
        "cD0y cD0y",
    ],
)
def test_a_bad_cursor_is_400_naming_the_parameter(client, thirty_users, cursor):
    error = assert_envelope(client.get(USERS, {"cursor": cursor}), 400, "invalid_request")
    assert error["details"]["field"] == "cursor"
