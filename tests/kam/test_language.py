"""Which language KAM answers in (kam/language.py): the browser's for a first visit, then a
person's own choice, kept across sessions and devices; the API by Accept-Language."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from rest_framework.test import APIClient

from kam.language import in_language_of, user_language, user_language_set
from kam.models import UserPreference
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-CN,zh;q=0.9,en;q=0.5"}


def _sign_in(client: Client, username: str, **headers: str) -> None:
    response = client.post("/login/", {"username": username, "password": PASSWORD}, **headers)
    assert response.status_code == 302, response.content


def test_a_first_visit_reads_the_browsers_language() -> None:
    # when an anonymous visitor whose browser prefers Chinese opens the sign-in page
    response = Client().get("/login/", **ZH)

    # then it is in Chinese, says so, and varies with the header
    body = response.content.decode()
    assert '<html lang="zh-hans">' in body
    assert "登录 KAM" in body
    assert "用户名：" in body
    assert "Log in to KAM" not in body
    assert response["Content-Language"] == "zh-hans"
    assert "Accept-Language" in response["Vary"]


def test_english_stays_the_default() -> None:
    for headers in (
        {},
        {"HTTP_ACCEPT_LANGUAGE": "fr-FR,fr;q=0.9"},
        {"HTTP_ACCEPT_LANGUAGE": "en-US"},
    ):
        body = Client().get("/login/", **headers).content.decode()
        assert '<html lang="en-gb">' in body
        assert "Log in to KAM" in body


def test_the_preference_sticks_across_a_new_session_and_device() -> None:
    # given a manager whose browser speaks English chooses Chinese on the navigation's switch
    mei = UserFactory(username="mei", roles=["account_manager"])
    laptop = Client()
    _sign_in(laptop, "mei")
    answer = laptop.post("/preferences/language/", {"language": "zh-hans", "next": "/accounts/"})
    assert answer.status_code == 302
    assert answer["Location"] == "/accounts/"
    assert user_language(user=mei) == "zh-hans"
    assert "客户" in laptop.get("/accounts/").content.decode()

    # when she signs out and in again, and on another device whose browser asks for English
    laptop.post("/logout/")
    phone = Client()
    _sign_in(phone, "mei", HTTP_ACCEPT_LANGUAGE="en-GB")

    # then her pages are in Chinese wherever she signs in
    home = phone.get("/", HTTP_ACCEPT_LANGUAGE="en-GB")
    assert home["Content-Language"] == "zh-hans"
    assert "欢迎" in home.content.decode()
    laptop_again = Client()
    _sign_in(laptop_again, "mei")
    assert "欢迎" in laptop_again.get("/").content.decode()

    # and back to English, for good, from the preferences page
    saved = phone.post("/preferences/", {"language": "en-gb"})
    assert saved.status_code == 302
    assert "Welcome" in phone.get("/").content.decode()
    assert UserPreference.objects.get(user=mei).language == "en-gb"


def test_following_the_browser_again() -> None:
    mei = UserFactory(username="mei", roles=["account_manager"])
    user_language_set(user=mei, language="zh-hans")
    client = Client()
    _sign_in(client, "mei")
    client.post("/preferences/", {"language": ""})
    assert user_language(user=mei) == ""
    assert "Welcome" in client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "欢迎" in client.get("/", **ZH).content.decode()


def test_an_unknown_language_is_refused_in_words_and_changes_nothing() -> None:
    mei = UserFactory(username="mei", roles=["account_manager"])
    client = Client()
    _sign_in(client, "mei")

    switch = client.post("/preferences/language/", {"language": "xx", "next": "/"})
    assert switch.status_code == 400
    assert "Choose one of the languages offered." in switch.content.decode()

    form = client.post("/preferences/", {"language": "klingon"})
    assert form.status_code == 400
    assert "Select a valid choice" in form.content.decode()
    assert not UserPreference.objects.filter(user=mei).exists()


def test_the_switch_does_not_redirect_off_site() -> None:
    answer = Client().post(
        "/preferences/language/", {"language": "zh-hans", "next": "https://evil.example/"}
    )
    assert answer.status_code == 302
    assert answer["Location"] == "/"
    # an anonymous visitor's choice is kept in the language cookie
    assert answer.cookies["django_language"].value == "zh-hans"


def test_a_zh_hans_validation_error_on_the_preferences_page() -> None:
    UserFactory(username="mei", roles=["account_manager"])
    client = Client()
    _sign_in(client, "mei")
    body = client.post("/preferences/", {"language": "klingon"}, **ZH).content.decode()
    # Django's own message, in Chinese, beside our translated label
    assert "界面语言" in body
    assert "Select a valid choice" not in body


def test_the_api_answers_in_the_language_asked_for(executive: Any) -> None:
    # the preference does not apply to the API: the caller's Accept-Language does
    user_language_set(user=executive, language="zh-hans")
    api = APIClient()
    api.force_authenticate(executive)
    english = api.get("/api/v1/accounts/?page=99")
    chinese = api.get("/api/v1/accounts/?page=99", **ZH)
    assert english.status_code == chinese.status_code == 404
    assert english.json()["detail"] == "Invalid page."
    assert chinese.json()["detail"] == "无效页面。"
    assert english["Content-Language"] == "en-gb"
    assert chinese["Content-Language"] == "zh-hans"


def test_an_anonymous_api_call_in_chinese() -> None:
    answer = APIClient().get("/api/v1/me/", **ZH)
    assert answer.status_code == 401
    assert answer.json()["detail"] == "身份认证信息未提供。"


def test_text_for_another_person_is_in_their_language() -> None:
    from django.utils.translation import gettext

    mei = UserFactory(username="mei")
    bob = UserFactory(username="bob")
    user_language_set(user=mei, language="zh-hans")
    with in_language_of(mei):
        assert gettext("Your preferences were saved.") == "您的偏好设置已保存。"
    with in_language_of(bob):
        assert gettext("Your preferences were saved.") == "Your preferences were saved."


def test_the_javascript_catalogue_is_a_script_in_the_pages_language() -> None:
    answer = Client().get("/jsi18n/", **ZH)
    assert answer.status_code == 200
    assert answer["Content-Type"].startswith("text/javascript")
    # the catalogue's strings, JSON-escaped in the script
    assert "无法连接服务器".encode("unicode_escape").decode() in answer.content.decode()
