"""A chart page weighs at most 1.5 MB on a cold visit (issue 19): plotly is the partial bundle
of the trace types the charts draw. Measured in Chromium as the sum of the transfer sizes of
the page and everything it loaded, with an empty cache; the test server sends every file
uncompressed, so this is the weight before whitenoise's gzip (tests/kam/test_static_weight.py)."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from tests.e2e.conftest import login, offline_context
from tests.factories import UserFactory
from tests.portfolio.account360.conftest import build_analysed_account
from tests.portfolio.fixtures import AS_OF

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LIMIT = 1_500_000  # bytes
WEIGHT = """() => {
  const page = performance.getEntriesByType("navigation")[0];
  const files = performance.getEntriesByType("resource");
  return {
    total: page.transferSize + files.reduce((sum, file) => sum + file.transferSize, 0),
    files: files.map((file) => [new URL(file.name).pathname, file.transferSize]),
  };
}"""


@pytest.mark.parametrize("role", ["executive", "account_manager"])
def test_a_chart_page_weighs_at_most_one_and_a_half_megabytes_cold(
    browser: Browser, live_server: Any, role: str
) -> None:
    alice = UserFactory(username="alice", roles=["account_manager"])
    UserFactory(username="erin", roles=["executive"])
    built = build_analysed_account(
        owner=alice,
        other_owner=UserFactory(username="mallory", roles=["account_manager"]),
        team_member=UserFactory(username="tom", roles=["account_manager"]),
    )
    user, path = {
        "executive": ("erin", "/dashboard/"),
        "account_manager": ("alice", f"/accounts/{built['strategic'].pk}/360/?as_of={AS_OF}"),
    }[role]
    signing_in = browser.new_context(base_url=live_server.url)
    login(signing_in.new_page(), user)
    signed_in = signing_in.storage_state()
    signing_in.close()
    # a new browser context: signed in, with an empty cache, cut off from the network
    context = offline_context(
        browser, live_server, viewport={"width": 1440, "height": 900}, storage_state=signed_in
    )
    page = context.new_page()
    with page.expect_response(lambda response: "plotly.min.js" in response.url):
        page.goto(path)
    charts = page.locator(".chart[data-figure]")
    expect(charts.first.locator("svg.main-svg").first).to_be_attached(timeout=20_000)
    assert charts.count() >= 4
    page.wait_for_load_state("networkidle")

    weight = page.evaluate(WEIGHT)

    assert 0 < weight["total"] <= LIMIT, weight["files"]
    context.close()
