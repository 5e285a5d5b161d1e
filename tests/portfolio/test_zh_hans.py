"""The portfolio in simplified Chinese (issue 21): a zh-hans request gets the portfolio's own
words in Chinese (validation errors, the API's details, the dashboard's charts and notes, the
schedule in words, the churn signals), and English stays as it was for everybody else."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone, translation
from django.utils.translation import gettext

from portfolio import schedule_words
from portfolio.models import AnalysisParameters
from portfolio.services import analysis_run_create
from portfolio.signal_words import signal_detail, signal_name, signal_step
from tests.portfolio.fixtures import AS_OF, build_small_portfolio

CATALOGUE = Path(django_settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.mo"
LOCALE_MIDDLEWARE = "django.middleware.locale.LocaleMiddleware"
CHINESE = "zh-hans"


@pytest.fixture
def zh_hans(settings: Any) -> None:
    """The catalogue and Django's choice of language by Accept-Language, as the settings of
    issue 21 give them (kept here too, so these tests do not depend on the order in which
    the settings and the words arrive); the compiled catalogue is the build's."""
    assert CATALOGUE.exists(), "compile the catalogue first: manage.py compilemessages"
    locale = str(CATALOGUE.parents[2])
    if locale not in [str(path) for path in settings.LOCALE_PATHS]:
        settings.LOCALE_PATHS = [*settings.LOCALE_PATHS, locale]
    if LOCALE_MIDDLEWARE not in settings.MIDDLEWARE:
        middleware = list(settings.MIDDLEWARE)
        after = middleware.index("django.contrib.sessions.middleware.SessionMiddleware") + 1
        settings.MIDDLEWARE = [*middleware[:after], LOCALE_MIDDLEWARE, *middleware[after:]]


# Details as portfolio/churn/signals.py writes them, one of each form.
DETAILS = [
    "3 delivery complaints since 2 May 2026; 4 billing complaints since 4 May 2026",
    "Satisfaction score 6.3/10 on 1 Apr 2026, down from 7.3 on 10 Jan 2026",
    "Satisfaction score 4.5/10 on 1 Apr 2026",
    "Economic buyer and coach Jane Poe last contacted 14 Jan 2026 (expected every 30 days)",
    "Economic buyer Jane Poe last contacted 14 Jan 2026",
    "Coach John Roe never contacted (expected every 60 days)",
    "Coach John Roe never contacted",
    "No active economic buyer mapped",
    "No active coach mapped",
    "No active economic buyer or coach mapped",
    "Revenue fell 25 % (TTM 1.2 M vs 1.6 M the year before)",
    "RFP issued on 3 Mar 2026; Competitor evaluation (2 events, latest 3 Mar 2026)",
    "Ultimatum on 1 Feb 2026",
]


def _iso_dates(text: str) -> str:
    return re.sub(
        r"\b\d{1,2} [A-Z][a-z]{2} \d{4}\b",
        lambda day: datetime.strptime(day.group(), "%d %b %Y")
        .replace(tzinfo=UTC)
        .date()
        .isoformat(),
        text,
    )


def test_signal_details_read_in_english_with_the_pages_dates() -> None:
    # stored as the analysis writes them ("since 2 May 2026"), read with the date as every
    # English page writes it (kam/formats/en), the words unchanged
    with translation.override("en-gb"):
        said = [signal_detail(detail) for detail in DETAILS]
    assert said == [_iso_dates(detail) for detail in DETAILS]
    assert (
        said[0] == "3 delivery complaints since 2026-05-02; 4 billing complaints since 2026-05-04"
    )


@pytest.mark.usefixtures("zh_hans")
def test_signal_details_names_and_steps_read_in_chinese() -> None:
    with translation.override(CHINESE):
        said = [signal_detail(detail) for detail in DETAILS]
        assert said[0] == "自2026年5月2日起有3起“delivery”投诉；自2026年5月4日起有4起“billing”投诉"
        assert (
            said[3] == "经济型采购者兼教练 Jane Poe 上次联系于2026年1月14日（希望每30天联系一次）"
        )
        assert said[11] == "2026年3月3日 发出 RFP；竞争对手评估（2次，最近一次2026年3月3日）"
        # no English word left but the data's own (categories, names) and codes
        data = {"delivery", "billing", "Jane", "Poe", "John", "Roe", "RFP", "M"}
        for sentence in said:
            words = set(sentence.replace("“", " ").replace("”", " ").split())
            english = {w for w in words if w.isascii() and w.isalpha()} - data
            assert not english, sentence
        assert signal_name("coverage_gap") == "覆盖缺口"
        assert signal_step("litigation").startswith("请法务部门")
    # a form the product does not write is shown as it was stored
    with translation.override(CHINESE):
        assert signal_detail("Something else happened") == "Something else happened"


