from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "orgs"
    verbose_name = "Organizations"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # `accounts` knows nothing of organizations; their rules about users are added to its
        # services here (docs/architecture.md, "Pointing one way").
        from accounts import services as account_services
        from orgs import services

        account_services.register_before_user_delete(
            lambda user: services.organizations_release_user(user=user)
        )
        account_services.register_visible_users(services.co_member_ids)
