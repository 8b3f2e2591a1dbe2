"""The reading room app: its signal handlers are connected once the models are ready."""

from django.apps import AppConfig


class ReadingsConfig(AppConfig):
    name = "readings"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import signals  # noqa: F401 -- connects the receivers
