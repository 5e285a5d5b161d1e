from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo data: one seeder per feature, above every app (`manage.py seed_demo`)."""

    name = "demo"
    default_auto_field = "django.db.models.BigAutoField"
