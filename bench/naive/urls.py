"""The naive build's only URL (bench.naive.settings)."""

from __future__ import annotations

from django.urls import path

from bench.naive import views

urlpatterns = [
    path("v1/users/me", views.Me.as_view(), name="naive-me"),
]
