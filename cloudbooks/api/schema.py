"""OpenAPI generation: one place decides what every operation documents.

The views say what is particular to them (request and response serializers, a summary, the
data-dependent refusals they can give); everything shared is derived here from an
operation's method, credentials and path, so a new endpoint is complete without per-view
work:

- `AutoSchema.get_operation_id`: `resource_action` (`projects_list`, `users_me_update`);
- `AutoSchema._error_statuses`: the error responses, all with the envelope;
- `finalize_schema` (a postprocessing hook): the response headers of every response, the
  examples of every request and response, user-facing component descriptions and the
  pagination links' examples.

`docs/openapi.json` is this generator's output (`python manage.py write_schema`); a test keeps
it equal to what `/v1/openapi.json` serves.
"""

from __future__ import annotations

import copy
import inspect
import re

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from rest_framework import serializers
from rest_framework.permissions import AllowAny

from cloudbooks.api.exceptions import CODES_BY_STATUS
from cloudbooks.api.viewsets import PublicAPIView

ERROR_DESCRIPTIONS = {
    400: "Invalid request: validation failure, malformed body or bad query parameter.",
    401: "Credentials missing, malformed, expired or revoked.",
    403: "Authenticated, but the role or the key's scope does not allow it.",
    404: "No such resource, or one the caller may not know exists.",
    409: "The request contradicts the current state.",
    411: "The body was sent chunked; send it with a Content-Length.",
    413: "The body is over the size limit.",
    415: "The body's media type is not JSON, form-encoded or multipart.",
    422: "The request is well formed but cannot be processed.",
    429: "Rate limit reached; retry after `Retry-After` seconds.",
    500: "An error on our side; the `request_id` identifies it to us. Safe to retry a GET.",
    503: "A backing service is unavailable for a moment; retry shortly.",
}

# Errors that depend on data rather than on the request's shape: the rule is the
# operation's, so it is stated where it is documented. A status named here is added to the
# operation's responses (or its description replaces the generic one).
DATA_RULES: dict[str, dict[int, str]] = {
    "auth_login": {401: "Wrong email or password, or the account is disabled."},
    "auth_refresh": {
        401: "The refresh token is invalid, expired, already used or revoked (reusing one "
        "revokes every refresh token of that login)."
    },
    "auth_logout": {
        400: "Invalid request, or `refresh` is not a live refresh token of the same login.",
        403: "The credential is an API key: revoke keys in the dashboard instead.",
    },
    "users_me_update": {
        400: "Invalid request: an `email` another account uses, a `password` without the "
        "right `current_password`, or a `password` the password rules refuse (too common, "
        "too like your name or email)."
    },
    "users_me_replace": {
        400: "Invalid request: an `email` another account uses, a `password` without the "
        "right `current_password`, or a `password` the password rules refuse (too common, "
        "too like your name or email)."
    },
    "organizations_create": {
        409: "The `slug` is taken, or no free slug could be derived from the name (give one)."
    },
    "organizations_update": {409: "The `slug` is taken by another organization."},
    "organizations_replace": {409: "The `slug` is taken by another organization."},
    "organizations_members_create": {
        400: "Invalid request, or no CloudBooks user has this `email`.",
        409: "That user is already a member.",
    },
    "projects_create": {
        400: "Invalid request, or `organization` is not one you belong to.",
        403: "Your role in that organization may not create projects, or the key is read-only.",
    },
    "projects_update": {
        400: "Invalid request, or `organization` differs from the project's own (projects "
        "do not move)."
    },
    "projects_replace": {
        400: "Invalid request, or `organization` differs from the project's own (projects "
        "do not move)."
    },
}

# Summaries by operation id, where the view's own is missing or shared by two methods; these
# win over the view's.
SUMMARIES = {
    "users_me_update": "Update some fields of the current user",
    "users_me_replace": "Replace the current user's profile (name and email)",
}


class ErrorDetailSerializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=sorted(set(CODES_BY_STATUS.values())))
    message = serializers.CharField()
    details = serializers.DictField(
        help_text="`field` and `issue` name the first invalid field; `errors` lists them all."
    )
    request_id = serializers.CharField()


