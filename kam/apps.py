from __future__ import annotations

from django.apps import AppConfig


class KamConfig(AppConfig):
    name = "kam"
    verbose_name = "KAM"

    def ready(self) -> None:
        from kam import checks  # noqa: F401  (registers the system checks)