@pytest.mark.usefixtures("zh_hans")
def test_the_schedule_reads_naturally_in_chinese() -> None:
    with translation.override(CHINESE):
        assert schedule_words.in_words("0", "2", "*", gettext=gettext) == "每天 UTC 02:00"
        assert (
            schedule_words.in_words("30", "5", "5,1,3", gettext=gettext)
            == "每周一、周三、周五 UTC 05:30"
        )
        assert schedule_words.in_words("0", "2", "1-5", gettext=gettext) == "周一至周五 UTC 02:00"
    # without a translation function (and in English) the words are as before
    assert (
        schedule_words.in_words("30", "5", "5,1,3") == "on Monday, Wednesday, Friday at 05:30 UTC"
    )


@pytest.mark.django_db
@pytest.mark.usefixtures("zh_hans")
def test_a_run_for_a_future_date_is_refused_in_chinese() -> None:
    tomorrow = timezone.localdate() + timedelta(days=1)
    with translation.override(CHINESE), pytest.raises(ValidationError) as raised:
        analysis_run_create(as_of=tomorrow, requested_by=None, trigger="command")
    message = raised.value.message_dict["as_of"][0]
    assert (
        message
        == f"{tomorrow.year}年{tomorrow.month}月{tomorrow.day}日晚于今天；请选择今天或更早的日期。"
    )


@pytest.mark.django_db
@pytest.mark.usefixtures("zh_hans")
def test_the_api_says_its_errors_in_the_language_asked_for(ops_client: Any) -> None:
    future = (timezone.localdate() + timedelta(days=3)).isoformat()
    # given the same bad request, asked in Chinese and in English
    chinese = ops_client.post(
        "/api/v1/analysis-runs/", {"as_of": future}, HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9"
    )
    english = ops_client.post(
        "/api/v1/analysis-runs/", {"as_of": future}, HTTP_ACCEPT_LANGUAGE="en-GB"
    )
    # then each is refused in its own words, and nothing is written
    assert chinese.status_code == english.status_code == 400
    assert "晚于今天" in chinese.json()["as_of"][0]
    assert "is in the future" in english.json()["as_of"][0]
    schedule = ops_client.put(
        "/api/v1/analysis-schedule/",
        {"minute": "61", "hour": "2", "day_of_week": "*", "enabled": True},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE=CHINESE,
    )
    assert schedule.status_code == 400
    assert schedule.json()["minute"] == ["不是有效的 cron 分钟（0-59、列表 a,b、* 或 */步长）。"]


@pytest.mark.django_db
@pytest.mark.usefixtures("zh_hans")
def test_an_account_manager_is_refused_the_ops_page_in_chinese(owner_client: Any) -> None:
    response = owner_client.get("/ops/analysis/", HTTP_ACCEPT_LANGUAGE=CHINESE)
    assert response.status_code == 403
    assert "只有运营人员可以运行分析并安排分析计划。" in response.content.decode()


@pytest.fixture
def analysed(owner: Any, other_manager: Any) -> dict[str, Any]:
    portfolio = build_small_portfolio(owner=owner, other_owner=other_manager)
    AnalysisParameters.objects.update_or_create(pk=1, defaults={"at_risk_score": 10})
    call_command("run_analysis", "--as-of", AS_OF.isoformat(), stdout=StringIO())
    return portfolio


@pytest.mark.django_db
@pytest.mark.usefixtures("zh_hans")
def test_the_cached_dashboard_is_drawn_in_each_readers_language(
    executive_client: Any, analysed: Any
) -> None:
    # given an executive's dashboard drawn in English (and kept in the cache)
    english = executive_client.get("/dashboard/", HTTP_ACCEPT_LANGUAGE="en-GB")
    assert english.status_code == 200
    assert "Share of accounts, smallest first" in english.content.decode()
    # when the same dashboard is read in Chinese
    chinese = executive_client.get("/dashboard/", HTTP_ACCEPT_LANGUAGE=CHINESE)
    body = chinese.content.decode()
    # then its charts, notes and tables are Chinese, not the cached English
    # the Lorenz curve's axis, in the figure's JSON (json_script writes \u escapes)
    assert json.dumps("客户占比（从小到大）")[1:-1] in body
    assert "近 12 个月净利润" in body  # a chart's legend and a table's column
    assert "应对措施" in body  # the churn table's "What to do"
    assert "覆盖缺口" in body  # Alpha's fired signal, by its name
    assert "Share of accounts, smallest first" not in body
    # and English readers still get English
    again = executive_client.get("/dashboard/", HTTP_ACCEPT_LANGUAGE="en-GB")
    assert "Share of accounts, smallest first" in again.content.decode()


@pytest.mark.django_db
@pytest.mark.usefixtures("zh_hans")
def test_the_dashboard_download_has_chinese_headings(executive_client: Any, analysed: Any) -> None:
    response = executive_client.get("/dashboard/churn.csv", HTTP_ACCEPT_LANGUAGE=CHINESE)
    assert response.status_code == 200
    header = response.content.decode().splitlines()[0]
    assert header.split(",")[:4] == ["客户", "外部编号", "负责人", "风险收入（近 12 个月）"]


def test_every_day_name_of_the_form_is_the_schedules_own() -> None:
    """The form's day names and the schedule's words share their msgids (one translation)."""
    from portfolio.forms import WEEK

    with translation.override("en-gb"):
        assert {str(label) for _day, label in WEEK} == set(schedule_words.DAY_NAMES)
