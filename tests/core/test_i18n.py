"""Both catalogues are complete and compiled, and the interface speaks the chosen language."""

import re
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from tests.factories import DEFAULT_PASSWORD, make_user

ROOT = Path(__file__).resolve().parents[2]
ZH = ROOT / "empathy" / "translations" / "zh" / "LC_MESSAGES"
METHODS = [("**.py", "python"), ("templates/**.html", "jinja2")]
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_ngettext": (1, 2), "_l": None, "lazy_gettext": None,
            "pgettext": ((1, "c"), 2), "lazy_pgettext": ((1, "c"), 2)}


def _po():
    with (ZH / "messages.po").open("rb") as fh:
        return read_po(fh)


def _id(message_id):
    return message_id[0] if isinstance(message_id, tuple | list) else message_id  # a plural: its singular


def _forms(string):
    """A msgstr, or a plural entry's forms as one tuple (the .mo reader gives a list, the .po reader a tuple)."""
    return tuple(string) if isinstance(string, tuple | list) else string


def _key(message):
    """A message's identity: its context (pgettext's first argument, or None) and its msgid."""
    return message.context, _id(message.id)


def test_every_string_in_the_code_is_in_the_catalogue():
    in_code = {
        (context, _id(msg))
        for _, _, msg, _, context in extract_from_dir(ROOT / "empathy", METHODS, keywords=KEYWORDS)
    }
    in_catalogue = {_key(m) for m in _po() if m.id}
    missing = sorted(in_code - in_catalogue)
    assert not missing, f"run `python scripts/i18n.py update`, then translate: {missing[:10]}"


def test_every_message_is_translated():
    # A plural entry's msgstr is a tuple of forms (Chinese has one): each form must be filled in.
    untranslated = [m.id for m in _po() if m.id and not (all(m.string) if isinstance(m.string, tuple) else m.string)]
    assert untranslated == []


def test_compiled_catalogue_matches_the_source():
    with (ZH / "messages.mo").open("rb") as fh:
        compiled = {_key(m): _forms(m.string) for m in read_mo(fh) if m.id}
    source = {_key(m): _forms(m.string) for m in _po() if m.id and not m.fuzzy}
    assert compiled == source, "run `python scripts/i18n.py update` to recompile"


def test_browser_language_is_used_when_nobody_chose(client):
    assert "登录" in client.get("/login", headers={"Accept-Language": "zh-CN,zh;q=0.9"}).text
    assert "Sign in" in client.get("/login", headers={"Accept-Language": "en-GB"}).text


def test_switcher_changes_the_language_and_returns(client):
    response = client.post("/language", data={"language": "zh", "next": "/login"})
    assert response.headers["Location"] == "/login"
    page = client.get("/login", headers={"Accept-Language": "en"}).text
    assert "登录" in page and 'lang="zh-Hans"' in page
    client.post("/language", data={"language": "en", "next": "https://evil.example/"})
    assert "Sign in" in client.get("/login").text


def test_signed_in_users_keep_their_language(app, client, auth, session):
    user = make_user(session, email="li@example.com")
    auth.login("li@example.com", DEFAULT_PASSWORD)
    client.post("/language", data={"language": "zh"})
    session.refresh(user)
    assert user.preferred_language == "zh"
    other_browser = app.test_client()
    other_browser.post("/login", data={"email": "li@example.com", "password": DEFAULT_PASSWORD})
    assert "首页" in other_browser.get("/home", headers={"Accept-Language": "en"}).text


def test_a_language_chosen_before_signing_in_wins_and_becomes_the_accounts(app, client, session):
    user = make_user(session, email="li@example.com", preferred_language="zh")
    client.post("/language", data={"language": "en", "next": "/login"})
    client.post("/login", data={"email": "li@example.com", "password": DEFAULT_PASSWORD})
    assert "Home" in client.get("/home", headers={"Accept-Language": "zh"}).text
    session.refresh(user)
    assert user.preferred_language == "en"
    # Without a choice in this browser, the account's language stands.
    other_browser = app.test_client()
    other_browser.post("/login", data={"email": "li@example.com", "password": DEFAULT_PASSWORD})
    session.refresh(user)
    assert user.preferred_language == "en"


def test_no_message_is_fuzzy():
    # A fuzzy entry is left out of the compiled catalogue: the page would show English.
    assert [m.id for m in _po() if m.id and m.fuzzy] == []


def test_words_with_two_meanings_have_a_context_each():
    # "Open" is a need's status and the link of a notification; "On" a setting's state and an audit column.
    catalogue = {_key(m): m.string for m in _po() if m.id}
    assert catalogue[("need status", "Open")] == "开放中"
    assert catalogue[("link to what a notification is about", "Open")] == "查看"
    assert catalogue[("setting state", "On")] != catalogue[("audit column: what an action was done to", "On")]
    assert (None, "Open") not in catalogue and (None, "On") not in catalogue
    # "Name" heads a person's column (姓名) and a skill's or token's (名称); "Code" is a site's or a sign-in code.
    assert catalogue[("a person's name", "Name")] == "姓名"
    assert catalogue[("the name of a thing: a skill, a token", "Name")] == "名称"
    assert catalogue[("a one-time sign-in code", "Code")] == "验证码"
    assert (None, "Name") not in catalogue and (None, "Code") not in catalogue


HAN = "\u3400-\u4dbf\u4e00-\u9fff"
ASCII_BESIDE_HAN = re.compile(rf"[{HAN}][:(),;.]|[:(),;.][{HAN}]|[{HAN}] \(|\) [{HAN}]|\d %")


def _forms_of(message):
    return list(message.string) if isinstance(message.string, tuple | list) else [message.string]


def test_chinese_punctuation_is_full_width():
    # Code spans (`...`) and syntax keep ASCII; a placeholder may hold anything. No space before % ("契合度 11%").
    wrong = [(m.id, text) for m in _po() if m.id and "syntax" not in (m.context or "") for text in _forms_of(m)
             if ASCII_BESIDE_HAN.search(re.sub(r"`[^`]*`|%\(\w+\)[sd]", "", text))]
    assert wrong == []


def test_chinese_names_the_product_by_its_chinese_brand():
    # The English name stays only as a gloss beside the brand, for the entry an authenticator app shows.
    wrong = [(m.id, text) for m in _po() if m.id and "Empathy" in _id(m.id) and "Empathy Formula" not in _id(m.id)
             for text in _forms_of(m) if "同理心公益" not in text]
    assert wrong == []
    glossed = [text for m in _po() if m.id for text in _forms_of(m) if "Empathy" in text]
    assert [text for text in glossed if "同理心公益（" not in text] == []
