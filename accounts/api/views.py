"""/v1/auth (login, refresh, logout, whoami) and /v1/users."""

from __future__ import annotations

import uuid

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, status
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework_simplejwt.settings import api_settings as jwt_settings
from rest_framework_simplejwt.utils import datetime_from_epoch

from accounts import services, tokens
from accounts.api import serializers
from accounts.models import ApiKeyScope, TokenFamily, User
from cloudbooks.api.authentication import Credential
from cloudbooks.api.schema import ErrorSerializer
from cloudbooks.api.viewsets import BaseAPIView, BaseViewSet, PublicAPIView
from cloudbooks.http import no_store
from cloudbooks.ratelimits import client_network, login_limits

INVALID_CREDENTIALS = "Invalid email or password"


class LoginView(PublicAPIView):
    @extend_schema(
        tags=["auth"],
        auth=[],
        request=serializers.LoginSerializer,
        responses={200: serializers.LoginResponseSerializer},
        summary="Authenticate a user and get an access token",
    )
    @no_store  # the body is a token pair
    def post(self, request):
        network = client_network(request)
        login_limits().per_ip.hit(network)
        serializer = serializers.LoginSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        # The limits on wrong passwords live in the service, shared with /login.
        user = services.user_authenticate(
            email=serializer.validated_data["email"],
            password=serializer.validated_data["password"],
            client_network=network,
        )
        if user is None:
            raise exceptions.AuthenticationFailed(INVALID_CREDENTIALS)
        body = tokens.tokens_for_login(user).as_response()
        body["user"] = serializers.UserSerializer(user).data
        return Response(body)


class RefreshView(PublicAPIView):
    @extend_schema(
        tags=["auth"],
        auth=[],
        request=serializers.RefreshSerializer,
        responses={200: serializers.TokenPairSerializer},
        summary="Exchange a refresh token for a new access and refresh token",
        description=(
            "Rotates: the refresh token sent is blacklisted. Sending an already-rotated "
            "refresh token again revokes every refresh token of that login."
        ),
    )
    @no_store  # the body is a token pair
    def post(self, request):
        serializer = serializers.RefreshSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            pair = tokens.tokens_for_refresh(serializer.validated_data["refresh"])
        except tokens.InvalidToken as exc:
            raise exceptions.AuthenticationFailed(str(exc)) from None
        return Response(pair.as_response())


class LogoutView(BaseAPIView):
    # Ending a login must work even when the hour's budget is spent: counted, never refused.
    plan_budget_exempt = True

    @extend_schema(
        tags=["auth"],
        request=serializers.LogoutSerializer,
        responses={204: OpenApiResponse(description="Logged out.")},
        summary="End the login of the access token used (and of the refresh token, if given)",
        description=(
            "Every access and refresh token of that login is refused from then on. Never "
            "refused for the plan's hourly budget."
        ),
    )
    def post(self, request):
        if request.auth.kind != "jwt":
            raise exceptions.PermissionDenied(
                "Logout revokes an access token; revoke API keys in the dashboard instead"
            )
        serializer = serializers.LogoutSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            tokens.logout(
                user=request.user,
                access=request.auth.access_token,
                raw_refresh=serializer.validated_data.get("refresh"),
            )
        except tokens.InvalidToken as exc:
            raise exceptions.ValidationError({"refresh": [str(exc)]}) from None
        return Response(status=status.HTTP_204_NO_CONTENT)


class WhoamiView(BaseAPIView):
    """The caller, the credential this request used, and the rate-limit budget left.

    What an SDK or a script asks first: which user a key belongs to, whether it is read-only
    and when it expires, and how much of the hour's budget is left (the same numbers as
    this response's `X-RateLimit-*` headers).
    """

    @extend_schema(
        tags=["auth"],
        operation_id="auth_whoami",
        responses={200: serializers.WhoamiSerializer},
        summary="Describe the caller, the credential used and the rate-limit budget",
    )
    def get(self, request):
        user = request.user
        # Left on the request by the plan throttle; none on unlimited plans (or without cache).
        state = getattr(request._request, "rate_limit", None)
        body = {
            "user": user,
            "credential": _describe_credential(request.auth),
            "rate_limit": {
                "plan": user.plan_id,
                "limit": state.limit if state else None,
                "remaining": state.remaining if state else None,
                "reset": state.reset if state else None,
            },
        }
        return Response(serializers.WhoamiSerializer(body).data)


def _describe_credential(credential: Credential) -> dict:
    """The fields of `credential` that whoami shows, by its kind."""
    if credential.kind == "api_key":
        key = credential.api_key
        return {
            "type": "api_key",
            "id": key.pk,
            "scope": key.scope,
            "created_at": key.created_at,
            "expires_at": key.expires_at,
            "name": key.name,
            "prefix": key.prefix,
            "last_used_at": key.last_used_at,
        }
    token = credential.access_token
    # The login (token family) the token was issued to: its id travels in the `fam` claim.
    # Tokens minted outside a login carry none (only tests make them); they describe
    # themselves: their own id and issue time.
    family_id = token.get(tokens.FAMILY_CLAIM)
    started = (
        TokenFamily.objects.filter(pk=family_id).values_list("created_at", flat=True).first()
        if family_id
        else None
    )
    if started is None:
        family_id = uuid.UUID(hex=token[jwt_settings.JTI_CLAIM])
        started = datetime_from_epoch(token["iat"])
    return {
        "type": "access_token",
        "id": family_id,
        "scope": ApiKeyScope.READ_WRITE,
        "created_at": started,
        "expires_at": datetime_from_epoch(token["exp"]),
    }


class UserViewSet(BaseViewSet):
    serializer_class = serializers.UserSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no caller
            return User.objects.none()
        return services.users_visible_to(self.request.user)

    def get_serializer_class(self):
        if self.action == "retrieve":
            return serializers.PublicUserSerializer
        return serializers.UserSerializer

    @extend_schema(tags=["users"], summary="Get a user who shares an organization with you")
    def retrieve(self, request, pk=None):
        return Response(self.get_serializer(self.get_object()).data)

    @extend_schema(methods=["GET"], tags=["users"], summary="Get the current user")
    @extend_schema(
        methods=["PATCH", "PUT"],
        tags=["users"],
        request=serializers.UserUpdateSerializer,
        responses={200: serializers.UserSerializer},
        summary="Update the current user",
    )
    @extend_schema(
        methods=["DELETE"],
        tags=["users"],
        responses={
            204: OpenApiResponse(description="Account deleted."),
            409: OpenApiResponse(
                ErrorSerializer,
                description=(
                    "You are the only owner of organizations that have other members; they "
                    "are listed in `details.organizations`."
                ),
            ),
        },
        summary="Delete the current user's account",
    )
    @action(detail=False, methods=["get", "patch", "put", "delete"], url_path="me")
    def me(self, request):
        user = request.user
        if request.method == "DELETE":
            services.user_delete(user=user)
            return Response(status=status.HTTP_204_NO_CONTENT)
        if request.method in ("PATCH", "PUT"):
            update = serializers.UserUpdateSerializer(
                data=request.data, partial=request.method == "PATCH"
            )
            update.is_valid(raise_exception=True)
            credential = request.auth
            user = services.user_update(
                user=user,
                **update.validated_data,
                client_network=client_network(request),
                # A password change ends every other login; the caller's own carries on.
                keep_login=(
                    tokens.login_of(credential.access_token) if credential.kind == "jwt" else None
                ),
            )
        # GET, and HEAD, which DRF routes to the same action: a read whatever the body says
        # (a read-only key may send it).
        return Response(serializers.UserSerializer(user).data)
