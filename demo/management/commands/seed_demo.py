"""seed_demo [--accounts N] [--seed S] [--flush] [--as-of D]: a deterministic, realistic demo
portfolio, one seeder per feature (demo/*.py), called in order from one random generator."""

from __future__ import annotations

import random
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from accounts.models import Account
from accounts.services import account_data_changed
from demo.accounts import accounts_seed
from demo.context import DemoPortfolio, Seeder
from demo.governance import governance_seed
from demo.notifications import notifications_seed
from demo.people import people_seed
from demo.plans import plans_seed
from demo.portfolio import portfolio_seed
from demo.relationships import relationships_seed
from demo.users import demo_logins, demo_users_ensure
from demo.valuation import valuation_seed
from demo.voice import voice_seed
from kam.audit import history_muted

# In this order: each draws from the same generator, so the order is part of the data.
SEEDERS: list[Seeder] = [
    plans_seed,
    voice_seed,
    governance_seed,
    people_seed,
    relationships_seed,
    valuation_seed,
    portfolio_seed,  # the analysis runs on everything above
    notifications_seed,  # what the data above would have told people (draws nothing)
]


class Command(BaseCommand):
    help = "Load a deterministic demo portfolio (users of every role, accounts and their data)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--accounts", type=int, default=60, help="Number of accounts (60).")
        parser.add_argument("--seed", type=int, default=7, help="Random seed (7).")
        parser.add_argument(
            "--flush", action="store_true", help="Delete every account first and rebuild."
        )
        parser.add_argument(
            "--as-of",
            type=date.fromisoformat,
            default=None,
            help="Date the demo history ends on (YYYY-MM-DD; default today).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        count = options["accounts"]
        if not 1 <= count <= 100_000:
            raise CommandError("--accounts must be between 1 and 100000.")
        users = demo_users_ensure()
        if Account.objects.exists() and not options["flush"]:
            self.stdout.write("Demo data is already loaded (use --flush to rebuild it).")
            self._print_logins()
            return
        rng = random.Random(options["seed"])  # noqa: S311 (demo data, not security)
        as_of = options["as_of"] or date.today()  # noqa: DTZ011 (the demo's calendar date)
        # Every account's data version is bumped once, at the end. The audit trail's history
        # is muted: the demo is not anybody's change (its plans get their first history rows
        # in bulk, demo/plans.py).
        with transaction.atomic(), history_muted():
            if options["flush"]:
                Account.objects.all().delete()
            accounts = accounts_seed(rng=rng, users=users, count=count)
            portfolio = DemoPortfolio(users=users, accounts=accounts, as_of=as_of)
            for seed in SEEDERS:
                seed(rng=rng, portfolio=portfolio)
            account_data_changed(account_ids=None)
        self.stdout.write(self.style.SUCCESS(f"Loaded {len(accounts)} demo accounts."))
        self._print_logins()

    def _print_logins(self) -> None:
        for line in demo_logins():
            self.stdout.write(line)
