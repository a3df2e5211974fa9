"""`Idempotency-Key` on POSTs under /v1 (cloudbooks/api/idempotency.py), through real HTTP."""

from __future__ import annotations

import json
import threading
import time
import uuid
from datetime import timedelta
from io import StringIO

import pytest
import requests
import time_machine
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from cloudbooks.api import idempotency
from cloudbooks.models import IdempotencyRecord, IdempotencyState
from orgs.models import Membership, Organization
from tests.api.envelope import assert_envelope
from tests.factories import PASSWORD, access_token_for, client_for, make_user
from tests.orgs.factories import client_as, make_organization

pytestmark = pytest.mark.django_db

ORGANIZATIONS = "/v1/organizations"
PROJECTS = "/v1/projects"
LOGIN = "/v1/auth/login"
ME = "/v1/users/me"
KEY = "5f1c3a52-8d7e-4a8c-9c1e-2b0a6f3d9e11"
ACME = json.dumps({"name": "Acme"})

only_on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="real concurrency needs PostgreSQL (SQLite locks the whole database)",
)


def post(client, path: str = ORGANIZATIONS, body: str = ACME, key: str | None = KEY):
    """A POST with a JSON body sent as these exact bytes, and the key if one is given."""
    headers = {} if key is None else {"HTTP_IDEMPOTENCY_KEY": key}
    return client.post(path, body, content_type="application/json", **headers)


def organizations_of(user) -> int:
    return Membership.objects.filter(user=user).count()


@pytest.fixture
def owner(db):
    return make_user(email="olive@example.com", name="Olive Owner")


@pytest.fixture
def api(owner):
    return client_for(owner)


# --- Replays ---------------------------------------------------------------------------------


def test_a_repeated_create_gets_the_first_answer_and_creates_one_organization(owner, api):
    first = post(api)
    assert first.status_code == 201
    assert "Idempotent-Replayed" not in first

    again = post(api)
    assert again.status_code == 201
    assert again["Idempotent-Replayed"] == "true"
    assert again.content == first.content
    assert organizations_of(owner) == 1
    # Everything else is the current request's: its id, and its place in the budget.
    assert again["X-Request-Id"] != first["X-Request-Id"]
    assert int(again["X-RateLimit-Remaining"]) == int(first["X-RateLimit-Remaining"]) - 1


def test_the_replay_answers_an_api_key_of_the_same_user(owner, api):
    first = post(api)
    again = post(client_as(owner, "read_write_key"))
    assert again["Idempotent-Replayed"] == "true"
    assert again.content == first.content
    assert organizations_of(owner) == 1


def test_a_validation_error_is_saved_and_replayed_with_this_requests_id(owner, api):
    first = post(api, body=json.dumps({"name": ""}))
    first_error = assert_envelope(first, 400, "invalid_request")

    again = post(api, body=json.dumps({"name": ""}))
    error = assert_envelope(again, 400, "invalid_request")
    assert again["Idempotent-Replayed"] == "true"
    assert error["request_id"] != first_error["request_id"]
    assert {**error, "request_id": None} == {**first_error, "request_id": None}


def test_without_the_header_every_post_creates(owner, api):
    assert post(api, key=None).status_code == 201
    second = post(api, key=None)
    assert second.status_code == 201
    assert "Idempotent-Replayed" not in second
    assert organizations_of(owner) == 2
    assert not IdempotencyRecord.objects.exists()


def test_keys_belong_to_their_user(owner, api):
    outsider = make_user(email="oscar@example.com")
    assert post(api).status_code == 201
    theirs = post(client_for(outsider))
    assert theirs.status_code == 201
    assert "Idempotent-Replayed" not in theirs
    assert organizations_of(owner) == 1
    assert organizations_of(outsider) == 1


def test_a_post_refused_by_the_permissions_takes_no_key(owner):
    refused = post(client_as(owner, "read_only_key"))
    assert_envelope(refused, 403, "forbidden")
    assert not IdempotencyRecord.objects.exists()
    created = post(client_as(owner, "read_write_key"))
    assert created.status_code == 201
    assert "Idempotent-Replayed" not in created


