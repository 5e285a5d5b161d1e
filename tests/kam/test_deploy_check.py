"""Production defaults, in processes of their own with production variables (DEBUG off, a
real key, a host name), as gunicorn would start. Measured before: `check --deploy` reported
W004, W008, W012 and W016 (no HSTS, no SSL redirect, session and CSRF cookies not Secure),
and X-Forwarded-Proto was trusted while docker-compose exposes gunicorn directly."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
HOST = "kam.example.com"
YEAR = 365 * 24 * 3600

# What a request over plain http, one claiming https in X-Forwarded-Proto, and one over
# https get from the production server (Django's test client in that process).
PROBE = f"""
import json
import django

django.setup()
from django.conf import settings
from django.test import Client

def answer(response):
    csrf = response.cookies.get("csrftoken")
    return {{
        "status": response.status_code,
        "location": response.get("Location"),
        "hsts": response.get("Strict-Transport-Security"),
        "csrf_cookie_secure": bool(csrf["secure"]) if csrf else None,
    }}

client = Client(HTTP_HOST={HOST!r})
print(json.dumps({{
    "plain": answer(client.get("/login/")),
    "forwarded": answer(client.get("/login/", HTTP_X_FORWARDED_PROTO="https")),
    "https": answer(client.get("/login/", secure=True)),
    "session_cookie_secure": settings.SESSION_COOKIE_SECURE,
}}))
"""


def production_env(**extra: str) -> dict[str, str]:
    """The runner's environment without any of our settings, then production's."""
    ours = ("DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "SECURE_", "SESSION_", "CSRF_", "KAM_")
    ours += ("DJANGO_",)  # the tests' DJANGO_ALLOW_ASYNC_UNSAFE is no production setting
    env = {key: value for key, value in os.environ.items() if not key.startswith(ours)}
    env.pop("REDIS_URL", None)
    env.update(
        DJANGO_SETTINGS_MODULE="kam.settings",
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS=HOST,
        # No database is needed: checks and the sign-in page read none.
        DATABASE_URL="sqlite:///:memory:",
    )
    env.update(extra)
    return env


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )


def probe(**extra: str) -> dict[str, Any]:
    result = run(["-c", PROBE], production_env(**extra))
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_check_deploy_reports_nothing_with_production_variables() -> None:
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], production_env())

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_over_plain_http_is_sent_to_https_and_ignores_x_forwarded_proto() -> None:
    answers = probe()

    assert answers["plain"]["status"] == 301
    assert answers["plain"]["location"] == f"https://{HOST}/login/"
    # Anyone can send the header when gunicorn is reached directly: not believed.
    assert answers["forwarded"]["status"] == 301
    assert answers["https"]["status"] == 200
    assert answers["https"]["hsts"] == f"max-age={YEAR}; includeSubDomains"
    assert answers["https"]["csrf_cookie_secure"] is True
    assert answers["session_cookie_secure"] is True


def test_behind_a_tls_proxy_x_forwarded_proto_is_believed() -> None:
    answers = probe(KAM_BEHIND_TLS_PROXY="true")

    assert answers["plain"]["status"] == 301
    assert answers["forwarded"]["status"] == 200
    assert answers["forwarded"]["hsts"] == f"max-age={YEAR}; includeSubDomains"


def test_debug_on_keeps_plain_http_working() -> None:
    """`make run`: the embedded product over http://127.0.0.1:8000/."""
    answers = probe(DEBUG="true")

    assert answers["plain"]["status"] == 200
    assert answers["https"]["hsts"] is None
    assert answers["plain"]["csrf_cookie_secure"] is False
    assert answers["session_cookie_secure"] is False


@pytest.mark.parametrize(
    ("extra", "status"),
    [({"SECURE_SSL_REDIRECT": "false"}, 200), ({"SECURE_SSL_REDIRECT": "true"}, 301)],
)
def test_each_default_can_be_overridden(extra: dict[str, str], status: int) -> None:
    answers = probe(
        **extra, SESSION_COOKIE_SECURE="false", CSRF_COOKIE_SECURE="false", SECURE_HSTS_SECONDS="60"
    )

    assert answers["plain"]["status"] == status
    assert answers["https"]["hsts"] == "max-age=60; includeSubDomains"
    assert answers["https"]["csrf_cookie_secure"] is False
    assert answers["session_cookie_secure"] is False


def test_sign_in_and_api_limits_come_from_the_environment() -> None:
    script = (
        "import django; django.setup(); from django.conf import settings as s; "
        "import json; print(json.dumps([s.AXES_FAILURE_LIMIT, s.AXES_COOLOFF_TIME.seconds, "
        "s.REST_FRAMEWORK['DEFAULT_THROTTLE_RATES'], s.KAM_API_TOKEN_LIFETIME_DAYS]))"
    )
    defaults = run(["-c", script], production_env())
    configured = run(
        ["-c", script],
        production_env(
            KAM_SIGNIN_FAILURE_LIMIT="3",
            KAM_SIGNIN_COOLOFF_MINUTES="30",
            KAM_THROTTLE_USER="100/min",
            KAM_THROTTLE_ANON="",
            KAM_API_TOKEN_LIFETIME_DAYS="90",
        ),
    )

    assert json.loads(defaults.stdout) == [5, 900, {"anon": "300/min", "user": "6000/min"}, None]
    assert json.loads(configured.stdout) == [3, 1800, {"anon": None, "user": "100/min"}, 90]
