"""The OpenAPI schema (`/v1/openapi.json`) and the API reference (`/docs`)."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
import requests
from django.core.management import call_command

from cloudbooks.management.commands.write_schema import REGENERATE, SCHEMA_FILE, render_schema

SCHEMA = "/v1/openapi.json"

# Every operation's id, as the API contract names them: `resource_action`, PATCH = update,
# PUT = replace. An operation missing here fails the test: give it a contract name first.
OPERATION_IDS = {
    ("post", "/v1/auth/login"): "auth_login",
    ("post", "/v1/auth/refresh"): "auth_refresh",
    ("post", "/v1/auth/logout"): "auth_logout",
    ("get", "/v1/auth/whoami"): "auth_whoami",
    ("get", "/v1/users/me"): "users_me_get",
    ("patch", "/v1/users/me"): "users_me_update",
    ("put", "/v1/users/me"): "users_me_replace",
    ("delete", "/v1/users/me"): "users_me_delete",
    ("get", "/v1/users/{id}"): "users_get",
    ("get", "/v1/organizations"): "organizations_list",
    ("post", "/v1/organizations"): "organizations_create",
    ("get", "/v1/organizations/{id}"): "organizations_get",
    ("patch", "/v1/organizations/{id}"): "organizations_update",
    ("put", "/v1/organizations/{id}"): "organizations_replace",
    ("delete", "/v1/organizations/{id}"): "organizations_delete",
    ("get", "/v1/organizations/{organization_id}/members"): "organizations_members_list",
    ("post", "/v1/organizations/{organization_id}/members"): "organizations_members_create",
    ("get", "/v1/organizations/{organization_id}/members/{user_id}"): "organizations_members_get",
    (
        "patch",
        "/v1/organizations/{organization_id}/members/{user_id}",
    ): "organizations_members_update",
    (
        "delete",
        "/v1/organizations/{organization_id}/members/{user_id}",
    ): "organizations_members_delete",
    ("get", "/v1/projects"): "projects_list",
    ("post", "/v1/projects"): "projects_create",
    ("get", "/v1/projects/{id}"): "projects_get",
    ("patch", "/v1/projects/{id}"): "projects_update",
    ("put", "/v1/projects/{id}"): "projects_replace",
    ("delete", "/v1/projects/{id}"): "projects_delete",
}
RATE_LIMIT_HEADERS = {
    "X-RateLimit-Limit",
    "X-RateLimit-Remaining",
    "X-RateLimit-Reset",
    "RateLimit-Policy",
    "RateLimit",
}

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


def test_the_committed_schema_is_the_one_the_server_serves(schema):
    regenerate = f"docs/openapi.json is out of date; regenerate it with: {REGENERATE}"
    assert SCHEMA_FILE.exists(), regenerate
    committed = SCHEMA_FILE.read_text(encoding="utf-8")
    assert json.loads(committed) == schema, regenerate
    # Byte for byte what the command writes: regenerating an up-to-date file changes nothing.
    assert committed == render_schema(), regenerate


def test_the_schema_is_rendered_the_same_way_every_time():
    first = render_schema()
    assert first == render_schema()
    assert first.endswith("}\n")
    assert list(json.loads(first)) == sorted(json.loads(first))


def test_write_schema_check_fails_on_a_stale_file(tmp_path, monkeypatch):
    from django.core.management.base import CommandError

    from cloudbooks.management.commands import write_schema

    stale = tmp_path / "openapi.json"
    stale.write_text("{}\n", encoding="utf-8")
    monkeypatch.setattr(write_schema, "SCHEMA_FILE", stale)
    with pytest.raises(CommandError, match="write_schema"):
        call_command("write_schema", "--check")
    call_command("write_schema")
    assert stale.read_text(encoding="utf-8") == render_schema()
    call_command("write_schema", "--check")


def test_servers_are_production_and_the_local_server(schema):
    urls = [server["url"] for server in schema["servers"]]
    assert urls == ["https://api.cloudbooks.com", "http://127.0.0.1:8000"]


def test_every_operation_has_its_contract_id_and_a_summary(schema):
    ids = []
    for method, path, operation in operations(schema):
        assert (method, path) in OPERATION_IDS, f"{method} {path}: not in the contract"
        assert operation["operationId"] == OPERATION_IDS[(method, path)], (method, path)
        assert operation.get("summary"), (method, path)
        ids.append(operation["operationId"])
    assert len(ids) == len(set(ids))


def resolve(schema: dict, item: dict) -> dict:
    while "$ref" in item:
        section, name = item["$ref"].split("/")[-2:]
        item = schema["components"][section][name]
    return item


def test_every_response_declares_its_headers(schema):
    for method, path, operation in operations(schema):
        for status, response in operation["responses"].items():
            headers = {
                name: resolve(schema, header)
                for name, header in response.get("headers", {}).items()
            }
            where = (method, path, status)
            assert headers["X-Request-Id"]["required"] is True, where
            if operation.get("security") and status != "401":
                assert set(headers) >= RATE_LIMIT_HEADERS, where
            if status == "401":
                assert headers["WWW-Authenticate"]["required"] is True, where
            if status == "429":
                assert headers["Retry-After"]["required"] is True, where
            if status == "503":
                assert "Retry-After" in headers, where


def test_every_request_and_response_body_has_an_example(schema):
    for method, path, operation in operations(schema):
        body = operation.get("requestBody", {}).get("content", {})
        for media_type, media in body.items():
            assert "example" in media, (method, path, media_type)
        for status, response in operation["responses"].items():
            for media_type, media in response.get("content", {}).items():
                assert "example" in media, (method, path, status, media_type)
                if media["schema"].get("$ref") == ERROR_REF:
                    assert set(media["example"]["error"]) == {
                        "code",
                        "message",
                        "details",
                        "request_id",
                    }


def test_data_dependent_refusals_are_documented(schema):
    paths = schema["paths"]
    assert "409" in paths["/v1/organizations"]["post"]["responses"]
    assert "409" in paths["/v1/organizations/{id}"]["patch"]["responses"]
    assert "409" in paths["/v1/organizations/{id}"]["put"]["responses"]
    assert "409" in paths["/v1/organizations/{organization_id}/members"]["post"]["responses"]
    member = "/v1/organizations/{organization_id}/members/{user_id}"
    assert "409" in paths[member]["delete"]["responses"]
    create_project = paths["/v1/projects"]["post"]["responses"]["400"]["description"]
    assert "organization" in create_project


def test_component_descriptions_speak_to_api_users(schema):
    for name, component in schema["components"]["schemas"].items():
        description = component.get("description", "")
        for internal in ("DRF", "ModelSerializer", "serializer", "§"):
            assert internal not in description, (name, description)
    for name in ("Organization", "Project", "User"):
        assert schema["components"]["schemas"][name]["description"], name


def test_project_creator_is_nullable(schema):
    created_by = schema["components"]["schemas"]["Project"]["properties"]["created_by"]
    assert created_by["nullable"] is True


def test_pagination_links_are_examples_of_our_own_lists(schema):
    for name, component in schema["components"]["schemas"].items():
        if not name.startswith("Paginated"):
            continue
        for link in ("next", "previous"):
            example = component["properties"][link]["example"]
            assert example.startswith("https://api.cloudbooks.com/v1/"), (name, example)
            assert '"' not in example, (name, example)
            assert "/accounts/" not in example, (name, example)


def test_cursor_parameter_states_its_shape(schema):
    for method, path, operation in operations(schema):
        for parameter in operation.get("parameters", []):
            if parameter["name"] == "cursor":
                assert parameter["schema"]["pattern"], (method, path)


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
        assert {"429", "500", "503"} <= statuses, (method, path)
        assert "401" in statuses, (method, path)
        if (method, path) not in PUBLIC_OPERATIONS:
            assert "403" in statuses, (method, path)
        if method in ("post", "put", "patch"):
            assert {"400", "411", "413", "415"} <= statuses, (method, path)
        if "{" in path:
            assert "404" in statuses, (method, path)


# (email, whether the schema allows it). Whatever the schema allows, login takes as an email
# (and answers 401 for want of such an account); whatever it refuses, login refuses as 400.
EMAILS = [
    ("ada@example.com", True),
    ("ada.king+books@mail.example.co.uk", True),
    ("o'neil@example.io", True),
    (" ada@example.com ", True),
    ("ada@example.c", False),
    ("ada@example.00", False),
    ("ada@example.c0m", False),
    ("ada@bücher.de", False),
    ("adä@example.com", False),
    ('"ada lovelace"@example.com', False),
    ("ada@[127.0.0.1]", False),
    ("ada@localhost", False),
    ("ada@-example.com", False),
    ("ada..king@example.com", False),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("email", "allowed"), EMAILS)
def test_login_accepts_exactly_the_emails_the_schema_allows(schema, api, email, allowed):
    pattern = schema["components"]["schemas"]["LoginRequest"]["properties"]["email"]["pattern"]
    assert bool(re.search(pattern, email)) is allowed
    response = api.post(
        "/v1/auth/login", {"email": email, "password": "correct horse"}, format="json"
    )
    if allowed:
        assert response.status_code == 401, response.content
    else:
        assert response.status_code == 400, response.content
        assert response.json()["error"]["details"]["field"] == "email"


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


def test_docs_and_the_readme_list_every_sdk_in_the_repository(client, settings):
    """Each sdk/<language>/ with a README is an official SDK: /docs and the README name it."""
    root = Path(settings.BASE_DIR)
    folders = sorted(f"sdk/{path.parent.name}" for path in (root / "sdk").glob("*/README.md"))
    assert folders, "no SDK found"
    listed = sorted(folder for _, _, folder in settings.OFFICIAL_SDKS)
    assert listed == folders
    description = client.get("/v1/openapi.json").json()["info"]["description"]
    readme = (root / "README.md").read_text()
    guide = (root / "docs" / "api.md").read_text()
    for name, install, folder in settings.OFFICIAL_SDKS:
        assert f"`{install}` (`{folder}/`)" in description, name
        assert f"]({folder}/README.md)" in readme, name
        assert f"](../{folder}/README.md)" in guide, name
