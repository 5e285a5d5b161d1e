"""The main pages in Chinese (issue 21), in Chromium: a Chinese-speaking manager, executive and
ops user read every main page of the demo with no English left in it.

The demo's own data is English (account names, plan texts, people); it is rewritten in Chinese
first (`_data_in_chinese`), so that any Latin word left on a page is the interface's: its
text, buttons, labels, tooltips, the charts' titles, axes and legends. A few names and codes
are allowed (ALLOWED, each with its reason)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from io import StringIO
from itertools import count
from typing import Any

import pytest
from django.apps import apps
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import models
from playwright.sync_api import Page

from accounts.models import Account, AccountPlan
from kam.language import user_language_set
from tests.e2e.conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DEMO_PASSWORD = "kam-demo-2026"  # noqa: S105 (the demo's public password)

# Latin words a Chinese page may show, and why.
ALLOWED = {
    "KAM",  # the product's name
    "API",  # the navigation's link to the API, a term of the trade in Chinese too
    "English",  # the language switch names each language in its own words
    "CSV",
    "XLSX",
    "PNG",
    "SVG",  # file formats
    "TTM",
    "LTV",
    "AUC",
    "RFP",
    "JV",  # the analysis's codes, glossed in Chinese beside them
    "Accept-Language",  # an HTTP header's name
    "Esc",  # a key
    "UTF",  # UTF-8, the files' encoding
    "xlsx",  # the file extension
    "UTC",  # the schedule's time zone
    "ROC",  # the ROC curve, a term of the trade in Chinese too
    "CFO",  # "例如 CFO", a job title's usual abbreviation in Chinese business writing
    # A complaint category quoted in a churn signal the analysis stored before the walk
    # rewrote the data in Chinese (the signal keeps the category as it was then).
    "delivery",
}

# Our apps: the tables whose text is data, rewritten in Chinese before the walk.
DATA_APPS = {
    "accounts",
    "relationships",
    "valuation",
    "portfolio",
    "notifications",
    "inbox",
    "search",
}
# Text columns that are codes, addresses or files, not words for people.
CODE_FIELDS = re.compile(
    r"(^|_)(code|url|key|path|file|token|slug|currency|format|query|kind|status|email|username|"
    r"password|language|task|queue|checksum|hash|external_id)($|_)"
)
DIGITS = "〇一二三四五六七八九"

WORD = re.compile(r"[A-Za-z][A-Za-z'’\-]*[A-Za-z]")
# People's e-mail addresses are data, not words.
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
# Visible text, and the words a screen reader or a tooltip says, of the page's main parts;
# the charts' SVG text too (titles, axes, legends).
# What is marked as another language (the switch's "English", lang="en-gb") is meant so.
PAGE_TEXT = """() => {
  const chinese = (element) => (element.closest("[lang]").lang || "").startsWith("zh");
  // Text marked as another language (an import's column codes, the switch's "English") is
  // left out of the body's text: hidden for the moment it is read.
  const others = [...document.body.querySelectorAll("[lang]")].filter((e) => !chinese(e));
  const shown = others.map((e) => e.style.display);
  others.forEach((e) => { e.style.display = "none"; });
  const body = document.body.innerText;
  others.forEach((e, index) => { e.style.display = shown[index]; });
  const parts = [document.title, body];
  document.querySelectorAll("[title], [aria-label], [placeholder], [alt]").forEach((element) => {
    if (!chinese(element)) { return; }
    for (const name of ["title", "aria-label", "placeholder", "alt"]) {
      const value = element.getAttribute(name);
      if (value) { parts.push(value); }
    }
  });
  document.querySelectorAll("svg text").forEach((text) => parts.push(text.textContent));
  return parts.join("\\n");
}"""


def _chinese(number: int, size: int) -> str:
    text = "数据" + "".join(DIGITS[int(digit)] for digit in str(number))
    return text[-size:] if len(text) > size else text


def _data_in_chinese() -> None:
    """Every text column of our data in Chinese words (unique, within its length), their
    audit trail's (the History tabs show it) too."""
    serial = count(1)
    for model in apps.get_models():
        if model._meta.app_label not in DATA_APPS:
            continue
        fields = [
            field
            for field in model._meta.concrete_fields
            if isinstance(field, models.CharField | models.TextField)
            and not field.choices
            and not CODE_FIELDS.search(field.name)
            and (field.max_length is None or field.max_length >= 4)
        ]
        if not fields:
            continue
        for pk in model._default_manager.values_list("pk", flat=True):
            model._default_manager.filter(pk=pk).update(
                **{field.name: _chinese(next(serial), field.max_length or 40) for field in fields}
            )
    # the accounts' external ids ("ACC-00001") are codes made of letters: digits instead
    for pk in Account.objects.values_list("pk", flat=True):
        Account.objects.filter(pk=pk).update(external_id=f"{10000 + pk}")
        Account.history.filter(id=pk).update(external_id=f"{10000 + pk}")
    for user in User.objects.all():
        User.objects.filter(pk=user.pk).update(first_name="", last_name=_chinese(user.pk, 10))


