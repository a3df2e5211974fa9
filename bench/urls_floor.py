"""The bare floor's only URL (bench.settings_floor): the floor view, nothing else."""

from __future__ import annotations

from django.urls import path

from bench import views

urlpatterns = [
    path("bench/floor/<uuid:user_id>", views.floor, name="bench-floor"),
]
