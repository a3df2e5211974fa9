"""Shapes of /v1/auth and /v1/users. Rules live in accounts.services and accounts.tokens."""

from __future__ import annotations

from rest_framework import serializers

from accounts.models import User

EMAIL_ISSUE = "Must be a valid email address"


class EmailField(serializers.EmailField):
    default_error_messages = {"invalid": EMAIL_ISSUE}


class UserSerializer(serializers.ModelSerializer):
    plan = serializers.CharField(source="plan_id", read_only=True, help_text="The plan's slug.")

    class Meta:
        model = User
        fields = ["id", "email", "name", "plan", "created_at", "updated_at"]
        read_only_fields = fields


class PublicUserSerializer(serializers.ModelSerializer):
    """What a user may see of another user who shares an organization."""

    class Meta:
        model = User
        fields = ["id", "email", "name"]
        read_only_fields = fields


class UserUpdateSerializer(serializers.Serializer):
    """PATCH/PUT /v1/users/me. `id`, `plan` and the staff flags are not fields: never applied."""

    name = serializers.CharField(max_length=150, allow_blank=True)
    email = EmailField(max_length=254)
    password = serializers.CharField(
        write_only=True,
        required=False,
        trim_whitespace=False,
        max_length=128,
        help_text="A new password; needs `current_password`.",
    )
    current_password = serializers.CharField(
        write_only=True, required=False, trim_whitespace=False, max_length=128
    )


class LoginSerializer(serializers.Serializer):
    email = EmailField(max_length=254)
    password = serializers.CharField(trim_whitespace=False, max_length=128)


class LoginResponseSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="The access token; send it as `Bearer <token>`.")
    refresh = serializers.CharField(help_text="The refresh token, for `POST /v1/auth/refresh`.")
    token_type = serializers.ChoiceField(choices=["Bearer"])
    expires_in = serializers.IntegerField(help_text="Seconds until the access token expires.")
    user = UserSerializer()


class RefreshSerializer(serializers.Serializer):
    refresh = serializers.CharField(max_length=4096)


class TokenPairSerializer(serializers.Serializer):
    token = serializers.CharField()
    refresh = serializers.CharField()
    token_type = serializers.ChoiceField(choices=["Bearer"])
    expires_in = serializers.IntegerField()


class LogoutSerializer(serializers.Serializer):
    refresh = serializers.CharField(
        required=False, max_length=4096, help_text="Also blacklist this refresh token."
    )
