"""api_token USERNAME [--revoke]: print the user's API token, creating it if needed
(CONTRACT.md); a token past KAM_API_TOKEN_LIFETIME_DAYS is replaced by a new one. --revoke
deletes the token, so API calls with it are refused."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

from accounts.users import user_api_token
from kam.authentication import api_token_revoke, token_expires_at, token_is_expired


class Command(BaseCommand):
    help = (
        "Print a user's API token (Authorization: Token <key>), creating it if needed, "
        "or replacing it when it expired; --revoke deletes it."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument(
            "--revoke", action="store_true", help="Delete the token: calls with it are refused."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        username = options["username"]
        try:
            if options["revoke"]:
                self._revoke(username)
            else:
                self._print_token(username)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error

    def _revoke(self, username: str) -> None:
        if api_token_revoke(username=username):
            self.stdout.write(
                _("Revoked the API token of %(username)s: calls with it are refused.")
                % {"username": username}
            )
        else:
            self.stdout.write(
                _("%(username)s has no API token: nothing to revoke.") % {"username": username}
            )

    def _print_token(self, username: str) -> None:
        key = user_api_token(username=username)
        token = Token.objects.get(key=key)
        if token_is_expired(token=token, now=timezone.now()):
            expired_on = token_expires_at(token=token)
            token.delete()
            key = user_api_token(username=username)
            # The key alone goes to stdout, for scripts; the news to stderr.
            self.stderr.write(
                _("The API token of %(username)s expired on %(expired_on)s UTC; issued a new one.")
                % {"username": username, "expired_on": f"{expired_on:%Y-%m-%d %H:%M}"}
            )
        self.stdout.write(key)
