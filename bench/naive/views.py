"""`GET /v1/users/me` as the DRF tutorial writes it: an APIView and a ModelSerializer."""

from __future__ import annotations

from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User


class UserSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "email", "name", "plan", "created_at", "updated_at"]


class Me(APIView):
    def get(self, request) -> Response:
        return Response(UserSerializer(request.user).data)
