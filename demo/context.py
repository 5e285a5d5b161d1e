"""What every demo seeder builds on: the demo users, the accounts and the demo's date."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from accounts.models import Account, Designation
from kam.types import User


@dataclass
class DemoPortfolio:
    """The portfolio the seeders add their data to (demo/management/commands/seed_demo.py).

    `accounts` are in id order; `as_of` is the date the demo's history ends on."""

    users: dict[str, User]
    accounts: list[Account]
    as_of: date

    def accounts_designated(self, designation: str) -> list[Account]:
        """The accounts of one designation, in id order."""
        return [account for account in self.accounts if account.designation == designation]

    @property
    def strategic(self) -> list[Account]:
        return self.accounts_designated(Designation.STRATEGIC)

    @property
    def pilots(self) -> list[Account]:
        return self.accounts_designated(Designation.PILOT)

    @property
    def candidates(self) -> list[Account]:
        return self.accounts_designated(Designation.CANDIDATE)

    @property
    def key_accounts(self) -> list[Account]:
        """The strategic accounts, then the pilots: the accounts with plans and full maps."""
        return self.strategic + self.pilots


def is_key_account(account: Account) -> bool:
    """Strategic and pilot accounts get the full demo treatment."""
    return account.designation in (Designation.STRATEGIC, Designation.PILOT)


class Seeder(Protocol):
    """A feature's seeder: adds its data to the portfolio, drawing from `rng`."""

    def __call__(self, *, rng: random.Random, portfolio: DemoPortfolio) -> None: ...