@pytest.fixture
def chinese_demo() -> dict[str, Any]:
    call_command("seed_demo", "--accounts", "16", "--as-of", "2026-12-04", stdout=StringIO())
    _data_in_chinese()
    users = {user.username: user for user in User.objects.all()}
    for username in ("mei", "erin", "olga"):
        user_language_set(user=users[username], language="zh-hans")
    key_account = Account.objects.filter(team_members__user=users["mei"]).order_by("pk").first()
    assert key_account is not None
    plan = AccountPlan.objects.filter(account=key_account).first()
    assert plan is not None
    # codes are data too (activity types' codes: "order-handling"), shown as they are
    codes = {
        str(value)
        for model in apps.get_models()
        if model._meta.app_label in DATA_APPS and not model.__name__.startswith("Historical")
        for field in model._meta.concrete_fields
        if field.name == "code"
        for value in model._default_manager.values_list("code", flat=True)
    }
    return {"account": key_account, "plan": plan, "names": set(users) | codes}


def _sign_in(page: Page, username: str) -> None:
    page.goto("/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(DEMO_PASSWORD)
    page.locator("form[action='/login/'] button[type=submit]").click()
    page.wait_for_url("**/")


def _english_words(page: Page, allowed: set[str]) -> list[str]:
    text = page.evaluate(PAGE_TEXT)
    found: list[str] = []
    for line in text.splitlines():
        words = [word for word in WORD.findall(EMAIL.sub("", line)) if word not in allowed]
        if words:
            found.append(f"{', '.join(dict.fromkeys(words))}  ← “{line.strip()[:120]}”")
    return list(dict.fromkeys(found))


def _walk(page: Page, paths: list[str], allowed: set[str]) -> Iterator[tuple[str, list[str]]]:
    for path in paths:
        page.goto(path)
        page.wait_for_load_state("networkidle")
        assert page.locator("html").get_attribute("lang") == "zh-hans", path
        yield path, _english_words(page, allowed)


def test_the_main_pages_have_no_english_left(page: Page, chinese_demo: dict[str, Any]) -> None:
    account = chinese_demo["account"].pk
    plan = chinese_demo["plan"].pk
    allowed = ALLOWED | chinese_demo["names"]
    walks = {
        "mei": [
            "/",
            "/accounts/",
            f"/accounts/{account}/",
            f"/accounts/{account}/team/",
            f"/accounts/{account}/plans/",
            f"/accounts/plans/{plan}/",
            f"/accounts/plans/{plan}/history/",
            f"/accounts/{account}/voice/",
            f"/accounts/{account}/selection/",
            f"/accounts/{account}/360/",
            f"/accounts/{account}/analysis/",
            f"/accounts/{account}/relationships/",
            f"/accounts/{account}/value/",
            f"/accounts/{account}/history/",
            "/accounts/plans/",
            "/accounts/plans/overdue/",
            "/accounts/managers/load/",
            "/dashboard/",
            "/decision-makers/",
            "/inbox/",
            "/inbox/preferences/",
            "/search/?q=数据",
            "/preferences/",
        ],
        "erin": [
            "/accounts/committee/",
            "/accounts/criteria/",
            "/accounts/committee/meetings/",
            "/accounts/managers/pay-mix/",
            "/dashboard/churn-risk/",
            "/dashboard/churn-backtest/",
        ],
        "olga": ["/ops/analysis/", "/imports/", "/money/activity-types/"],
    }
    english: dict[str, list[str]] = {}
    for username, paths in walks.items():
        page.context.clear_cookies()
        _sign_in(page, username)
        for path, words in _walk(page, paths, allowed):
            if words:
                english[f"{username} {path}"] = words
    # the pages a person looks at, on a desk and on a phone
    page.goto(f"/accounts/{account}/")
    screenshot(page, "zh-hans-account-1440")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "zh-hans-account-390")

    report = "\n".join(
        f"{where}:\n" + "\n".join(f"    {line}" for line in lines)
        for where, lines in english.items()
    )
    assert not english, f"English left on {len(english)} Chinese pages:\n{report}"


def test_a_visitor_switches_the_sign_in_page_to_chinese(page: Page, db: Any) -> None:
    page.goto("/login/")
    page.get_by_role("button", name="简体中文").click()
    assert page.locator("h1").inner_text() == "登录 KAM"
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    page.get_by_role("button", name="English").click()
    assert page.locator("h1").inner_text() == "Log in to KAM"
