from __future__ import annotations

from django.apps import AppConfig


class KamConfig(AppConfig):
    name = "kam"
    verbose_name = "KAM"

    def ready(self) -> None:
        # Registers the system checks, the log of failed sign-ins, and the person's language
        # put on their session at sign-in.
        from kam import checks, language, signin  # noqa: F401
        from kam.input_policy import apply_to_models

        apply_to_models()
