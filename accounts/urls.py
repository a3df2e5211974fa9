"""Account pages: sign-up, sign-in, sign-out, and the dashboard's usage, keys and profile."""

from __future__ import annotations

from django.urls import path

from accounts import views

urlpatterns = [
    path("", views.home, name="home"),
    path("favicon.ico", views.favicon),
    path("signup", views.signup, name="signup"),
    path("login", views.login_view, name="login"),
    path("logout", views.logout_view, name="logout"),
    path("dashboard", views.dashboard, name="dashboard"),
    path("dashboard/api-keys", views.api_keys, name="api-keys"),
    path("dashboard/api-keys/<uuid:key_id>/revoke", views.api_key_revoke, name="api-key-revoke"),
    path("dashboard/profile", views.profile, name="profile"),
]
