"""The bearer credential goes to the base URL's host and nowhere else: not to a `next` link, a
redirect or an absolute URL naming another host. Two scripted local servers play the API and
a stranger; the stranger records whatever reaches it.
"""

from __future__ import annotations

import pytest
from cloudbooks_sdk import APIError, Client

from tests.sdk.scripted import Reply

USER = {"id": "u1", "email": "a@example.com", "name": "A", "plan": "free"}


def project(n: int) -> dict:
    return {"id": f"p{n}", "organization": "o1", "name": f"p{n}", "description": ""}


@pytest.fixture
def api(scripted):
    return scripted()


@pytest.fixture
def stranger(scripted):
    return scripted(default=Reply(200, USER))


@pytest.fixture
def client(api):
    with Client(api_key="sk_live_secret", base_url=f"{api.url}/v1") as client:
        yield client


def test_a_next_link_to_another_host_is_fetched_from_the_api_host(api, stranger, client):
    api.replies = [
        Reply(
            200, {"next": f"{stranger.url}/v1/projects?cursor=abc&limit=1", "results": [project(1)]}
        ),
        Reply(200, {"next": None, "results": [project(2)]}),
    ]
    assert [p.id for p in client.projects.list(limit=1)] == ["p1", "p2"]
    assert stranger.received == []
    second = api.received[1]
    assert second.path == "/v1/projects?cursor=abc&limit=1"
    assert second.headers["authorization"] == "Bearer sk_live_secret"


def test_a_redirect_to_another_host_is_refused(api, stranger, client):
    api.replies = [Reply(302, None, {"Location": f"{stranger.url}/v1/users/me"})]
    with pytest.raises(APIError) as caught:
        client.users.me()
    assert caught.value.code == "foreign_host"
    assert stranger.received == []


def test_a_redirect_on_the_api_host_is_followed_with_the_credential(api, client):
    api.replies = [Reply(307, None, {"Location": "/v1/users/me/"}), Reply(200, USER)]
    assert client.users.me().id == "u1"
    assert [r.path for r in api.received] == ["/v1/users/me", "/v1/users/me/"]
    assert api.received[1].headers["authorization"] == "Bearer sk_live_secret"


def test_an_absolute_url_to_another_host_is_refused(stranger, client):
    with pytest.raises(APIError) as caught:
        client.request("GET", f"{stranger.url}/v1/users/me")
    assert caught.value.code == "foreign_host"
    assert stranger.received == []


def test_a_login_password_is_not_sent_after_a_redirect_elsewhere(api, stranger):
    api.replies = [Reply(307, None, {"Location": f"{stranger.url}/v1/auth/login"})]
    with Client(base_url=f"{api.url}/v1") as client, pytest.raises(APIError):
        client.login("a@example.com", "hunter2-password")
    assert stranger.received == []
