"""`python3 dev.py sdk-server`: the throwaway server every SDK's tests run against.

It is started here as a subprocess, exactly as an SDK's test suite starts it, and driven over
real HTTP: the JSON line it prints, the accounts and keys in it, the test controls
(`CloudBooks-Test-Fault`), and a clean stop on SIGTERM. The last tests check that the test
controls mean nothing on a server without the setting.
"""

from __future__ import annotations

import json
import re
import select
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

# Each start migrates a fresh database: several seconds, tens on a busy machine.
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
# Generous: migrating a fresh database on a busy machine can take a while.
READY_SECONDS = 240
STOP_SECONDS = 60
HTTP_TIMEOUT = 30
FAULT = "CloudBooks-Test-Fault"
CREDENTIAL_FIELDS = {
    "base_url",
    "email",
    "password",
    "api_key",
    "read_only_key",
    "pro_email",
    "pro_password",
}


@dataclass
class SdkServer:
    process: subprocess.Popen
    stderr_path: Path
    line: str

    @property
    def info(self) -> dict:
        return json.loads(self.line)

    @property
    def base_url(self) -> str:
        return self.info["base_url"]

    @property
    def folder(self) -> Path:
        match = re.search(r"a fresh database in (\S+)", self.stderr_path.read_text())
        assert match, "the server names its temporary folder on standard error"
        return Path(match[1])

    def stop(self) -> int:
        """SIGTERM, as an SDK suite stops it; SIGKILL only if it does not stop in time."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=STOP_SECONDS)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            raise


def start_sdk_server(tmp: Path, *args: str) -> SdkServer:
    stderr_path = tmp / "sdk-server.stderr"
    with open(stderr_path, "wb") as stderr:
        process = subprocess.Popen(
            [sys.executable, "dev.py", "sdk-server", *args],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
        )
    ready, _, _ = select.select([process.stdout], [], [], READY_SECONDS)
    line = process.stdout.readline() if ready else ""
    if not line:
        process.kill()
        process.wait()
        pytest.fail(f"sdk-server printed nothing; its stderr:\n{stderr_path.read_text()[-3000:]}")
    return SdkServer(process=process, stderr_path=stderr_path, line=line)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    running = start_sdk_server(tmp_path_factory.mktemp("sdk-server"))
    yield running
    running.stop()


def call(method: str, url: str, credential: str | None = None, fault: str | None = None, **kw):
    headers = kw.pop("headers", {})
    if credential:
        headers["Authorization"] = f"Bearer {credential}"
    if fault:
        headers[FAULT] = fault
    return requests.request(method, url, headers=headers, timeout=HTTP_TIMEOUT, **kw)


def log_in(server: SdkServer, email: str, password: str) -> str:
    response = call(
        "POST", f"{server.base_url}/auth/login", json={"email": email, "password": password}
    )
    assert response.status_code == 200, response.text
    return response.json()["token"]


def assert_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.text
    body = response.json()
    assert list(body) == ["error"]
    error = body["error"]
    assert error["code"] == code
    assert error["message"]
    assert isinstance(error["details"], dict)
    assert error["request_id"] == response.headers["X-Request-Id"]
    return error


def unique_id() -> str:
    return f"test-{uuid.uuid4().hex}"


# --- What it prints and what it holds -------------------------------------------------------


def test_it_prints_one_json_line_with_the_credentials(server):
    info = server.info
    assert set(info) == CREDENTIAL_FIELDS
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/v1", info["base_url"])
    assert info["api_key"].startswith("sk_live_")
    assert info["read_only_key"].startswith("sk_live_")
    assert info["api_key"] != info["read_only_key"]
    assert info["email"] != info["pro_email"]


def test_the_printed_login_works_over_http(server):
    token = log_in(server, server.info["email"], server.info["password"])
    response = call("GET", f"{server.base_url}/auth/whoami", token)
    assert response.status_code == 200
    body = response.json()
    assert body["user"]["email"] == server.info["email"]
    assert body["credential"]["type"] == "access_token"
    assert body["rate_limit"]["plan"] == "free"


def test_the_api_key_reads_and_writes(server):
    key = server.info["api_key"]
    whoami = call("GET", f"{server.base_url}/auth/whoami", key).json()
    assert (whoami["credential"]["type"], whoami["credential"]["scope"]) == (
        "api_key",
        "read_write",
    )
    assert whoami["user"]["email"] == server.info["email"]
    created = call("POST", f"{server.base_url}/organizations", key, json={"name": "Key Books"})
    assert created.status_code == 201, created.text


def test_the_read_only_key_reads_but_a_write_is_403(server):
    key = server.info["read_only_key"]
    whoami = call("GET", f"{server.base_url}/auth/whoami", key)
    assert whoami.status_code == 200
    assert whoami.json()["credential"]["scope"] == "read_only"
    assert whoami.json()["user"]["email"] == server.info["email"]
    refused = call("POST", f"{server.base_url}/organizations", key, json={"name": "Nope"})
    assert_error(refused, 403, "forbidden")


def test_the_pro_account_has_the_pro_plan(server):
    token = log_in(server, server.info["pro_email"], server.info["pro_password"])
    rate_limit = call("GET", f"{server.base_url}/auth/whoami", token).json()["rate_limit"]
    assert (rate_limit["plan"], rate_limit["limit"]) == ("pro", 10000)


def test_it_answers_with_production_settings(server):
    response = call("GET", f"{server.base_url}/no-such-endpoint")
    assert_error(response, 404, "not_found")
    assert "Traceback" not in response.text


# --- The test controls ----------------------------------------------------------------------


def test_the_fault_header_gives_the_status_n_times_then_the_real_answer(server):
    fault = f"503;times=2;id={unique_id()}"
    me = f"{server.base_url}/users/me"
    for attempt in (1, 2):
        response = call("GET", me, server.info["api_key"], fault)
        error = assert_error(response, 503, "service_unavailable")
        assert response.headers["Retry-After"] == "1"
        assert error["details"]["attempt"] == attempt
    response = call("GET", me, server.info["api_key"], fault)
    assert response.status_code == 200
    assert response.json()["email"] == server.info["email"]


@pytest.mark.parametrize(
    ("status", "code", "retry_after"),
    [
        (429, "rate_limit_exceeded", "1"),
        (500, "internal_error", None),
        (502, "bad_gateway", None),
        (504, "gateway_timeout", None),
    ],
)
def test_each_fault_status_comes_in_the_envelope(server, status, code, retry_after):
    fault = f"{status};times=1;id={unique_id()}"
    response = call("GET", f"{server.base_url}/users/me", server.info["api_key"], fault)
    assert_error(response, status, code)
    assert response.headers.get("Retry-After") == retry_after
    assert call("GET", f"{server.base_url}/users/me", server.info["api_key"], fault).ok


def test_fault_ids_are_counted_apart(server):
    first, second = f"503;times=1;id={unique_id()}", f"503;times=1;id={unique_id()}"
    me = f"{server.base_url}/users/me"
    assert call("GET", me, server.info["api_key"], first).status_code == 503
    assert call("GET", me, server.info["api_key"], second).status_code == 503
    assert call("GET", me, server.info["api_key"], first).status_code == 200


def test_a_post_answered_with_a_fault_creates_nothing(server):
    key, projects = server.info["api_key"], f"{server.base_url}/organizations"
    name = f"Faulty {uuid.uuid4().hex[:8]}"
    fault = f"503;times=1;id={unique_id()}"
    assert call("POST", projects, key, fault, json={"name": name}).status_code == 503
    assert call("POST", projects, key, fault, json={"name": name}).status_code == 201
    listed = call("GET", projects, key, params={"limit": 100}).json()["results"]
    assert [org["name"] for org in listed].count(name) == 1


def test_after_view_does_the_write_and_loses_the_answer(server):
    key, organizations = server.info["api_key"], f"{server.base_url}/organizations"
    name = f"Lost {uuid.uuid4().hex[:8]}"
    fault = f"503;times=1;id={unique_id()};after-view"
    assert call("POST", organizations, key, fault, json={"name": name}).status_code == 503
    listed = call("GET", organizations, key, params={"limit": 100}).json()["results"]
    assert [org["name"] for org in listed].count(name) == 1


def test_a_malformed_fault_header_is_a_400_naming_it(server):
    response = call("GET", f"{server.base_url}/users/me", server.info["api_key"], "418;times=1")
    error = assert_error(response, 400, "invalid_request")
    assert error["details"]["field"] == FAULT


def test_expire_token_refuses_a_valid_access_token(server):
    token = log_in(server, server.info["email"], server.info["password"])
    me = f"{server.base_url}/users/me"
    response = call("GET", me, token, "expire-token")
    error = assert_error(response, 401, "unauthorized")
    assert error["message"] == "Access token is invalid or expired"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert call("GET", me, token).status_code == 200  # the token itself is still good


def test_expire_token_with_times_refuses_only_the_first_n_requests(server):
    token = log_in(server, server.info["email"], server.info["password"])
    me, control = f"{server.base_url}/users/me", f"expire-token;times=1;id={unique_id()}"
    assert_error(call("GET", me, token, control), 401, "unauthorized")
    assert call("GET", me, token, control).status_code == 200


def test_expire_token_leaves_api_keys_alone(server):
    response = call("GET", f"{server.base_url}/users/me", server.info["api_key"], "expire-token")
    assert response.status_code == 200


# --- Stopping ---------------------------------------------------------------------------------


def test_sigterm_stops_it_with_status_0_closes_the_port_and_removes_its_files(tmp_path):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    running = start_sdk_server(tmp_path, "--port", str(port))
    try:
        assert running.base_url == f"http://127.0.0.1:{port}/v1"
        folder = running.folder
        assert folder.is_dir()
        assert call("GET", f"{running.base_url}/users/me", running.info["api_key"]).ok
    finally:
        code = running.stop()
    assert code == 0, running.stderr_path.read_text()[-3000:]
    assert running.process.stdout.read() == ""  # one line, nothing more
    with socket.socket() as sock, pytest.raises(ConnectionRefusedError):
        sock.settimeout(5)
        sock.connect(("127.0.0.1", port))
    assert not folder.exists()


def test_a_killed_sdk_server_leaves_no_gunicorn_behind(tmp_path):
    """SIGKILL gives it no chance to clean up; its gunicorn still stops (on Linux)."""
    running = start_sdk_server(tmp_path)
    port = int(running.base_url.rsplit(":", 1)[1].split("/")[0])
    folder = running.folder
    try:
        running.process.kill()
        running.process.wait(timeout=STOP_SECONDS)
        deadline = time.monotonic() + STOP_SECONDS
        while _accepts(port) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not _accepts(port)
    finally:
        shutil.rmtree(folder, ignore_errors=True)  # what SIGTERM would have removed


def _accepts(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def test_a_port_already_in_use_is_refused_before_anything_is_announced():
    # Another server on that port would answer /healthz, and the JSON line would name it.
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        finished = subprocess.run(
            [sys.executable, str(ROOT / "dev.py"), "sdk-server", "--port", str(port)],
            cwd=ROOT, capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip
    assert finished.returncode != 0
    assert "base_url" not in finished.stdout
    assert f"port {port} is in use" in finished.stderr