def test_other_methods_ignore_the_header_even_malformed(api):
    response = api.get(ME, HTTP_IDEMPOTENCY_KEY="")
    assert response.status_code == 200
    assert not IdempotencyRecord.objects.exists()


# --- Mismatches ------------------------------------------------------------------------------


def test_the_same_key_with_another_body_is_422_and_creates_nothing(owner, api):
    assert post(api).status_code == 201
    response = post(api, body=json.dumps({"name": "Globex"}))
    error = assert_envelope(response, 422, "invalid_request")
    assert error["details"]["field"] == "Idempotency-Key"
    assert not Organization.objects.filter(name="Globex").exists()
    assert organizations_of(owner) == 1


def test_the_same_key_on_another_path_is_422_and_creates_nothing(owner, api):
    organization = make_organization(owner=owner)
    assert post(api).status_code == 201
    body = json.dumps({"organization": str(organization.pk), "name": "Apollo"})
    response = post(api, path=PROJECTS, body=body)
    error = assert_envelope(response, 422, "invalid_request")
    assert error["details"]["field"] == "Idempotency-Key"
    assert not organization.projects.exists()


def test_the_same_json_with_its_keys_in_another_order_is_another_request(api):
    assert post(api, body='{"name": "Acme", "description": "x"}').status_code == 201
    response = post(api, body='{"description": "x", "name": "Acme"}')
    assert_envelope(response, 422, "invalid_request")


# --- In progress -----------------------------------------------------------------------------


def _claim_as_the_first_request_would(owner, *, started=None):
    """The row a first request with KEY and ACME holds while its view runs (the real store)."""
    held = idempotency.claim(
        user_id=owner.pk,
        key=KEY,
        fingerprint=idempotency.fingerprint(
            method="POST",
            full_path=ORGANIZATIONS,
            content_type="application/json",
            body=ACME.encode(),
        ),
        now=started,
    )
    assert isinstance(held, idempotency.Claim)
    return held


def test_a_repeat_while_the_first_is_running_is_409_and_creates_nothing(owner, api):
    _claim_as_the_first_request_would(owner)
    response = post(api)
    error = assert_envelope(response, 409, "conflict")
    assert error["details"]["field"] == "Idempotency-Key"
    assert organizations_of(owner) == 0


def test_a_key_abandoned_by_a_dead_request_is_taken_over(owner, api):
    long_ago = timezone.now() - idempotency.ABANDONED_AFTER - timedelta(seconds=1)
    _claim_as_the_first_request_would(owner, started=long_ago)
    response = post(api)
    assert response.status_code == 201
    assert "Idempotent-Replayed" not in response
    assert post(api)["Idempotent-Replayed"] == "true"
    assert organizations_of(owner) == 1


@only_on_postgresql
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_repeat_while_the_first_is_really_running_is_409(live_server):
    """The first request is held inside its view by a lock on the table it writes to."""
    owner = make_user()
    headers = {
        "Authorization": f"Bearer {access_token_for(owner)}",
        "Content-Type": "application/json",
        "Idempotency-Key": KEY,
    }
    url = f"{live_server.url}{ORGANIZATIONS}"
    answers: list[requests.Response] = []

    def first_request() -> None:
        answers.append(requests.post(url, data=ACME, headers=headers, timeout=60))

    with transaction.atomic():
        with connection.cursor() as cursor:
            # Reads go on; the first request's INSERT waits until this transaction ends.
            cursor.execute("LOCK TABLE orgs_organization IN SHARE MODE")
        first = threading.Thread(target=first_request)
        first.start()
        _wait_for(lambda: IdempotencyRecord.objects.filter(key=KEY).exists())

        during = requests.post(url, data=ACME, headers=headers, timeout=60)
        assert during.status_code == 409
        assert during.json()["error"]["details"]["field"] == "Idempotency-Key"
    first.join()

    [original] = answers
    assert original.status_code == 201
    after = requests.post(url, data=ACME, headers=headers, timeout=60)
    assert after.status_code == 201
    assert after.headers["Idempotent-Replayed"] == "true"
    assert after.content == original.content
    assert organizations_of(owner) == 1
    connection.close()


