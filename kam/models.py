"""Per-person settings that belong to no app: the interface's language."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy


class UserPreference(models.Model):
    """One row per person who chose something; none means every default applies."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="preference"
    )
    # Empty: the browser's language (Accept-Language), as for a visitor not signed in.
    language = models.CharField(
        gettext_lazy("language"),
        max_length=10,
        blank=True,
        default="",
        choices=settings.LANGUAGES,
    )

    class Meta:
        verbose_name = gettext_lazy("user preference")
        verbose_name_plural = gettext_lazy("user preferences")

    def __str__(self) -> str:
        return f"{self.user} ({self.language or 'browser language'})"
