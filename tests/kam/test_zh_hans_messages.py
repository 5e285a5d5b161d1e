"""The inbox, the search, the dashboard and the API's own refusals in zh-hans (issue 21): a
request asking for Chinese (Accept-Language) gets Chinese words, one asking for nothing the
same English as before."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.django_db

CHINESE = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


def test_the_inbox_page_in_chinese(owner_client: Any) -> None:
    html = owner_client.get("/inbox/", **CHINESE).content.decode()

    assert "<h1>收件箱" in html
    assert "暂无通知：有事需要您处理时，会在这里告诉您。" in html
    assert "Nothing yet" not in html


def test_the_inbox_page_stays_english_by_default(owner_client: Any) -> None:
    html = owner_client.get("/inbox/").content.decode()

    assert "Nothing yet: you will be told here when something needs you." in html


def test_a_refused_search_says_why_in_chinese(owner_client: Any) -> None:
    response = owner_client.get("/search/", {"q": "!!"}, **CHINESE)

    assert response.status_code == 400
    assert "请至少输入一个词（字母或数字）。" in response.content.decode()


def test_the_dashboard_without_a_run_in_chinese(owner_client: Any) -> None:
    html = owner_client.get("/dashboard/", **CHINESE).content.decode()

    assert "还没有成功的分析运行，因此没有可显示的内容。" in html


def test_the_apis_refusals_in_chinese(owner_api: Any) -> None:
    search = owner_api.get("/api/v1/search/", {"q": "x" * 201}, **CHINESE)
    nothing = owner_api.get("/api/v1/no-such-thing/", **CHINESE)
    nul = owner_api.get("/api/v1/dashboard/?owner=%00", **CHINESE)

    assert search.status_code == 400
    assert search.json() == {"q": ["搜索内容最多 200 个字符。"]}
    assert nothing.json() == {"detail": "未找到。"}
    assert nul.status_code == 400
    assert nul.json()["detail"].startswith("地址中包含 NUL 字符")


def test_a_text_the_input_policy_refuses_in_chinese(owner_api: Any, account: Any) -> None:
    response = owner_api.patch(
        f"/api/v1/accounts/{account.pk}/",
        {"name": "two\nlines", "version": account.version},
        format="json",
        **CHINESE,
    )

    assert response.status_code == 400
    assert response.json()["name"] == ["此字段只能有一行：请删除换行符和制表符。"]
