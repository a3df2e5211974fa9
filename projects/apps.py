from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "projects"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # `orgs` knows nothing of projects: the organization page shows them because this app
        # adds its section here (docs/architecture.md, "Pointing one way").
        from orgs.views import add_organization_section
        from projects.views import SECTION

        add_organization_section(SECTION)