class ErrorSerializer(serializers.Serializer):
    error = ErrorDetailSerializer()

    class Meta:
        ref_name = "Error"


def _is_public(view) -> bool:
    return any(isinstance(p, AllowAny) for p in view.get_permissions())


class AutoSchema(SpectacularAutoSchema):
    """drf-spectacular's schema with our operation ids and every error an operation can give."""

    # PATCH changes the fields given, PUT replaces them all.
    ACTIONS = {"POST": "create", "PATCH": "update", "PUT": "replace", "DELETE": "delete"}

    def get_operation_id(self) -> str:
        """`resource_action`: the path's fixed segments, then what the method does.

        `/v1/organizations/{organization_id}/members/{user_id}` + PATCH →
        `organizations_members_update`. The `auth` endpoints are verbs already:
        `POST /v1/auth/login` → `auth_login`.
        """
        unversioned = re.sub(r"^/v\d+/", "", self.path)
        segments = [
            s.replace("-", "_")
            for s in unversioned.strip("/").split("/")
            if s and not s.startswith("{")
        ]
        if segments[0] == "auth":
            return "_".join(segments)
        if self.method == "GET":
            action = "list" if self._is_list_view() else "get"
        else:
            action = self.ACTIONS[self.method]
        return "_".join([*segments, action])

    def get_summary(self) -> str | None:
        return SUMMARIES.get(self.get_operation_id()) or super().get_summary()

    def get_description(self) -> str:
        # The view's own docstring only: our shared bases' docstrings speak to developers,
        # not to API consumers.
        action = getattr(self.view, getattr(self.view, "action", self.method.lower()), None)
        action_doc = inspect.getdoc(action) if action is not None else None
        own_doc = self.view.__class__.__dict__.get("__doc__")
        return action_doc or (inspect.cleandoc(own_doc) if own_doc else "")

    def _error_statuses(self) -> dict[int, str]:
        """The error statuses this operation can answer, with what each means here."""
        method = self.method.upper()
        has_body = method in ("POST", "PUT", "PATCH")
        public = _is_public(self.view)
        statuses = []
        if has_body or self._is_list_view() or self._has_query_parameters():
            statuses.append(400)
        # Login and refresh take credentials in the body and answer 401 when they are bad.
        if not public or isinstance(self.view, PublicAPIView):
            statuses.append(401)
        if not public:
            statuses.append(403)
        if "{" in self.path:
            statuses.append(404)
        if has_body:
            statuses += [411, 413, 415]
        statuses += [429, 500, 503]
        described = {status: ERROR_DESCRIPTIONS[status] for status in statuses}
        described.update(DATA_RULES.get(self.get_operation_id(), {}))
        return dict(sorted(described.items()))

    def _has_query_parameters(self) -> bool:
        return any(getattr(p, "location", None) == "query" for p in self.get_override_parameters())

    def _get_response_bodies(self, direction: str = "response") -> dict:
        responses = super()._get_response_bodies(direction)
        for status_code, description in self._error_statuses().items():
            key = str(status_code)
            if key not in responses:
                responses[key] = self._get_response_for_code(ErrorSerializer, key)
                responses[key]["description"] = description
            elif not responses[key].get("description"):
                responses[key]["description"] = description
        return responses


# --- Postprocessing --------------------------------------------------------------------------

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def strip_trailing_slashes(result: dict, generator, request, public) -> dict:
    """Postprocessing hook: document `/v1/users/me`, not `/v1/users/me/` (both work)."""
    result["paths"] = {
        (re.sub(r"(?<=.)/$", "", path)): item for path, item in result.get("paths", {}).items()
    }
    return result


# --- Idempotency-Key (cloudbooks/api/idempotency.py) ------------------------------------------

