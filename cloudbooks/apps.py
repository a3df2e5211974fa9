from django.apps import AppConfig


class CloudbooksConfig(AppConfig):
    name = "cloudbooks"
    verbose_name = "CloudBooks"

    def ready(self) -> None:
        from cloudbooks import checks  # noqa: F401  (registers the checks)
