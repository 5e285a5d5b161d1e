"""The accounts app answers in simplified Chinese when asked to (issue 21), in the words of the
book's digest (docs/glossary.md), and in English otherwise: pages by the browser's
Accept-Language, the API by the caller's, the services in the language active.

The catalogue is compiled by the build (make install / make test); run `python manage.py
compilemessages -l zh_Hans` after changing it."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation
from django.utils.translation import gettext

from accounts.forms import AccountForm
from accounts.models import Account, AccountPlan, PlanAction, PlanObjective
from accounts.people.bands import load_warnings, pay_mix_check
from accounts.people.selectors import PAY_MIX_WORDS
from accounts.plans import services as plan_services
from accounts.services import account_update
from tests.factories import AccountFactory

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


@pytest.fixture(autouse=True)
def _catalogue(settings: Any) -> None:
    """The project's catalogue (kam/settings.py names it; set here so that the test does not
    depend on the order the settings land in)."""
    settings.LOCALE_PATHS = [settings.BASE_DIR / "locale"]


@pytest.mark.django_db
def test_the_account_form_speaks_chinese_to_a_chinese_browser(owner_client: Any) -> None:
    response = owner_client.get("/accounts/new/", **ZH)

    text = response.content.decode()
    # a label, a help text and a choice of the form, in the digest's words
    assert "买卖层级" in text
    assert "0 = 纯交易型，100 = 完全的战略伙伴关系。" in text
    assert "1 · 同质产品，按价格购买" in text
    assert "Buying hierarchy level" not in text


@pytest.mark.django_db
def test_a_refused_account_form_says_why_in_chinese(owner_client: Any) -> None:
    response = owner_client.post(
        "/accounts/new/", {"name": "", "designation": "vip", "buying_hierarchy_level": 2}, **ZH
    )

    text = response.content.decode()
    assert "请为客户填写名称。" in text
    assert "vip 不是有效的客户认定；请从列表中选择。" in text
    assert not Account.objects.exists()


@pytest.mark.django_db
def test_the_api_answers_in_the_language_asked(owner_api: Any) -> None:
    body = {"name": "", "designation": "vip"}

    chinese = owner_api.post("/api/v1/accounts/", body, format="json", **ZH)
    english = owner_api.post("/api/v1/accounts/", body, format="json")

    assert chinese.status_code == english.status_code == 400
    assert chinese.json()["name"] == ["请为客户填写名称。"]
    assert chinese.json()["designation"] == [
        "“vip”不是有效的客户认定；请使用 candidate、pilot、strategic、transactional 或 exit。"
    ]
    assert english.json()["name"] == ["Give the account a name."]
    assert not Account.objects.exists()


@pytest.mark.django_db
def test_a_refusal_reads_in_the_language_of_the_request_refused(
    account: Account, team_member_api: Any
) -> None:
    """The refusals are module constants (lazy): each request reads them in its language."""
    chinese = team_member_api.patch(
        f"/api/v1/accounts/{account.pk}/", {"name": "Renamed"}, format="json", **ZH
    )
    english = team_member_api.patch(
        f"/api/v1/accounts/{account.pk}/", {"name": "Renamed"}, format="json"
    )

    assert chinese.status_code == english.status_code == 403
    assert chinese.json()["detail"] == "只有客户负责人可以修改该客户。"
    assert english.json()["detail"] == "Only the account's owner may change it."
    account.refresh_from_db()
    assert account.name == "Northwind Foods"


@pytest.mark.django_db
def test_a_service_refuses_in_the_active_language(account: Account, team_member: Any) -> None:
    with translation.override("zh-hans"):
        with pytest.raises(PermissionDenied) as refused:
            account_update(account=account, updated_by=team_member, name="Renamed")
        # lazy: read where it is shown, in the language active there
        message = str(refused.value)

    assert message == "只有客户负责人可以修改该客户。"


@pytest.mark.django_db
def test_what_keeps_a_plan_from_submission_is_said_in_chinese(
    account: Account, owner: Any, suite_today: date
) -> None:
    """Every problem by field, the count of overdue actions in its plural form."""
    plan = AccountPlan.objects.create(
        account=account,
        period="2026",
        period_start=date(2026, 1, 1),
        period_end=date(2026, 12, 31),
    )
    PlanObjective.objects.create(plan=plan, metric="Share of wallet", target=Decimal(40))
    for title in ("Site visit", "Quarterly review"):
        PlanAction.objects.create(
            plan=plan, title=title, owner=owner, due=suite_today - timedelta(days=3)
        )

    with translation.override("zh-hans"), pytest.raises(ValidationError) as refused:
        plan_services.account_plan_submit(plan=plan, submitted_by=owner)

    errors = refused.value.message_dict
    assert errors["situation"] == ["提交前请先填写环境评估（第 1 步）。"]
    assert errors["strategy"] == ["提交前请先填写战略（第 2 步）。"]
    due = f"{suite_today - timedelta(days=3):%Y-%m-%d}"
    assert errors["actions"] == [
        f"有 2 项进行中的行动已逾期：Site visit（截止 {due}）；Quarterly review（截止 {due}）。"
        "请将其标记为已完成、取消，或调整截止日期，然后再提交。"
    ]
    plan.refresh_from_db()
    assert plan.status == "draft"


@pytest.mark.django_db
def test_choices_and_labels_follow_the_language() -> None:
    account = AccountFactory(designation="strategic")

    with translation.override("zh-hans"):
        chinese = (account.get_designation_display(), str(AccountForm().fields["region"].label))
    english = (account.get_designation_display(), str(AccountForm().fields["region"].label))

    assert chinese == ("战略型", "地区")
    assert english == ("Strategic", "Region")


def test_the_load_warnings_of_the_pure_rules_are_translated_by_the_caller() -> None:
    with translation.override("zh-hans"):
        warnings = load_warnings(key_accounts=13, relationships=41, gettext=gettext)

    assert warnings == [
        "负责 13 个战略型和试点客户，超过了书中建议的每位经理 12 个：请移交一部分客户，"
        "或增加一位经理。",
        "是 41 人的主要联系人，超过了 40 人：有些影响者将得不到他们期望的联系；"
        "请把部分关系转给团队成员。",
    ]


@pytest.mark.parametrize(
    ("salary", "bonus"), [("78", "22"), ("83", "17"), ("60", "40"), ("90", "10")]
)
def test_every_word_of_the_pay_mix_check_is_in_the_catalogue(salary: str, bonus: str) -> None:
    """The pure pay-mix check says its words in English; the selectors translate them, so each
    must be among the words marked for the catalogue, and be translated there."""
    check = pay_mix_check(salary=Decimal(salary), bonus=Decimal(bonus))

    assert {check.label, check.message} <= set(PAY_MIX_WORDS)
    with translation.override("zh-hans"):
        assert gettext(check.label) != check.label
        assert gettext(check.message) != check.message


@pytest.mark.django_db
def test_a_notice_is_written_in_its_recipients_language(
    account: Account, owner: Any, executive: Any, settings: Any
) -> None:
    """An account manager acting in English tells an executive in the executive's language
    (here the site's, zh-hans: notifications.selectors.language_of), the team's function and
    the designations in it too."""
    from accounts.governance.services import designation_request_create
    from notifications.models import Notification

    settings.LANGUAGE_CODE = "zh-hans"
    with translation.override("en"):
        designation_request_create(
            account=account, requested_by=owner, to_designation="pilot", reason="Growing fast."
        )

    message = Notification.objects.get(user=executive).message
    assert message == "alice 申请将 Northwind Foods 认定为试点（当前为战略型）：Growing fast."