IDEMPOTENCY_KEY_SCHEMA = {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[ -~]+$"}
_IDEMPOTENCY_KEY_DESCRIPTION = (
    "Makes a retry of this request safe: 1–255 printable ASCII characters (a UUID is a good "
    "choice), kept 24 hours for your user. A repeat with the same key, path and body gets "
    "the first answer again (same status and body, header `Idempotent-Replayed: true`) and "
    "does not write twice; 5xx answers are not kept, so a retry may succeed. The same key "
    "with another method, path or body is 422; while the first request is still running, "
    "409. The body is compared byte for byte."
)
_IDEMPOTENCY_KEY_IGNORED = (
    "Accepted (1–255 printable ASCII characters, else 400) but without effect: requests "
    "without credentials are never replayed."
)
_IDEMPOTENCY_RESPONSES = {
    "409": "A request with the same `Idempotency-Key` is still being processed.",
    "422": "The `Idempotency-Key` was already used with another method, path or body.",
}


def document_idempotency(result: dict, generator=None, request=None, public=None) -> dict:
    """Declare `Idempotency-Key` on every POST (a postprocessing hook, or call it on a schema).

    Self-contained: it walks the finished OpenAPI document. On every POST it adds the request
    header; on authenticated POSTs (those with `security`) also the `Idempotent-Replayed`
    response header on the documented non-5xx answers, and the 409 and 422 error responses
    (appending to a 409 the operation already documents for another reason).
    """
    for item in result.get("paths", {}).values():
        operation = item.get("post")
        if operation is None:
            continue
        authenticated = bool(operation.get("security"))
        parameters = operation.setdefault("parameters", [])
        if not any(
            p.get("in") == "header" and p.get("name") == "Idempotency-Key" for p in parameters
        ):
            parameters.append(
                {
                    "in": "header",
                    "name": "Idempotency-Key",
                    "required": False,
                    "schema": dict(IDEMPOTENCY_KEY_SCHEMA),
                    "description": (
                        _IDEMPOTENCY_KEY_DESCRIPTION if authenticated else _IDEMPOTENCY_KEY_IGNORED
                    ),
                }
            )
        if not authenticated:
            continue
        responses = operation.setdefault("responses", {})
        for status_code, response in responses.items():
            if status_code.isdigit() and int(status_code) < 500:
                response.setdefault("headers", {})["Idempotent-Replayed"] = {
                    "description": "`true` when this is the saved answer to an earlier request "
                    "with the same `Idempotency-Key`; absent otherwise.",
                    "schema": {"type": "string", "enum": ["true"]},
                }
        for status_code, description in _IDEMPOTENCY_RESPONSES.items():
            if status_code in responses:
                existing = responses[status_code].get("description", "")
                if description not in existing:
                    responses[status_code]["description"] = f"{existing} Or: {description}".strip()
            else:
                responses[status_code] = {
                    "description": description,
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}
                    },
                }
    return result


def _operations(result: dict):
    for path, item in result.get("paths", {}).items():
        for method, operation in item.items():
            if method in HTTP_METHODS:
                yield path, method, operation


RATE_LIMIT_HEADERS = {
    "X-RateLimit-Limit": (
        "integer",
        "Requests allowed per clock hour on your plan. Absent on unlimited plans.",
    ),
    "X-RateLimit-Remaining": ("integer", "Requests left in this hour, after this one."),
    "X-RateLimit-Reset": ("integer", "When the budget renews, in Unix seconds."),
    "RateLimit-Policy": (
        "string",
        'The IETF policy field: `"<plan>";q=<limit>;w=3600`. Absent on unlimited plans.',
    ),
    "RateLimit": (
        "string",
        'The IETF field: `"<plan>";r=<remaining>;t=<seconds to reset>`. Absent on unlimited plans.',
    ),
}
HEADERS = {
    "X-Request-Id": {
        "description": (
            "The request's id: yours if you sent a plain one (8-128 characters of "
            "`A-Za-z0-9._:-`), else ours. Quote it when you report a problem."
        ),
        "required": True,
        "schema": {"type": "string"},
        "example": "req_5f0c6b1e9a2d4c7b8e3f1a6d2c9b4e7a",
    },
    **{
        name: {
            "description": description,
            "schema": {"type": kind},
            "example": {
                "X-RateLimit-Limit": 1000,
                "X-RateLimit-Remaining": 998,
                "X-RateLimit-Reset": 1767225600,
                "RateLimit-Policy": '"free";q=1000;w=3600',
                "RateLimit": '"free";r=998;t=1800',
            }[name],
        }
        for name, (kind, description) in RATE_LIMIT_HEADERS.items()
    },
    "Retry-After": {
        "description": "Seconds to wait before retrying.",
        "schema": {"type": "integer", "minimum": 1},
        "example": 30,
    },
    "WWW-Authenticate": {
        "description": "The scheme to authenticate with.",
        "required": True,
        "schema": {"type": "string"},
        "example": 'Bearer realm="api"',
    },
}


