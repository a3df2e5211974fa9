"""The public reference page's examples work against our server as printed, host changed.

The snippets are copied verbatim from the reference page (cloudbooks-api-reference.txt, the
"examples in multiple programming languages" and "Errors" sections).
"""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest
import requests

from tests.accounts.markers import transactional
from tests.factories import make_user

REFERENCE_HOST = "https://api.cloudbooks.com"

PYTHON_EXAMPLE = """\
import requests
url = 'https://api.cloudbooks.com/v1/auth/login'
payload = {
'email': 'user@example.com',
'password': 'your_password'
}
response = requests.post(url, json=payload)
data = response.json()
print(data)"""

CURL_EXAMPLE = """\
curl -X POST https://api.cloudbooks.com/v1/auth/login \\
-H "Content-Type: application/json" \\
-d '{
"email": "user@example.com",
"password": "your_password"
}'"""

JAVASCRIPT_EXAMPLE = """\
const response = await fetch('https://api.cloudbooks.com/v1/auth/login', {
method: 'POST',
headers: {
'Content-Type': 'application/json'
},
body: JSON.stringify({
email: 'user@example.com',
password: 'your_password'
})
});
const data = await response.json();
console.log(data);"""

ERROR_EXAMPLE = {
    "error": {
        "code": "invalid_request",
        "message": "Invalid email format",
        "details": {"field": "email", "issue": "Must be a valid email address"},
    }
}


@pytest.fixture
def reference_user():
    # The credentials the examples use.
    return make_user(email="user@example.com", password="your_password", name="Example User")


@transactional
def test_the_python_example_logs_in(live_server, reference_user, capsys):
    code = PYTHON_EXAMPLE.replace(REFERENCE_HOST, live_server.url)
    namespace: dict = {}
    exec(compile(code, "reference-python-example", "exec"), namespace)
    assert namespace["response"].status_code == 200
    data = namespace["data"]
    assert data["token_type"] == "Bearer"
    assert data["user"]["email"] == "user@example.com"
    # The example prints what it got; the token it printed works.
    assert data["token"] in capsys.readouterr().out
    me = requests.get(
        f"{live_server.url}/v1/users/me",
        headers={"Authorization": f"Bearer {data['token']}"},
        timeout=10,
    )
    assert me.status_code == 200
    assert me.json()["id"] == str(reference_user.pk)


@transactional
@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
def test_the_curl_example_logs_in(live_server, reference_user):
    command = CURL_EXAMPLE.replace(REFERENCE_HOST, live_server.url)
    result = subprocess.run(
        ["sh", "-c", command + " --silent --show-error"],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    data = json.loads(result.stdout)
    assert data["token_type"] == "Bearer"
    assert data["user"]["email"] == "user@example.com"


def _node_with_fetch() -> bool:
    node = shutil.which("node")
    if node is None:
        return False
    version = subprocess.run([node, "--version"], capture_output=True, text=True).stdout
    return int(version.lstrip("v").split(".")[0]) >= 18


@transactional
@pytest.mark.skipif(not _node_with_fetch(), reason="needs Node.js 18+ (built-in fetch)")
def test_the_javascript_example_logs_in(live_server, reference_user):
    # The example awaits at its top level: it runs as an ES module, as printed.
    code = JAVASCRIPT_EXAMPLE.replace(REFERENCE_HOST, live_server.url)
    result = subprocess.run(
        ["node", "--input-type=module", "-e", code],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    # console.log prints the object in Node's own notation.
    assert "token_type: 'Bearer'" in result.stdout
    assert "email: 'user@example.com'" in result.stdout


@transactional
def test_the_error_example_is_what_a_malformed_email_gets(live_server):
    response = requests.post(
        f"{live_server.url}/v1/auth/login",
        json={"email": "not-an-email", "password": "x"},
        timeout=10,
    )
    assert response.status_code == 400
    error = response.json()["error"]
    expected = ERROR_EXAMPLE["error"]
    assert error["code"] == expected["code"]
    assert error["message"] == expected["message"]
    # Everything the example shows is there; we add the full list and the request id.
    assert error["details"].items() >= expected["details"].items()
    assert error["request_id"] == response.headers["X-Request-Id"]
