"""What gunicorn itself puts on the wire, with gunicorn.conf.py, as the Procfile starts it.

The test client and live_server run the application without gunicorn, so what gunicorn adds
(the `Server` header) or how it hands a chunked body to the application is only seen here.
The requests here never reach the database, so any DATABASE_URL will do.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.api.raw_http import assert_envelope_answer, post_chunked

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _answer_status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.fixture(scope="module")
def gunicorn_url(tmp_path_factory):
    """gunicorn with gunicorn.conf.py and production settings (debug off), one worker."""
    port = _free_port()
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cloudbooks.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "0",  # plain HTTP on the loopback
        "WEB_CONCURRENCY": "1",
    }
    log_path = tmp_path_factory.mktemp("gunicorn") / "gunicorn.log"
    gunicorn = Path(sys.executable).with_name("gunicorn")
    command = [str(gunicorn), "cloudbooks.wsgi", "-c", "gunicorn.conf.py"]
    with open(log_path, "ab") as log:
        process = subprocess.Popen(
            [*command, "--bind", f"127.0.0.1:{port}"],
            cwd=ROOT,
            env=environment,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, log_path.read_text()
            with contextlib.suppress(OSError):
                _answer_status(f"{url}/v1/nowhere")
                break
            assert time.monotonic() < deadline, log_path.read_text()
            time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_responses_do_not_name_gunicorn_in_the_server_header(gunicorn_url):
    request = urllib.request.Request(f"{gunicorn_url}/v1/nowhere")
    with pytest.raises(urllib.error.HTTPError) as answer:
        urllib.request.urlopen(request, timeout=10)
    assert answer.value.code == 404
    servers = answer.value.headers.get_all("Server") or []
    assert servers == ["CloudBooks"]
    assert not any("gunicorn" in value.lower() for value in servers)


def test_chunked_api_body_is_refused_with_411_under_gunicorn(gunicorn_url):
    # gunicorn decodes chunked bodies, but hands them on without a Content-Length, which
    # Django reads as an empty body: refused before any view runs.
    answer = post_chunked(
        gunicorn_url,
        "/v1/auth/logout",
        b'{"refresh": "a-refresh-token"}',
        {"Content-Type": "application/json", "Authorization": "Bearer an-access-token"},
    )
    assert_envelope_answer(answer, 411, "length_required")
    assert "gunicorn" not in answer.headers.get("Server", "").lower()


def test_chunked_page_body_is_refused_with_411_under_gunicorn(gunicorn_url):
    answer = post_chunked(
        gunicorn_url,
        "/login",
        b"email=a%40example.com&password=" + b"x" * 4096,
        {"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert answer.status == 411
    assert answer.headers["Content-Type"].startswith("text/html")
