"""A new version of the accounts data (kam.data_versions) whenever an account or a team
membership is saved or deleted: the account list's cached counts follow it."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save

from accounts.models import Account, TeamMember
from kam import data_versions


def _accounts_changed(**_: Any) -> None:
    data_versions.bump(data_versions.ACCOUNTS)


def connect() -> None:
    for model in (Account, TeamMember):
        for signal in (post_save, post_delete):
            signal.connect(
                _accounts_changed, sender=model, dispatch_uid=f"data-version:{model.__name__}"
            )
