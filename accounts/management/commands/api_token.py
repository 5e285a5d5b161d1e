"""api_token USERNAME: print the user's API token, creating it if needed (CONTRACT.md)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.users import user_api_token


class Command(BaseCommand):
    help = "Print a user's API token (Authorization: Token <key>), creating it if needed."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            self.stdout.write(user_api_token(username=options["username"]))
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
