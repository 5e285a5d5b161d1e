"""create_user USERNAME --role ROLE [--role ROLE…] [--password P] [--email E] (CONTRACT.md).

The password must pass Django's validators (AUTH_PASSWORD_VALIDATORS: length, common,
numeric, too like the user's name or email); a refused one creates nothing."""

from __future__ import annotations

import getpass
import os
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.users import user_create
from kam.roles import Role


class Command(BaseCommand):
    help = "Create a user holding one or more roles (account_manager, executive, ops)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument(
            "--role",
            action="append",
            dest="roles",
            required=True,
            help=f"One of: {', '.join(Role.values)}. Repeat for several roles.",
        )
        parser.add_argument("--password", help="Default: $KAM_PASSWORD, else prompted.")
        parser.add_argument("--email", default="")
        parser.add_argument("--first-name", default="")
        parser.add_argument("--last-name", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        password = options["password"] or os.environ.get("KAM_PASSWORD")
        if not password:
            if not self.stdin_is_interactive():
                raise CommandError(_("No password: pass --password or set KAM_PASSWORD."))
            password = getpass.getpass(
                _("Password for %(username)s: ") % {"username": options["username"]}
            )
        try:
            with transaction.atomic():
                user = user_create(
                    username=options["username"],
                    roles=options["roles"],
                    password=password,
                    email=options["email"],
                    first_name=options["first_name"],
                    last_name=options["last_name"],
                )
                # Checked against the created user (its name and email), then undone if refused.
                validate_password(password, user=user)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(
            _("Created %(username)s with roles: %(roles)s")
            % {"username": user.username, "roles": ", ".join(sorted(options["roles"]))}
        )

    @staticmethod
    def stdin_is_interactive() -> bool:
        try:
            return os.isatty(0)
        except OSError:
            return False
