"""The buying-influence map in Chinese: a zh-hans reader gets the roles, the coverage gaps and
the errors of the pages and the API in Chinese; English stays the default."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.utils import translation

from relationships.coverage import ContactFacts, InfluenceFacts, coverage_gaps
from relationships.models import Contact
from relationships.selectors import gap_label, gap_message

pytestmark = pytest.mark.django_db

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


@pytest.fixture
def chinese(settings: Any) -> Iterator[None]:
    """The catalogue found (also before the settings name it) and zh-hans active, as the
    language middleware leaves it for a Chinese reader."""
    settings.LOCALE_PATHS = [django_settings.BASE_DIR / "locale"]
    with translation.override("zh-hans"):
        yield


def test_coverage_gaps_read_in_chinese_with_their_values(chinese: None) -> None:
    people = [
        ContactFacts(id=1, name="Ben Buyer", attitude="detractor"),
        ContactFacts(id=2, name="Ann CFO", is_economic_buyer=True),
        ContactFacts(id=3, name="Cy CEO", is_economic_buyer=True),
    ]
    lines = [InfluenceFacts(source_id=1, target_id=2), InfluenceFacts(source_id=1, target_id=3)]
    gaps = coverage_gaps(contacts=people, as_of=date(2026, 1, 1), influences=lines)
    sways = next(gap for gap in gaps if gap.code == "detractor_sways_economic_buyer")

    assert gap_label(sways.code) == "反对者左右经济型采购者"
    assert gap_message(sways).startswith(
        "Ben Buyer反对我们，并左右着经济型采购者（Ann CFO和Cy CEO）。"
    )
    # the pure rules keep the English words
    assert sways.message.startswith(
        "Ben Buyer is against us and sways the economic buyer (Ann CFO and Cy CEO)."
    )


def test_gap_messages_in_english_are_the_rules_own(settings: Any) -> None:
    people = [ContactFacts(id=1, name="Ann", last_interaction_on=date(2025, 1, 1))]
    for gap in coverage_gaps(contacts=people, as_of=date(2026, 1, 1)):
        assert gap_message(gap) == gap.message


def test_api_errors_and_gaps_in_chinese(
    chinese: None, owner_api: Any, account: Any, boss: Contact
) -> None:
    response = owner_api.post(
        "/api/v1/contacts/",
        {"account": account.pk, "name": "Lee", "influence": "huge", "roles": ["boss"]},
        format="json",
        **ZH,
    )
    assert response.status_code == 400
    body = response.json()
    assert body["influence"] == ["“huge”不是影响力等级；请使用 high、medium 或 low。"]

    response = owner_api.post(
        "/api/v1/contacts/",
        {"account": account.pk, "name": "Lee", "roles": ["boss"]},
        format="json",
        **ZH,
    )
    assert response.status_code == 400
    assert "不是购买角色" in str(response.json())

    gaps = owner_api.get(f"/api/v1/accounts/{account.pk}/coverage-gaps/", **ZH).json()
    assert gaps[0]["message"].startswith("关系图中还没有教练。")


def test_api_refusal_in_chinese(chinese: None, team_member_api: Any, boss: Contact) -> None:
    response = team_member_api.patch(
        f"/api/v1/contacts/{boss.pk}/", {"title": "CEO"}, format="json", **ZH
    )
    assert response.status_code == 403
    assert response.json()["detail"] == "只有该客户的负责人可以修改其关系图。"


def test_contact_form_in_chinese(chinese: None, owner_client: Any, account: Any) -> None:
    response = owner_client.post(
        f"/accounts/{account.pk}/relationships/contacts/new/",
        {"name": "", "influence": "medium", "attitude": "neutral", "preferred_channel": "email"},
        **ZH,
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors["name"] == ["请填写此人的姓名。"]
    assert form.fields["contact_frequency_days"].label == "希望的接触频率（天）"
    assert [str(label) for _value, label in form.fields["roles"].choices] == [
        "经济型采购者",
        "使用型采购者",
        "技术型采购者",
        "教练",
    ]


def test_contact_form_in_english_by_default(owner_client: Any, account: Any) -> None:
    response = owner_client.post(
        f"/accounts/{account.pk}/relationships/contacts/new/",
        {"name": "", "influence": "medium", "attitude": "neutral", "preferred_channel": "email"},
    )
    assert response.context["form"].errors["name"] == ["Give the person's name."]


def test_a_persons_history_names_the_fields_in_chinese(
    chinese: None, owner_api: Any, owner_client: Any, account: Any, boss: Contact
) -> None:
    owner_api.patch(
        f"/api/v1/contacts/{boss.pk}/", {"attitude": "neutral", "title": "CEO"}, format="json"
    )
    response = owner_client.get(
        f"/accounts/{account.pk}/relationships/contacts/{boss.pk}/edit/", **ZH
    )
    assert sorted(response.context["history"][0].fields) == ["态度", "职位"]
