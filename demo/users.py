"""The demo users: one or more of every role, all with the same public password."""

from __future__ import annotations

from django.contrib.auth.models import Group

from kam.models import UserPreference
from kam.roles import Role
from kam.types import User

DEMO_PASSWORD = "kam-demo-2026"  # noqa: S105 (public demo password, printed by seed_demo)

# username, first name, last name, roles, superuser
DEMO_USERS: list[tuple[str, str, str, tuple[str, ...], bool]] = [
    ("alice", "Alice", "Martin", (Role.ACCOUNT_MANAGER,), False),
    ("bob", "Bob", "Okafor", (Role.ACCOUNT_MANAGER,), False),
    ("carol", "Carol", "Nguyen", (Role.ACCOUNT_MANAGER,), False),
    ("dave", "Dave", "Schmidt", (Role.ACCOUNT_MANAGER,), False),
    ("mei", "Mei", "Chen", (Role.ACCOUNT_MANAGER,), False),
    ("erin", "Erin", "Walsh", (Role.EXECUTIVE,), False),
    ("frank", "Frank", "Ito", (Role.EXECUTIVE,), False),
    ("olga", "Olga", "Petrova", (Role.OPS,), False),
    ("admin", "Ada", "Admin", (), True),
]
# The managers the generated accounts, plans and assessments are dealt among. mei, who reads
# KAM in Chinese, owns a few accounts of her own (demo/accounts.py) and sits on two key
# accounts' teams, beside them rather than among them, so that their portfolios stay as they were.
MANAGERS = ["alice", "bob", "carol", "dave"]
CHINESE_MANAGER = "mei"
# The demo users' interface language, when not the browser's.
DEMO_LANGUAGES = {CHINESE_MANAGER: "zh-hans"}


def demo_users_ensure() -> dict[str, User]:
    """Create the demo users if missing (idempotent) and return them by username."""
    # The role groups come with a migration; a database flushed since (a test run's) has none.
    groups = {name: Group.objects.get_or_create(name=name)[0] for name in Role.values}
    users: dict[str, User] = {}
    for username, first, last, roles, is_superuser in DEMO_USERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(
                username=username,
                first_name=first,
                last_name=last,
                email=f"{username}@example.com",
                is_superuser=is_superuser,
                is_staff=is_superuser,
            )
            user.set_password(DEMO_PASSWORD)
            user.save()
            user.groups.set([groups[role] for role in roles])
            if username in DEMO_LANGUAGES:
                UserPreference.objects.create(user=user, language=DEMO_LANGUAGES[username])
        users[username] = user
    return users


def demo_logins() -> list[str]:
    """The lines seed_demo prints: every demo login and its role."""
    lines = [f"Demo logins (password for all: {DEMO_PASSWORD}):"]
    for username, first, last, roles, is_superuser in DEMO_USERS:
        role_text = "superuser" if is_superuser else ", ".join(roles)
        language = f" · {DEMO_LANGUAGES[username]}" if username in DEMO_LANGUAGES else ""
        lines.append(f"  {username:<6} {first} {last} · {role_text}{language}")
    return lines