def _headers_for(status: str, authenticated: bool) -> dict:
    names = ["X-Request-Id"]
    # A request refused before its credentials are known spends no budget.
    if authenticated and status != "401":
        names += list(RATE_LIMIT_HEADERS)
    if status in ("429", "503"):
        names.append("Retry-After")
    if status == "401":
        names.append("WWW-Authenticate")
    headers = {name: {"$ref": f"#/components/headers/{name}"} for name in names}
    if status == "429":
        # Every 429 says when to come back.
        headers["Retry-After"] = {**HEADERS["Retry-After"], "required": True}
    return headers


# --- Examples ---------------------------------------------------------------------------------

USER_ID = "5b0e4f3c-2d1a-4e8b-9c7d-6a5f4e3d2c1b"
FELLOW_ID = "8d2c1b0a-9f8e-4d7c-8b6a-5f4e3d2c1b0a"
ORGANIZATION_ID = "3e6f1a2b-7c8d-4e9f-a0b1-c2d3e4f5a6b7"
PROJECT_ID = "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d"
CREATED = "2026-03-02T09:15:27.000000Z"
UPDATED = "2026-03-09T16:42:05.000000Z"
API = "https://api.cloudbooks.com"

USER_EXAMPLE = {
    "id": USER_ID,
    "email": "ada@example.com",
    "name": "Ada Lovelace",
    "plan": "free",
    "created_at": CREATED,
    "updated_at": UPDATED,
}
TOKEN_EXAMPLE = {
    "token": "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiI1YjBlNGYzYyJ9.c2lnbmF0dXJl",
    "refresh": "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ0eXBlIjoicmVmcmVzaCJ9.c2lnbmF0dXJl",
    "token_type": "Bearer",
    "expires_in": 900,
}
# Examples of component schemas, by component name. A component without one gets an example
# built from its schema (`_example_from_schema`).
COMPONENT_EXAMPLES = {
    "User": USER_EXAMPLE,
    "PublicUser": {"id": FELLOW_ID, "email": "grace@example.com", "name": "Grace Hopper"},
    "TokenPair": TOKEN_EXAMPLE,
    "LoginResponse": {**TOKEN_EXAMPLE, "user": USER_EXAMPLE},
    "LoginRequest": {"email": "ada@example.com", "password": "correct horse battery staple"},
    "RefreshRequest": {"refresh": TOKEN_EXAMPLE["refresh"]},
    "LogoutRequest": {"refresh": TOKEN_EXAMPLE["refresh"]},
    "UserUpdateRequest": {"name": "Ada King", "email": "ada.king@example.com"},
    "PatchedUserUpdateRequest": {
        "password": "a new and longer passphrase",
        "current_password": "correct horse battery staple",
    },
    "Organization": {
        "id": ORGANIZATION_ID,
        "name": "Analytical Engines",
        "slug": "analytical-engines",
        "description": "Bookkeeping for the engine works.",
        "role": "owner",
        "created_at": CREATED,
        "updated_at": UPDATED,
    },
    "OrganizationRequest": {
        "name": "Analytical Engines",
        "slug": "analytical-engines",
        "description": "Bookkeeping for the engine works.",
    },
    "PatchedOrganizationRequest": {"description": "Books of the engine works, since 1843."},
    "Membership": {
        "user": {"id": FELLOW_ID, "email": "grace@example.com", "name": "Grace Hopper"},
        "role": "admin",
        "created_at": CREATED,
        "updated_at": UPDATED,
    },
    "MembershipCreateRequest": {"email": "grace@example.com", "role": "admin"},
    "PatchedMembershipUpdateRequest": {"role": "member"},
    "Project": {
        "id": PROJECT_ID,
        "organization": ORGANIZATION_ID,
        "name": "Ledger 2026",
        "description": "The year's accounts.",
        "created_by": USER_ID,
        "created_at": CREATED,
        "updated_at": UPDATED,
    },
    "ProjectRequest": {
        "organization": ORGANIZATION_ID,
        "name": "Ledger 2026",
        "description": "The year's accounts.",
    },
    "PatchedProjectRequest": {"name": "Ledger 2026 (closed)"},
}