def _wait_for(condition, patience: float = 60.0) -> None:
    """Wait for another thread to get somewhere; the patience is generous, not a measurement."""
    deadline = time.monotonic() + patience
    while not condition():
        assert time.monotonic() < deadline, "the first request never took the key"
        time.sleep(0.02)


# --- 5xx -------------------------------------------------------------------------------------


REFUSE_MEMBERSHIPS = {
    # A full disk, as PostgreSQL reports it: an OperationalError, answered 503.
    "postgresql": [
        "CREATE FUNCTION refuse_write() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN RAISE EXCEPTION 'disk full' USING ERRCODE = '53100'; END $$",
        "CREATE TRIGGER refuse_write BEFORE INSERT ON orgs_membership "
        "FOR EACH ROW EXECUTE FUNCTION refuse_write()",
    ],
    # SQLite's RAISE is a constraint failure nothing expects: an unhandled error, answered 500.
    "sqlite": [
        "CREATE TRIGGER refuse_write BEFORE INSERT ON orgs_membership "
        "BEGIN SELECT RAISE(ABORT, 'refused'); END"
    ],
}
ACCEPT_MEMBERSHIPS = {
    "postgresql": [
        "DROP TRIGGER refuse_write ON orgs_membership",
        "DROP FUNCTION refuse_write()",
    ],
    "sqlite": ["DROP TRIGGER refuse_write"],
}


def _run(statements: dict[str, list[str]]) -> None:
    with connection.cursor() as cursor:
        for statement in statements[connection.vendor]:
            cursor.execute(statement)


def test_a_5xx_is_not_saved_so_the_retry_creates(owner, api):
    _run(REFUSE_MEMBERSHIPS)
    failed = post(api)
    assert failed.status_code >= 500
    assert failed.json()["error"]["code"] in ("service_unavailable", "internal_error")
    assert not IdempotencyRecord.objects.exists()
    assert organizations_of(owner) == 0

    _run(ACCEPT_MEMBERSHIPS)
    retried = post(api)
    assert retried.status_code == 201
    assert "Idempotent-Replayed" not in retried
    assert post(api)["Idempotent-Replayed"] == "true"
    assert organizations_of(owner) == 1


@pytest.mark.parametrize("status_code", [200, 201, 204, 400, 403, 404, 409, 422, 429])
def test_answers_below_500_are_saved(status_code):
    assert idempotency.should_save(status_code)


@pytest.mark.parametrize("status_code", [500, 502, 503, 504])
def test_5xx_answers_are_not_saved(status_code):
    assert not idempotency.should_save(status_code)


# --- Malformed keys --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "key",
    ["", "k" * 256, "clé", "tab\there", "bell\x07", "\x7f", "line\nbreak"],
    ids=["empty", "256-chars", "non-ascii", "tab", "control", "del", "newline"],
)
def test_a_malformed_key_is_400_and_changes_nothing(owner, api, key):
    response = post(api, key=key)
    error = assert_envelope(response, 400, "invalid_request")
    assert error["details"]["field"] == "Idempotency-Key"
    assert organizations_of(owner) == 0
    assert not IdempotencyRecord.objects.exists()


@pytest.mark.parametrize("key", ["k" * 255, "a", " spaced ~ key! "], ids=["255", "1", "spaces"])
def test_any_printable_ascii_key_of_1_to_255_characters_is_taken(owner, api, key):
    assert post(api, key=key).status_code == 201
    assert post(api, key=key)["Idempotent-Replayed"] == "true"
    assert organizations_of(owner) == 1


# --- Requests without credentials ------------------------------------------------------------


def test_logins_are_never_replayed(owner, client):
    body = json.dumps({"email": owner.email, "password": PASSWORD})
    first = post(client, path=LOGIN, body=body)
    second = post(client, path=LOGIN, body=body)
    assert first.status_code == second.status_code == 200
    assert "Idempotent-Replayed" not in second
    assert first.json()["refresh"] != second.json()["refresh"]
    assert not IdempotencyRecord.objects.exists()


