"""One Bearer scheme for both credentials: an access token (JWT) or an API key `sk_live_…`."""

from __future__ import annotations

from dataclasses import dataclass

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from accounts import keys, services, tokens
from accounts.models import ApiKey, ApiKeyScope, User
from cloudbooks.api import testcontrols

# What an expired access token is told (accounts.tokens.decode_access), for the test control.
TEST_EXPIRED_MESSAGE = "Access token is invalid or expired"


@dataclass(frozen=True)
class Credential:
    """What `request.auth` holds: which kind of credential was used, and its scope."""

    kind: str  # "jwt" or "api_key"
    scope: str
    access_token: tokens.AccessToken | None = None
    api_key: ApiKey | None = None

    @property
    def read_only(self) -> bool:
        return self.scope == ApiKeyScope.READ_ONLY


class BearerAuthentication(authentication.BaseAuthentication):
    """`Authorization: Bearer <token>`: a JWT access token or an `sk_live_` API key.

    No header: anonymous (the permission then answers 401). A header that is there but
    malformed, or a credential that is bad, expired or revoked: 401 at once.
    """

    keyword = "Bearer"

    def authenticate(self, request) -> tuple[User, Credential] | None:
        header = authentication.get_authorization_header(request)
        if not header:
            return None
        parts = header.split()
        if len(parts) != 2 or parts[0].lower() != self.keyword.lower().encode():
            raise exceptions.AuthenticationFailed(
                "Malformed Authorization header; expected 'Bearer <token>'"
            )
        try:
            raw = parts[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed("Malformed bearer token") from None
        if raw.startswith(keys.KEY_PREFIX):
            user, credential = self._authenticate_key(raw)
        elif testcontrols.expires_token(request):
            # The SDK test server only (never on otherwise; cloudbooks/api/testcontrols.py):
            # the client asked for this access token to count as expired, to test renewal.
            raise exceptions.AuthenticationFailed(TEST_EXPIRED_MESSAGE)
        else:
            user, credential = self._authenticate_jwt(raw)
        # For the access log, which runs as Django middleware outside DRF's request.
        request._request.credential_kind = credential.kind
        return user, credential

    def authenticate_header(self, request) -> str:
        return f'{self.keyword} realm="api"'

    def _authenticate_key(self, raw: str) -> tuple[User, Credential]:
        try:
            api_key = services.api_key_authenticate(raw)
        except services.KeyRefused as exc:
            raise exceptions.AuthenticationFailed(str(exc)) from None
        return api_key.owner, Credential(kind="api_key", scope=api_key.scope, api_key=api_key)

    def _authenticate_jwt(self, raw: str) -> tuple[User, Credential]:
        try:
            token = tokens.decode_access(raw)
            # The user, with the plan and the revocation check: one query.
            user = tokens.user_for_access(token)
        except tokens.InvalidToken as exc:
            raise exceptions.AuthenticationFailed(str(exc)) from None
        return user, Credential(kind="jwt", scope=ApiKeyScope.READ_WRITE, access_token=token)


class BearerAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = BearerAuthentication
    name = "bearerAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": (
                "An access token from `POST /v1/auth/login` (a JWT, 15 minutes) or an API key "
                "`sk_live_…` from the dashboard."
            ),
        }
