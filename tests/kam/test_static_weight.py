"""Whitenoise sends plotly gzipped once the static files are collected (as the image does):
CompressedStaticFilesStorage writes a .gz beside each file, and the middleware answers a
browser that accepts gzip with it."""

from __future__ import annotations

import gzip
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client, override_settings

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

BUNDLE = Path(__file__).resolve().parents[2] / "static" / "vendor" / "plotly.min.js"


def test_plotly_is_the_partial_bundle_and_is_sent_gzipped(tmp_path: Path) -> None:
    # given the static files collected the way the image collects them
    with override_settings(STATIC_ROOT=tmp_path, WHITENOISE_USE_FINDERS=False):
        call_command("collectstatic", "--noinput", stdout=StringIO())
        client = Client()  # a new handler: whitenoise reads the collected files
        client.force_login(UserFactory(roles=["executive"]))

        # when a browser that accepts gzip asks for plotly
        answer = client.get("/static/vendor/plotly.min.js", HTTP_ACCEPT_ENCODING="gzip, br")
        body = b"".join(answer.streaming_content)  # type: ignore[attr-defined]

    # then it gets the gzipped partial bundle: a third of its 0.9 MB
    assert answer.status_code == 200
    assert answer["Content-Encoding"] == "gzip"
    assert gzip.decompress(body) == BUNDLE.read_bytes()
    assert BUNDLE.stat().st_size < 1_000_000  # the full plotly.js is 4.8 MB
    assert len(body) < 350_000