# User-facing descriptions of component schemas, by name; they replace whatever a
# serializer's docstring said (docstrings speak to developers).
COMPONENT_DESCRIPTIONS = {
    "Error": "The error envelope: every 4xx and 5xx answer of the API has this body.",
    "ErrorDetail": "What went wrong: a stable `code`, a readable `message`, `details` and "
    "the `request_id`.",
    "User": "Your account.",
    "PublicUser": "What you see of a user who shares an organization with you.",
    "UserUpdateRequest": "Your profile. Changing `password` needs `current_password`; the "
    "plan and the id cannot be changed here.",
    "PatchedUserUpdateRequest": "The profile fields to change. Changing `password` needs "
    "`current_password`.",
    "LoginRequest": "Your email and password.",
    "LoginResponse": "An access token (15 minutes), a refresh token and your account.",
    "RefreshRequest": "The refresh token from the login or the last refresh.",
    "TokenPair": "A new access token and a new refresh token; the old refresh token is spent.",
    "LogoutRequest": "Optionally, the refresh token of the same login, to revoke it too.",
    "Organization": "An organization you belong to, with your role in it.",
    "OrganizationRequest": "An organization's name, slug and description.",
    "PatchedOrganizationRequest": "The organization fields to change.",
    "Membership": "A member of an organization and their role.",
    "MembershipCreateRequest": "An existing user, by email, and the role to give them.",
    "PatchedMembershipUpdateRequest": "The member's new role.",
    "Project": "A project of one of your organizations.",
    "ProjectRequest": "A project's organization (fixed once created), name and description.",
    "PatchedProjectRequest": "The project fields to change.",
}

_FORMAT_EXAMPLES = {
    "uuid": USER_ID,
    "date-time": CREATED,
    "date": "2026-03-02",
    "email": "ada@example.com",
    "uri": f"{API}/v1",
}


def _example_from_schema(schema: dict, components: dict, direction: str, depth: int = 0):
    """A plausible value for a schema, for components nobody wrote an example for."""
    if depth > 8:
        return None
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        if name in COMPONENT_EXAMPLES:
            return copy.deepcopy(COMPONENT_EXAMPLES[name])
        return _example_from_schema(components.get(name, {}), components, direction, depth + 1)
    for key in ("allOf", "oneOf", "anyOf"):
        if schema.get(key):
            return _example_from_schema(schema[key][0], components, direction, depth + 1)
    if "example" in schema:
        return schema["example"]
    if "default" in schema:
        return schema["default"]
    if "enum" in schema:
        return next((value for value in schema["enum"] if value is not None), None)
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        skip = "readOnly" if direction == "request" else "writeOnly"
        return {
            name: _example_from_schema(prop, components, direction, depth + 1)
            for name, prop in schema.get("properties", {}).items()
            if not prop.get(skip)
        }
    if kind == "array":
        return [_example_from_schema(schema.get("items", {}), components, direction, depth + 1)]
    if kind == "integer":
        return schema.get("minimum", 1)
    if kind == "number":
        return schema.get("minimum", 1.0)
    if kind == "boolean":
        return True
    if kind == "string":
        return _FORMAT_EXAMPLES.get(schema.get("format"), "string")
    return None


# Error messages of examples where the operation's own is more telling than the generic one.
ERROR_EXAMPLE_MESSAGES = {
    ("auth_login", 401): "Invalid email or password",
    ("auth_refresh", 401): "Refresh token is invalid or expired",
    ("organizations_create", 409): "This slug is already taken",
    ("organizations_update", 409): "This slug is already taken",
    ("organizations_replace", 409): "This slug is already taken",
    ("organizations_members_create", 409): "This user is already a member of the organization",
    ("organizations_members_update", 409): "An organization must keep at least one owner",
    ("organizations_members_delete", 409): "An organization must keep at least one owner",
}


