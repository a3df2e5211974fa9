"""The application's URLs plus the floor view (bench.views), for bench.settings only."""

from __future__ import annotations

from django.urls import include, path

from bench import views
from cloudbooks.urls import handler400, handler403, handler404, handler500

urlpatterns = [
    path("bench/floor/<uuid:user_id>", views.floor, name="bench-floor"),
    path("", include("cloudbooks.urls")),
]

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]
