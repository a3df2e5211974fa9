"""Shapes of /v1/auth and /v1/users. Rules live in accounts.services and accounts.tokens."""

from __future__ import annotations

from datetime import UTC, datetime

from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema_field
from rest_framework import serializers
from rest_framework.settings import api_settings

from accounts.models import ApiKeyScope, User
from cloudbooks.api import fields
from cloudbooks.limits import max_length

EMAIL_ISSUE = "Must be a valid email address"


class EmailField(fields.EmailField):
    default_error_messages = {"invalid": EMAIL_ISSUE}


def _timestamp(moment: datetime) -> str:
    """What a DateTimeField writes: UTC (docs/api.md) in REST_FRAMEWORK's DATETIME_FORMAT."""
    return moment.astimezone(UTC).strftime(api_settings.DATETIME_FORMAT)


class UserSerializer(serializers.ModelSerializer):
    plan = serializers.CharField(source="plan_id", read_only=True, help_text="The plan's slug.")

    class Meta:
        model = User
        fields = ["id", "email", "name", "plan", "created_at", "updated_at"]
        read_only_fields = fields

    def to_representation(self, user: User) -> dict:
        """What the declared fields give, written out: `GET /v1/users/me` runs this every time.

        A ModelSerializer builds its fields from the model for every instance it serializes,
        which cost more than the rest of the view; these six need no building. The fields
        above still describe the schema, and a test keeps the two outputs equal.
        """
        return {
            "id": str(user.pk),
            "email": user.email,
            "name": user.name,
            "plan": user.plan_id,
            "created_at": _timestamp(user.created_at),
            "updated_at": _timestamp(user.updated_at),
        }


class PublicUserSerializer(serializers.ModelSerializer):
    """What a user may see of another user who shares an organization."""

    class Meta:
        model = User
        fields = ["id", "email", "name"]
        read_only_fields = fields


class UserUpdateSerializer(serializers.Serializer):
    """PATCH/PUT /v1/users/me. `id`, `plan` and the staff flags are not fields: never applied."""

    name = fields.CharField(max_length=max_length(User, "name"), allow_blank=True)
    email = EmailField(max_length=max_length(User, "email"))
    password = fields.CharField(
        write_only=True,
        required=False,
        trim_whitespace=False,
        max_length=128,
        validators=fields.NEW_PASSWORD,
        help_text="A new password; needs `current_password`.",
    )
    current_password = fields.CharField(
        write_only=True, required=False, trim_whitespace=False, max_length=128
    )


class LoginSerializer(serializers.Serializer):
    email = EmailField(max_length=max_length(User, "email"))
    password = fields.CharField(trim_whitespace=False, max_length=128)


class LoginResponseSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="The access token; send it as `Bearer <token>`.")
    refresh = serializers.CharField(help_text="The refresh token, for `POST /v1/auth/refresh`.")
    token_type = serializers.ChoiceField(choices=["Bearer"])
    expires_in = serializers.IntegerField(help_text="Seconds until the access token expires.")
    user = UserSerializer()


class RefreshSerializer(serializers.Serializer):
    refresh = fields.CharField(max_length=4096)


class TokenPairSerializer(serializers.Serializer):
    token = serializers.CharField()
    refresh = serializers.CharField()
    token_type = serializers.ChoiceField(choices=["Bearer"])
    expires_in = serializers.IntegerField()


class LogoutSerializer(serializers.Serializer):
    refresh = fields.CharField(
        required=False, max_length=4096, help_text="Also end the login of this refresh token."
    )


# --- GET /v1/auth/whoami --------------------------------------------------------------------


class AccessTokenCredentialSerializer(serializers.Serializer):
    """The access token of a login (`POST /v1/auth/login`)."""

    type = serializers.ChoiceField(choices=["access_token"])
    id = serializers.UUIDField(help_text="The login's id: shared by every token it renews.")
    scope = serializers.ChoiceField(
        choices=["read_write"], help_text="Access tokens may always read and write."
    )
    created_at = serializers.DateTimeField(help_text="When the login started.")
    expires_at = serializers.DateTimeField(help_text="When this access token expires.")

    class Meta:
        ref_name = "AccessTokenCredential"


class ApiKeyCredentialSerializer(serializers.Serializer):
    """An API key `sk_live_…`."""

    type = serializers.ChoiceField(choices=["api_key"])
    id = serializers.UUIDField(help_text="The API key's id.")
    scope = serializers.ChoiceField(choices=ApiKeyScope.values)
    created_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField(
        allow_null=True, help_text="When the key stops working; null: never."
    )
    name = serializers.CharField()
    prefix = serializers.CharField(help_text="The key's first characters, for display.")
    last_used_at = serializers.DateTimeField(
        allow_null=True, help_text="Updated at most once a minute."
    )

    class Meta:
        ref_name = "ApiKeyCredential"


_CREDENTIAL_SHAPES = {
    "access_token": AccessTokenCredentialSerializer,
    "api_key": ApiKeyCredentialSerializer,
}


@extend_schema_field(
    PolymorphicProxySerializer(
        component_name="Credential",
        serializers=list(_CREDENTIAL_SHAPES.values()),
        resource_type_field_name="type",
    )
)
class CredentialField(serializers.Field):
    """The credential the request was authenticated with, in the shape its `type` names."""

    def __init__(self, **kwargs) -> None:
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, credential: dict) -> dict:
        return _CREDENTIAL_SHAPES[credential["type"]](credential).data


class RateLimitSerializer(serializers.Serializer):
    plan = serializers.CharField(help_text="The plan's slug.")
    limit = serializers.IntegerField(
        allow_null=True, help_text="Requests per clock hour; null on unlimited plans."
    )
    remaining = serializers.IntegerField(
        allow_null=True, help_text="Requests left in this hour, after this one."
    )
    reset = serializers.IntegerField(
        allow_null=True, help_text="Unix seconds when the hour's budget starts again."
    )


class WhoamiSerializer(serializers.Serializer):
    user = UserSerializer()
    credential = CredentialField()
    rate_limit = RateLimitSerializer(
        help_text=(
            "The budget after this request, as its X-RateLimit-* headers say; `limit`, "
            "`remaining` and `reset` are null on unlimited plans (and while the rate-limit "
            "store is unreachable)."
        )
    )
