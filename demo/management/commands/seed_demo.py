"""seed_demo [--accounts N] [--seed S] [--flush]: a deterministic, realistic demo portfolio."""

from __future__ import annotations

import random
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from accounts import demo
from accounts.models import Account
from accounts.services import account_data_changed
from accounts.signals import account_data_signals_muted
from kam.audit import history_muted
from portfolio import demo as portfolio_demo
from relationships import demo as relationships_demo
from valuation import demo as valuation_demo


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
        users = demo.demo_users_ensure()
        if Account.objects.exists() and not options["flush"]:
            self.stdout.write("Demo data is already loaded (use --flush to rebuild it).")
            self._print_logins()
            return
        rng = random.Random(options["seed"])  # noqa: S311 (demo data, not security)
        as_of = options["as_of"] or date.today()  # noqa: DTZ011 (the demo's calendar date)
        # The signals that bump account data versions are muted (cascades stay single
        # statements); every account is bumped once at the end instead. So is the audit
        # trail's history: the demo is not anybody's change (its plans get their first
        # history rows in bulk, accounts/demo.py).
        with transaction.atomic(), account_data_signals_muted(), history_muted():
            if options["flush"]:
                Account.objects.all().delete()
            accounts = demo.demo_accounts_seed(rng=rng, users=users, count=count)
            portfolio = demo.DemoPortfolio(users=users, accounts=accounts, as_of=as_of)
            demo.demo_keys_seed(rng=rng, portfolio=portfolio)
            relationships_demo.demo_seed(rng=rng, portfolio=portfolio)
            valuation_demo.demo_seed(rng=rng, portfolio=portfolio)
            portfolio_demo.demo_seed(rng=rng, portfolio=portfolio)
            account_data_changed(account_ids=None)
        self.stdout.write(self.style.SUCCESS(f"Loaded {len(accounts)} demo accounts."))
        self._print_logins()

    def _print_logins(self) -> None:
        self.stdout.write(f"Demo logins (password for all: {demo.DEMO_PASSWORD}):")
        for username, first, last, roles, is_superuser in demo.DEMO_USERS:
            role_text = "superuser" if is_superuser else ", ".join(roles)
            self.stdout.write(f"  {username:<6} {first} {last} · {role_text}")
