"""The SDK test server's controls (cloudbooks/api/testcontrols.py) exist only where its setting is.

The server itself (`python3 dev.py sdk-server`) is tested in tests/sdk/test_sdk_server.py.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.core import checks

from tests.api.envelope import assert_envelope
from tests.factories import client_for, make_user

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_a_normal_server_ignores_the_fault_header(user):
    response = client_for(user).get("/v1/users/me", HTTP_CLOUDBOOKS_TEST_FAULT="503;times=5;id=x")
    assert response.status_code == 200


@pytest.mark.django_db
def test_a_normal_server_ignores_expire_token(user):
    response = client_for(user).get("/v1/users/me", HTTP_CLOUDBOOKS_TEST_FAULT="expire-token")
    assert response.status_code == 200


@pytest.mark.django_db
def test_with_the_setting_on_in_process_the_controls_work(user, settings):
    # What dev.py sdk-server turns on, turned on here for this test's client only.
    settings.SDK_TEST_SERVER = True
    settings.MIDDLEWARE = [
        *settings.MIDDLEWARE[:2],
        "cloudbooks.api.testcontrols.FaultMiddleware",
        *settings.MIDDLEWARE[2:],
    ]
    api = client_for(make_user())
    fault = f"500;times=1;id=test-{uuid.uuid4().hex}"
    assert_envelope(
        api.get("/v1/users/me", HTTP_CLOUDBOOKS_TEST_FAULT=fault), 500, "internal_error"
    )
    assert api.get("/v1/users/me", HTTP_CLOUDBOOKS_TEST_FAULT=fault).status_code == 200
    assert_envelope(
        api.get("/v1/users/me", HTTP_CLOUDBOOKS_TEST_FAULT="expire-token"), 401, "unauthorized"
    )
    once = f"expire-token;times=1;id=test-{uuid.uuid4().hex}"
    assert_envelope(api.get("/v1/users/me", HTTP_CLOUDBOOKS_TEST_FAULT=once), 401, "unauthorized")
    assert api.get("/v1/users/me", HTTP_CLOUDBOOKS_TEST_FAULT=once).status_code == 200
    lost = f"503;times=1;id=test-{uuid.uuid4().hex};after-view"
    response = api.post(
        "/v1/organizations", {"name": "Lost"}, format="json", HTTP_CLOUDBOOKS_TEST_FAULT=lost
    )
    assert_envelope(response, 503, "service_unavailable")
    assert response["Retry-After"] == "1"
    assert [org["name"] for org in api.get("/v1/organizations").json()["results"]] == ["Lost"]


def test_a_system_check_warns_whenever_the_setting_is_on(settings):
    assert "cloudbooks.W002" not in {message.id for message in checks.run_checks()}
    settings.SDK_TEST_SERVER = True
    assert "cloudbooks.W002" in {message.id for message in checks.run_checks()}


def test_the_setting_is_refused_with_a_public_host():
    env = {
        **os.environ,
        "CLOUDBOOKS_SDK_TEST_SERVER": "1",
        "DJANGO_ALLOWED_HOSTS": "api.cloudbooks.example,127.0.0.1",
        "DJANGO_SETTINGS_MODULE": "cloudbooks.settings",
    }
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "api.cloudbooks.example" in result.stderr
