from django.db import migrations

PLANS = [
    ("free", "Free", 1000),
    ("pro", "Pro", 10000),
    ("enterprise", "Enterprise", None),
]


def seed_plans(apps, schema_editor):
    Plan = apps.get_model("accounts", "Plan")
    for slug, name, requests_per_hour in PLANS:
        Plan.objects.update_or_create(
            slug=slug, defaults={"name": name, "requests_per_hour": requests_per_hour}
        )


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]

    # Reversing keeps the plans: users point at them.
    operations = [migrations.RunPython(seed_plans, migrations.RunPython.noop)]
