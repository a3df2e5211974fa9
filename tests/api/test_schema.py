"""The OpenAPI schema (`/v1/openapi.json`) and the API reference (`/docs`)."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
import requests
from django.core.management import call_command

SCHEMA = "/v1/openapi.json"

# (method, path) of every operation of the auth and users issue.
ACCOUNT_OPERATIONS = {
    ("post", "/v1/auth/login"),
    ("post", "/v1/auth/refresh"),
    ("post", "/v1/auth/logout"),
    ("get", "/v1/users/me"),
    ("patch", "/v1/users/me"),
    ("put", "/v1/users/me"),
    ("delete", "/v1/users/me"),
    ("get", "/v1/users/{id}"),
}
PUBLIC_OPERATIONS = {("post", "/v1/auth/login"), ("post", "/v1/auth/refresh")}
ERROR_REF = "#/components/schemas/Error"
HTTP_METHODS = {"get", "post", "put", "patch", "delete"}


@pytest.fixture
def schema(client) -> dict:
    response = client.get(SCHEMA)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/")
    return response.json()


def operations(schema: dict):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method in HTTP_METHODS:
                yield method, path, operation


def error_statuses(operation: dict) -> set[str]:
    """The documented statuses whose body is the error envelope."""
    return {
        status
        for status, response in operation["responses"].items()
        if response.get("content", {}).get("application/json", {}).get("schema", {}).get("$ref")
        == ERROR_REF
    }


def test_schema_validates_without_warnings(tmp_path):
    target = tmp_path / "openapi.json"
    # --fail-on-warn turns every drf-spectacular warning into a failure of this test.
    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--format", "openapi-json", "--file", target
    )
    generated = json.loads(target.read_text())
    assert generated["openapi"].startswith("3.")
    assert generated["info"]["title"] == "CloudBooks API"


def test_schema_is_served_without_credentials_and_matches_the_generated_one(schema, tmp_path):
    target = tmp_path / "openapi.json"
    call_command("spectacular", "--format", "openapi-json", "--file", target)
    assert schema["paths"] == json.loads(target.read_text())["paths"]


def test_every_account_operation_is_documented(schema):
    documented = {(method, path) for method, path, _ in operations(schema)}
    assert documented >= ACCOUNT_OPERATIONS


def test_bearer_scheme_documents_both_credentials(schema):
    scheme = schema["components"]["securitySchemes"]["bearerAuth"]
    assert scheme["type"] == "http"
    assert scheme["scheme"] == "bearer"
    assert "sk_live_" in scheme["description"]
    assert "/v1/auth/login" in scheme["description"]


def test_protected_operations_require_the_bearer_scheme(schema):
    for method, path, operation in operations(schema):
        if (method, path) in PUBLIC_OPERATIONS:
            assert not operation.get("security"), (method, path)
        else:
            assert operation["security"] == [{"bearerAuth": []}], (method, path)


def test_error_component_is_the_envelope(schema):
    components = schema["components"]["schemas"]
    assert components["Error"]["properties"]["error"]["$ref"] == "#/components/schemas/ErrorDetail"
    detail = components["ErrorDetail"]
    assert set(detail["required"]) >= {"code", "message", "details", "request_id"}
    codes = set(components["CodeEnum"]["enum"])
    assert codes >= {
        "invalid_request",
        "unauthorized",
        "forbidden",
        "not_found",
        "method_not_allowed",
        "conflict",
        "length_required",
        "payload_too_large",
        "unsupported_media_type",
        "rate_limit_exceeded",
        "internal_error",
        "service_unavailable",
    }


def test_every_operation_documents_its_error_responses_with_the_envelope(schema):
    for method, path, operation in operations(schema):
        statuses = error_statuses(operation)
        assert "429" in statuses, (method, path)
        assert "401" in statuses, (method, path)
        if (method, path) not in PUBLIC_OPERATIONS:
            assert "403" in statuses, (method, path)
        if method in ("post", "put", "patch"):
            assert {"400", "411", "413", "415"} <= statuses, (method, path)
        if "{" in path:
            assert "404" in statuses, (method, path)


def test_user_id_is_documented_as_a_uuid(schema):
    [parameter] = schema["paths"]["/v1/users/{id}"]["get"]["parameters"]
    assert parameter["in"] == "path"
    assert parameter["schema"] == {"type": "string", "format": "uuid"}


def test_project_created_by_is_documented_as_nullable(schema):
    # A project outlives its creator's account: created_by is then null, and the schema says so.
    project = schema["components"]["schemas"]["Project"]
    created_by = project["properties"]["created_by"]
    assert created_by["nullable"] is True
    assert created_by["readOnly"] is True


# --- /docs -----------------------------------------------------------------------------------


class _AssetCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("src", "href") and value:
                self.urls.append(value)


EXTERNAL_URL = re.compile(r"(?:https?:)?//[A-Za-z0-9.-]+")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_docs_are_served_with_only_our_own_assets(live_server):
    page = requests.get(f"{live_server.url}/docs", timeout=10)
    assert page.status_code == 200
    assert page.headers["Content-Type"].startswith("text/html")
    assert not EXTERNAL_URL.search(page.text), EXTERNAL_URL.search(page.text)

    collector = _AssetCollector()
    collector.feed(page.text)
    assert collector.urls, "the docs page loads its scripts and styles"
    ours = urlsplit(live_server.url).netloc
    for url in collector.urls:
        absolute = urljoin(f"{live_server.url}/docs", url)
        assert urlsplit(absolute).netloc == ours, url
        asset = requests.get(absolute, timeout=10)
        assert asset.status_code == 200, url
        if url.endswith(".css"):
            assert not re.search(r"url\(\s*['\"]?(?:https?:)?//", asset.text), url
        if "script" in url:
            # The page's own start-up script: it points Swagger UI at our schema and nowhere else.
            assert not EXTERNAL_URL.search(asset.text), url
            assert '"/v1/openapi.json"' in asset.text
            # BaseLayout does not render the online-validator badge, which would load an image
            # from validator.swagger.io.
            assert 'layout: "BaseLayout"' in asset.text

    bundles = [url for url in collector.urls if url.endswith(".js")]
    assert bundles, "Swagger UI itself is served by us (the sidecar package), not by a CDN"
    for url in bundles:
        text = requests.get(urljoin(live_server.url, url), timeout=10).text
        for cdn in ("unpkg.com", "jsdelivr.net", "cdnjs.cloudflare.com", "googleapis.com"):
            assert cdn not in text, (url, cdn)
