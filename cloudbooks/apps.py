from django.apps import AppConfig


class CloudbooksConfig(AppConfig):
    name = "cloudbooks"
    verbose_name = "CloudBooks"
