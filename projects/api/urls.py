"""/v1/projects."""

from __future__ import annotations

from cloudbooks.api.routers import OptionalSlashRouter
from projects.api import views

router = OptionalSlashRouter()
router.register("projects", views.ProjectViewSet, basename="project")

urlpatterns = router.urls
