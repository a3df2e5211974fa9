"""A test-only URLconf: the real one plus views that fail on purpose and a plain list.

Used with `@pytest.mark.urls("tests.api.urls")`. Nothing here is reachable in production.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.urls import path
from rest_framework import generics
from rest_framework.permissions import AllowAny

from accounts.api.serializers import PublicUserSerializer
from accounts.models import User
from cloudbooks import errors
from cloudbooks import urls as real_urls
from cloudbooks.http import no_store

# What a careless bug might put in an exception message: it must never reach the client.
SECRET_DETAIL = "SELECT password FROM accounts_user WHERE email = 'owner@example.com'"


class ExplodingApiView(generics.GenericAPIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]

    def get(self, request):
        raise RuntimeError(SECRET_DETAIL)


def exploding_plain_view(request: HttpRequest) -> HttpResponse:
    raise RuntimeError(SECRET_DETAIL)


# What a service might raise, by name: each must leave through the envelope with its status.
DOMAIN_ERRORS = {
    "not-found": errors.NotFound("No such project."),
    "forbidden": errors.PermissionDenied("Only owners may do this."),
    "conflict": errors.Conflict("An organization keeps an owner.", details={"owners": 1}),
    "invalid": errors.Invalid(errors={"slug": ["This slug is taken."], None: ["Bad input."]}),
    "rate-limited": errors.RateLimited(wait=42, details={"retry_after": 42}),
    "unavailable": errors.Unavailable(),
}


class RefusingApiView(generics.GenericAPIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]

    def get(self, request, kind: str):
        raise DOMAIN_ERRORS[kind]


class UserListView(generics.ListAPIView):
    """A list on the default pagination, to test `?limit=` and `?cursor=` through HTTP."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    serializer_class = PublicUserSerializer
    queryset = User.objects.all()


@login_required
@no_store
def secret_page(request: HttpRequest) -> HttpResponse:
    """A page that shows a secret once, as the dashboard does for a new API key."""
    return HttpResponse("sk_live_shown_once")


class SecretShowingAdmin:
    """A bound method as a view, as the admin's pages are."""

    def key_created_view(self, request: HttpRequest) -> HttpResponse:
        return HttpResponse("sk_live_shown_once")


urlpatterns = [
    path("test/secret-page", secret_page),
    path("test/secret-admin-page", no_store(SecretShowingAdmin().key_created_view)),
    path("v1/test/explode", ExplodingApiView.as_view()),
    path("v1/test/explode-plain", exploding_plain_view),
    path("v1/test/users", UserListView.as_view()),
    path("v1/test/refuse/<str:kind>", RefusingApiView.as_view()),
    *real_urls.urlpatterns,
]

handler400 = real_urls.handler400
handler403 = real_urls.handler403
handler404 = real_urls.handler404
handler500 = real_urls.handler500
