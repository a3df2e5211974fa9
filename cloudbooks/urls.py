"""Root URLs: the API under /v1, the admin, the dashboard pages and the docs."""

from __future__ import annotations

from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularJSONAPIView, SpectacularSwaggerSplitView

from cloudbooks.api import views as api_views

api_v1 = [
    re_path(r"^openapi\.json$", SpectacularJSONAPIView.as_view(), name="openapi-schema"),
    path("", include("accounts.api.urls")),
    path("", include("orgs.api.urls")),
    path("", include("projects.api.urls")),
]

urlpatterns = [
    path("v1/", include(api_v1)),
    # Anything else under /v1 is an unknown endpoint: the envelope, even with DEBUG on.
    re_path(r"^v1(?:/.*)?$", api_views.unknown_endpoint),
    re_path(r"^healthz/?$", api_views.healthz, name="healthz"),
    path(
        "docs",
        SpectacularSwaggerSplitView.as_view(url_name="openapi-schema"),
        name="docs",
    ),
    path("admin/", admin.site.urls),
    # The pages: home, sign-up/in/out and the dashboard.
    path("", include("accounts.urls")),
    path("", include("orgs.urls")),
    path("", include("projects.urls")),
]

handler400 = "cloudbooks.api.views.bad_request"
handler403 = "cloudbooks.api.views.permission_denied"
handler404 = "cloudbooks.api.views.page_not_found"
handler500 = "cloudbooks.api.views.server_error"
