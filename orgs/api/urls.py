"""/v1/organizations and their members."""

from __future__ import annotations

from cloudbooks.api.routers import OptionalSlashRouter
from orgs.api import views

router = OptionalSlashRouter()
router.register("organizations", views.OrganizationViewSet, basename="organization")
router.register(
    r"organizations/(?P<organization_id>[^/.]+)/members",
    views.MembershipViewSet,
    basename="organization-member",
)

urlpatterns = router.urls