def _error_example(status: int, description: str, operation_id: str = "") -> dict:
    code = CODES_BY_STATUS.get(status, "invalid_request" if status < 500 else "internal_error")
    messages = {
        400: "Invalid value for name",
        401: "Access token is invalid or expired",
        403: "You do not have permission to perform this action.",
        404: "Not found.",
        409: "The request conflicts with the current state of the resource.",
        413: "The request body is larger than the limit.",
        415: 'Unsupported media type "text/plain" in request.',
        422: "The request cannot be processed.",
        429: "Rate limit of 1000 requests per hour for the free plan exceeded.",
        500: "Something went wrong on our end. The request id identifies it to us.",
        503: "The service is temporarily unavailable. Please retry shortly.",
    }
    details = {}
    if status == 400:
        issue = "Ensure this field has no more than 100 characters."
        details = {"field": "name", "issue": issue, "errors": [{"field": "name", "issue": issue}]}
    return {
        "error": {
            "code": code,
            "message": ERROR_EXAMPLE_MESSAGES.get(
                (operation_id, status), messages.get(status, description)
            ),
            "details": details,
            "request_id": HEADERS["X-Request-Id"]["example"],
        }
    }


def _page_link(path: str, cursor: str) -> str:
    return f"{API}{path.replace('{organization_id}', ORGANIZATION_ID)}?cursor={cursor}"


def _paginated_example(item: dict, path: str) -> dict:
    return {"next": _page_link(path, "cD0y"), "previous": None, "results": [item]}


SUCCESS_DESCRIPTIONS = {"200": "Success.", "201": "Created.", "204": "Done; no body."}


def _ref_name(schema: dict) -> str | None:
    ref = schema.get("$ref", "")
    return ref.rsplit("/", 1)[-1] if ref.startswith("#/components/schemas/") else None


def finalize_schema(result: dict, generator, request, public) -> dict:
    """Postprocessing hook: headers, examples and descriptions for every operation.

    Runs after drf-spectacular's own hooks, on the finished document, so it covers every
    operation whoever wrote it, and changes nothing a view stated itself (an example or a
    header a view gives is kept).
    """
    components = result.setdefault("components", {})
    schemas = components.get("schemas", {})
    components["headers"] = copy.deepcopy(HEADERS)

    for name, description in COMPONENT_DESCRIPTIONS.items():
        if name in schemas:
            schemas[name]["description"] = description

    for path, _method, operation in _operations(result):
        authenticated = bool(operation.get("security"))
        if not authenticated:
            # Said outright: this operation takes no credentials (login, refresh).
            operation["security"] = []
        body = operation.get("requestBody", {}).get("content", {})
        for media in body.values():
            if "example" not in media and "examples" not in media:
                media["example"] = _example_from_schema(media["schema"], schemas, "request")

        for status, response in operation.get("responses", {}).items():
            if not response.get("description"):
                response["description"] = SUCCESS_DESCRIPTIONS.get(status, "Success.")
            headers = response.setdefault("headers", {})
            for name, header in _headers_for(status, authenticated).items():
                headers.setdefault(name, header)
            for media in response.get("content", {}).values():
                if "example" in media or "examples" in media:
                    continue
                schema = media.get("schema", {})
                name = _ref_name(schema)
                if name == "Error":
                    media["example"] = _error_example(
                        int(status), response["description"], operation.get("operationId", "")
                    )
                elif name and name.startswith("Paginated"):
                    item_schema = schemas[name]["properties"]["results"]["items"]
                    item = _example_from_schema(item_schema, schemas, "response")
                    media["example"] = _paginated_example(item, path)
                    _fix_pagination_links(schemas[name], path)
                else:
                    media["example"] = _example_from_schema(schema, schemas, "response")
    return result


def _fix_pagination_links(component: dict, path: str) -> None:
    """DRF's example links point at `/accounts/` (with a stray quote); ours at the list."""
    for link, cursor in (("next", "cD0y"), ("previous", "cj0xJnA9Mw%3D%3D")):
        prop = component["properties"][link]
        prop["example"] = _page_link(path, cursor)
        prop["description"] = (
            f"The URL of the {link} page, or null. Follow it as it is: its cursor is opaque."
        )
