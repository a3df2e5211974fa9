"""/v1/auth and /v1/users."""

from __future__ import annotations

from django.urls import re_path

from accounts.api import views
from cloudbooks.api.routers import OptionalSlashRouter

router = OptionalSlashRouter()
router.register("users", views.UserViewSet, basename="user")

urlpatterns = [
    re_path(r"^auth/login/?$", views.LoginView.as_view(), name="auth-login"),
    re_path(r"^auth/refresh/?$", views.RefreshView.as_view(), name="auth-refresh"),
    re_path(r"^auth/logout/?$", views.LogoutView.as_view(), name="auth-logout"),
    re_path(r"^auth/whoami/?$", views.WhoamiView.as_view(), name="auth-whoami"),
    *router.urls,
]
