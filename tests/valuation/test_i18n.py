"""Money both ways in Chinese: an import's problems are listed in the uploader's language,
also when a worker (which has no request) runs it; the page's forms and charts follow the
reader's language; English stays the default."""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from django.utils.translation import gettext

from accounts.models import AccountLocation
from kam.types import User
from valuation import charts
from valuation.analysis.parameters import AnalysisParameters
from valuation.importing import services as import_services
from valuation.models import ImportBatch

pytestmark = pytest.mark.django_db

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
BAD_REVENUE = (
    "account,location,period_start,revenue,cost_of_goods\n"
    "NW-1,Rotterdam,2025-01-15,1.234,5\n"
    "NO-SUCH,Rotterdam,2025-02-01,10,-5\n"
)


@pytest.fixture
def catalogue(settings: Any) -> None:
    """The catalogue found also before the settings name it."""
    settings.LOCALE_PATHS = [django_settings.BASE_DIR / "locale"]


@pytest.fixture
def chinese(catalogue: None) -> Iterator[None]:
    with translation.override("zh-hans"):
        yield


@pytest.fixture
def world(account: Any) -> dict[str, Any]:
    AccountLocation.objects.create(account=account, name="Rotterdam")
    return {"account": account}


def _queued_batch(ops: User) -> ImportBatch:
    upload = SimpleUploadedFile("revenue.csv", BAD_REVENUE.encode(), content_type="text/csv")
    return import_services.import_batch_create(kind="revenue", created_by=ops, upload=upload)


def test_a_worker_lists_the_problems_in_the_uploaders_language(
    catalogue: None, ops: User, world: Any
) -> None:
    with translation.override("zh-hans"):
        batch = _queued_batch(ops)
    assert batch.language == "zh-hans"
    # the worker: no request, the default language active
    with translation.override("en-gb"):
        batch = import_services.import_batch_execute(batch_id=batch.pk)

    assert batch.status == ImportBatch.Status.FAILED
    assert batch.message == "该文件被拒绝：共 4 个问题；未写入任何内容。"
    messages = {(error["row"], error["column"]): error["message"] for error in batch.errors}
    assert messages[(2, "period_start")].startswith("2025-01-15 不是某月的第一天")
    assert messages[(2, "revenue")] == "“1.234”的小数位超过 2 位。"
    assert messages[(3, "account")] == "没有外部编号为“NO-SUCH”的客户。"
    assert messages[(3, "cost_of_goods")] == "金额不能为负数（“-5”）。"


def test_an_import_asked_in_english_lists_its_problems_in_english(
    catalogue: None, ops: User, world: Any
) -> None:
    batch = _queued_batch(ops)
    with translation.override("zh-hans"):
        batch = import_services.import_batch_execute(batch_id=batch.pk)
    assert batch.message == "The file was refused: 4 problem(s); nothing was written."


def test_import_page_in_chinese(chinese: None, ops_client: Any, world: Any, tmp_path: Path) -> None:
    response = ops_client.post(
        "/imports/",
        {"kind": "revenue", "file": SimpleUploadedFile("x.csv", b"account,acct\nNW-1,1\n")},
        **ZH,
    )
    page = ops_client.get(response["Location"], **ZH).content.decode()
    assert "未知列“acct”；可用的列为：account, location" in page
    assert "标题行中缺少列“revenue”。" in page
    batch = ImportBatch.objects.get()
    assert batch.language == "zh-hans"

    response = ops_client.post("/imports/", {"kind": "revenue"}, **ZH)
    assert response.context["form"].errors["file"] == ["请选择要上传的文件。"]


def test_value_entry_error_in_chinese(chinese: None, owner_client: Any, world: Any) -> None:
    account = world["account"]
    response = owner_client.post(
        f"/accounts/{account.pk}/value/entries/",
        {
            "entry-direction": "delivered",
            "entry-category": "成本节约",
            "entry-amount": "100",
            "entry-date": "2025-01-10",
            "entry-confirmed_by": "Ann",
        },
        **ZH,
    )
    assert response.status_code == 400
    assert response.context["entry_form"].errors["confirmed_by"] == [
        "请勾选“经客户确认”，或将此项留空。"
    ]


def test_charts_speak_the_readers_language(catalogue: None) -> None:
    def titles() -> tuple[str, str]:
        cost = charts.cost_to_serve_figure(activity_names=["a"], costs=[1.0], is_investment=[False])
        revenue = charts.revenue_figure(periods=[], series=[], forecast_periods=[], forecast=[])
        return cost.layout.xaxis.title.text, revenue.data[-1].name

    assert titles() == ("Cost to serve, trailing twelve months", "Forecast")
    with translation.override("zh-hans"):
        assert titles() == ("服务成本（近 12 个月）", "预测")


def test_analysis_parameter_errors_in_the_readers_language(catalogue: None) -> None:
    wrong = AnalysisParameters(base_retention=90, recurring_days=0, horizon_years=math.nan)
    assert wrong.validate()["recurring_days"] == "Enter a whole number from 1 to 3660."
    with translation.override("zh-hans"):
        errors = wrong.validate(translate=gettext)
    assert errors == {
        "base_retention": "基础留存率必须在 0 到 1 之间（0.90 表示每年有 90 % 的客户留存）。",
        "recurring_days": "请输入 1 到 3660 之间的整数。",
        "horizon_years": "请输入数字。",
    }