def test_a_login_with_a_malformed_key_is_400(owner, client):
    body = json.dumps({"email": owner.email, "password": PASSWORD})
    response = post(client, path=LOGIN, body=body, key="")
    assert assert_envelope(response, 400, "invalid_request")["details"]["field"] == (
        "Idempotency-Key"
    )


# --- 24 hours --------------------------------------------------------------------------------


def test_after_24_hours_the_key_is_free_again(owner):
    api = client_as(owner, "read_write_key")  # an access token would expire in the meantime
    assert post(api).status_code == 201
    later = timezone.now() + idempotency.KEY_LIFETIME + timedelta(seconds=1)
    with time_machine.travel(later, tick=False):
        other_body = post(api, body=json.dumps({"name": "Globex"}))
        assert other_body.status_code == 201
        assert "Idempotent-Replayed" not in other_body
    assert organizations_of(owner) == 2
    assert IdempotencyRecord.objects.get().state == IdempotencyState.DONE


def test_within_24_hours_the_key_is_still_kept(owner):
    api = client_as(owner, "read_write_key")
    assert post(api).status_code == 201
    later = timezone.now() + idempotency.KEY_LIFETIME - timedelta(minutes=1)
    with time_machine.travel(later, tick=False):
        assert post(api)["Idempotent-Replayed"] == "true"
    assert organizations_of(owner) == 1


def test_purge_idempotency_keys_deletes_only_records_older_than_24_hours(owner, api):
    assert post(api, key="old").status_code == 201
    with time_machine.travel(timezone.now() + timedelta(hours=23), tick=False):
        assert post(client_as(owner, "read_write_key"), key="recent").status_code == 201
    with time_machine.travel(timezone.now() + timedelta(hours=24, seconds=1), tick=False):
        out = StringIO()
        call_command("purge_idempotency_keys", stdout=out)
    assert "Deleted 1 " in out.getvalue()
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["recent"]


# --- Real concurrency ------------------------------------------------------------------------


@only_on_postgresql
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_twenty_parallel_posts_with_one_key_create_one_organization(live_server):
    owner = make_user()
    headers = {
        "Authorization": f"Bearer {access_token_for(owner)}",
        "Content-Type": "application/json",
        "Idempotency-Key": str(uuid.uuid4()),
    }
    url = f"{live_server.url}{ORGANIZATIONS}"
    answers: list[requests.Response] = []
    lock = threading.Lock()
    start = threading.Barrier(20)

    def fire() -> None:
        start.wait()
        response = requests.post(url, data=ACME, headers=headers, timeout=60)
        with lock:
            answers.append(response)

    threads = [threading.Thread(target=fire) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(answers) == 20
    assert {response.status_code for response in answers} <= {201, 409}
    created = [r for r in answers if r.status_code == 201]
    originals = [r for r in created if "Idempotent-Replayed" not in r.headers]
    assert len(originals) == 1
    assert {r.content for r in created} == {originals[0].content}
    for response in answers:
        if response.status_code == 409:
            assert response.json()["error"]["code"] == "conflict"
    assert organizations_of(owner) == 1
    # And once the dust settles, the key answers with the one organization.
    after = requests.post(url, data=ACME, headers=headers, timeout=60)
    assert after.headers["Idempotent-Replayed"] == "true"
    assert after.content == originals[0].content
    connection.close()


# --- The schema ------------------------------------------------------------------------------


def test_the_schema_declares_the_key_on_every_post_and_its_answers_where_it_applies(client):
    schema = client.get("/v1/openapi.json").json()
    posts = [(path, item["post"]) for path, item in schema["paths"].items() if "post" in item]
    assert posts
    for path, operation in posts:
        [parameter] = [p for p in operation["parameters"] if p["name"] == "Idempotency-Key"]
        assert parameter["in"] == "header"
        assert parameter["required"] is False
        assert parameter["schema"]["maxLength"] == 255
        responses = operation["responses"]
        if operation.get("security"):
            assert {"409", "422"} <= set(responses), path
            assert responses["422"]["content"]["application/json"]["schema"]["$ref"] == (
                "#/components/schemas/Error"
            )
            success = next(code for code in responses if code.startswith("2"))
            assert "Idempotent-Replayed" in responses[success]["headers"], path
        else:
            assert "422" not in responses, path
