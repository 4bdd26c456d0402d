"""The shipped reference data (empathy/data) and the demo generator (empathy/demo)."""

from __future__ import annotations

import ast
import random
import re
import sys
import unicodedata
from pathlib import Path

import pytest

from empathy.data import load_categories, load_causes, load_sites, load_skills
from empathy.demo import build_demo

CJK = re.compile(r"[\u3400-\u9fff]")
CAUSE_CODES = {
    "aged_care", "education", "poverty_alleviation", "environment", "health",
    "disaster_relief", "community", "children", "disability", "culture",
}
NEED_STATUSES = {"open", "draft", "completed", "closed"}
DEMO_DIR = Path(__file__).resolve().parents[2] / "empathy" / "demo"


@pytest.fixture(scope="module")
def demo() -> dict:
    return build_demo()


@pytest.fixture(scope="module")
def skills() -> list[dict]:
    return load_skills()


@pytest.fixture(scope="module")
def skill_names(skills) -> set[str]:
    return {s["name"] for s in skills}


def _has_cjk(text: str) -> bool:
    return bool(CJK.search(text))


def _term_key(text: str) -> str:
    """Case-, width- and punctuation-insensitive form of a label, as a matcher would compare it."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(re.sub(r"[\s\-_/.,;:()\[\]'\"、，。；：（）]+", " ", text).split())


# --- reference data -------------------------------------------------------------------------

def test_taxonomy_has_300_to_450_skills_with_required_fields(skills):
    assert 300 <= len(skills) <= 450
    categories = load_categories()
    for skill in skills:
        assert set(skill) - {"related"} == {"name", "category", "label_en", "label_zh", "synonyms"}
        names = {other["name"] for other in skills}
        assert all(r in names and r != skill["name"] for r in skill.get("related", [])), skill["name"]
        assert skill["name"].strip() == skill["name"] and skill["name"]
        assert skill["label_en"]
        assert skill["category"] in categories
        assert 2 <= len(skill["synonyms"]) <= 6, skill["name"]
        assert all(isinstance(s, str) and s.strip() == s and s for s in skill["synonyms"])


def test_taxonomy_names_are_unique_case_insensitively(skills):
    names = [s["name"].casefold() for s in skills]
    assert len(names) == len(set(names))


def test_no_synonym_is_shared_or_clashes_with_another_skill(skills):
    owner: dict[str, str] = {}
    for skill in skills:
        for term in {_term_key(skill["name"]), _term_key(skill["label_en"]), _term_key(skill["label_zh"])}:
            assert owner.setdefault(term, skill["name"]) == skill["name"], term
    for skill in skills:
        own = {_term_key(s) for s in skill["synonyms"]}
        assert len(own) == len(skill["synonyms"]), f"repeated synonym in {skill['name']}"
        for term in own:
            assert owner.setdefault(term, skill["name"]) == skill["name"], (
                f"{term!r} is used by {owner[term]!r} and {skill['name']!r}"
            )


def test_every_label_zh_is_chinese_and_unique(skills):
    labels = [s["label_zh"] for s in skills]
    assert all(label.strip() and _has_cjk(label) for label in labels)
    assert len(labels) == len(set(labels))


def test_every_category_is_used_and_labelled():
    categories = load_categories()
    used = {s["category"] for s in load_skills()}
    assert used == set(categories)
    for labels in categories.values():
        assert labels["en"] and _has_cjk(labels["zh"])


def test_causes_are_exactly_the_agreed_codes():
    causes = load_causes()
    assert {c["code"] for c in causes} == CAUSE_CODES
    assert len(causes) == len(CAUSE_CODES)
    assert all(c["en"] and _has_cjk(c["zh"]) for c in causes)


def test_sites_have_unique_codes_and_both_names():
    sites = load_sites()
    codes = [s["code"] for s in sites]
    assert 8 <= len(codes) <= 12 and len(codes) == len(set(codes))
    assert "shanghai-hq" in codes and "yanchi-pv-base" in codes and "phnom-penh" in codes
    assert all(s["name_en"] and _has_cjk(s["name_zh"]) for s in sites)


def test_loaders_return_fresh_copies():
    load_skills()[0]["name"] = "changed"
    load_sites().clear()
    assert load_skills()[0]["name"] != "changed"
    assert load_sites()


# --- demo generator -------------------------------------------------------------------------

def test_build_demo_is_deterministic():
    assert build_demo() == build_demo()
    assert build_demo(7) == build_demo(7)
    assert build_demo(7)["employees"] != build_demo(8)["employees"]


def test_build_demo_leaves_global_random_state_alone():
    random.seed(42)
    expected = random.random()
    random.seed(42)
    build_demo()
    assert random.random() == expected


def test_demo_modules_import_only_the_standard_library():
    allowed_prefixes = ("empathy.demo",)
    for path in DEMO_DIR.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                modules = [node.module or ""]
            else:
                continue
            for module in modules:
                top = module.split(".")[0]
                assert module.startswith(allowed_prefixes) or top in sys.stdlib_module_names, (
                    f"{path.name} imports {module}"
                )


def test_demo_modules_stay_under_about_300_lines():
    for path in DEMO_DIR.glob("*.py"):
        assert len(path.read_text(encoding="utf-8").splitlines()) <= 320, path.name


def test_about_200_employees_with_unique_ascii_emails(demo):
    employees = demo["employees"]
    assert 180 <= len(employees) <= 220
    emails = [e["email"] for e in employees]
    assert len({e.lower() for e in emails}) == len(emails)
    pattern = re.compile(r"^[a-z]+\.[a-z]+\.\d+@empathy\.example$")
    assert all(pattern.match(email) for email in emails)
    staff = {demo["admin"]["email"], *(c["email"] for c in demo["coordinators"])}
    assert not staff & set(emails)


def test_about_25_needs_with_unique_slug_keys(demo):
    needs = demo["needs"]
    assert 20 <= len(needs) <= 32
    keys = [n["key"] for n in needs]
    assert len(keys) == len(set(keys))
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", key) for key in keys)


def test_every_referenced_skill_exists_in_the_taxonomy(demo, skill_names):
    used = {s["name"] for e in demo["employees"] for s in e["skills"]}
    used |= {s["name"] for n in demo["needs"] for s in n["skills"]}
    assert used - skill_names == set()


def test_every_referenced_site_and_cause_exists(demo):
    sites = {s["code"] for s in load_sites()}
    for person in (*demo["coordinators"], *demo["employees"]):
        assert person["site"] in sites
    for employee in demo["employees"]:
        assert employee["causes"] and set(employee["causes"]) <= CAUSE_CODES
    for need in demo["needs"]:
        assert need["site"] is None or need["site"] in sites
        assert need["cause"] in CAUSE_CODES
    assert {e["site"] for e in demo["employees"]} == sites


def test_demo_passwords_are_long_enough(demo):
    passwords = [demo["admin"]["password"], demo["employee_password"]]
    passwords += [c["password"] for c in demo["coordinators"]]
    assert all(len(p) >= 10 for p in passwords)
    assert demo["admin"]["email"] == "admin@empathy.example"
    assert len(demo["coordinators"]) == 3
    assert demo["coordinators"][0]["email"] == "coordinator@empathy.example"


def test_employees_are_valid(demo):
    for e in demo["employees"]:
        assert e["name"].strip() and e["department"] and e["bio"].strip()
        assert 3 <= len(e["skills"]) <= 8, e["email"]
        assert len({s["name"] for s in e["skills"]}) == len(e["skills"])
        for s in e["skills"]:
            assert s["level"] in (1, 2, 3, 4)
            assert s["years"] is None or (isinstance(s["years"], int) and 0 <= s["years"] <= 80)
        assert e["languages"] and all(re.fullmatch(r"[a-z]{2}", code) for code in e["languages"])
        assert e["preferred_language"] in ("en", "zh")
        assert isinstance(e["hours_per_month"], int) and 0 < e["hours_per_month"] <= 744
        assert e["weekdays"] or e["weekends"] or e["evenings"]
        assert isinstance(e["remote_ok"], bool)


@pytest.mark.parametrize(
    ("department", "categories"),
    [
        ("New Energy", {"engineering", "management"}),
        ("Construction & Prefab", {"construction", "engineering"}),
        ("Finance", {"finance"}),
        ("Investment", {"finance"}),
        ("Legal", {"legal"}),
        ("HR", {"hr"}),
        ("IT", {"it"}),
        ("Health & Aged Care", {"health_care", "social_work"}),
        ("Procurement", {"logistics"}),
    ],
)
def test_employee_main_skill_fits_the_department(demo, skills, department, categories):
    category = {s["name"]: s["category"] for s in skills}
    members = [e for e in demo["employees"] if e["department"] == department]
    assert members
    for e in members:
        assert category[e["skills"][0]["name"]] in categories, (e["email"], e["skills"][0])


def test_needs_are_valid(demo, skill_names):
    owners = {c["email"] for c in demo["coordinators"]}
    for n in demo["needs"]:
        assert n["title"].strip() and len(n["title"]) <= 200
        sentences = len(re.findall(r"[。！？]|[.!?](?:\s|$)", n["description"]))
        assert 2 <= sentences <= 5, n["key"]
        assert n["beneficiary"].strip()
        assert n["status"] in NEED_STATUSES
        assert n["owner"] in owners
        assert isinstance(n["seats"], int) and n["seats"] >= 1
        assert isinstance(n["duration_days"], int) and n["duration_days"] >= 0
        assert 0 < n["hours_per_volunteer"] <= 200
        assert isinstance(n["remote"], bool) and isinstance(n["requires_approval"], bool)
        assert n["skills"]
        assert len({s["name"] for s in n["skills"]}) == len(n["skills"])
        for s in n["skills"]:
            assert s["importance"] in ("must", "nice") and s["min_level"] in (1, 2, 3, 4)


def test_need_statuses_and_dates_tell_a_plausible_story(demo):
    by_status: dict[str, list[dict]] = {}
    for n in demo["needs"]:
        by_status.setdefault(n["status"], []).append(n)
    assert len(by_status["draft"]) == 1 and len(by_status["closed"]) >= 1
    assert 2 <= len(by_status["completed"]) <= 3
    assert len(by_status["open"]) >= len(demo["needs"]) * 0.7
    for n in by_status["open"]:
        assert 5 <= n["start_offset_days"] <= 90, n["key"]
    for n in by_status["completed"]:
        assert n["start_offset_days"] + n["duration_days"] < 0, n["key"]


def test_open_needs_with_must_skills_have_candidates(demo):
    def qualifies(employee: dict, need: dict) -> bool:
        levels = {s["name"]: s["level"] for s in employee["skills"]}
        return all(
            levels.get(s["name"], 0) >= s["min_level"] for s in need["skills"] if s["importance"] == "must"
        )

    for n in demo["needs"]:
        if n["status"] == "open":
            assert sum(qualifies(e, n) for e in demo["employees"]) >= 2, n["key"]


def test_chinese_text_in_a_good_share_of_bios_and_some_titles(demo):
    bios = [e["bio"] for e in demo["employees"]]
    share = sum(map(_has_cjk, bios)) / len(bios)
    assert 0.3 <= share <= 0.6
    titles = [n["title"] for n in demo["needs"]]
    assert 3 <= sum(map(_has_cjk, titles)) < len(titles)


def test_every_demo_beneficiary_has_a_name_in_each_language():
    # A need names its organisation in the language it is written in; both names are in the catalogue, so
    # every page shows the organisation in the page's language (an English page never a Chinese name).
    from empathy.core.labels import beneficiary_name

    needs = build_demo()["needs"]
    for need in needs:
        en, zh = beneficiary_name(need["beneficiary"], "en"), beneficiary_name(need["beneficiary"], "zh")
        assert not re.search("[\u4e00-\u9fff]", en) and re.search("[\u4e00-\u9fff]", zh), (need["title"], en, zh)
    english = {beneficiary_name(n["beneficiary"], "en") for n in needs}
    chinese = {beneficiary_name(n["beneficiary"], "zh") for n in needs}
    assert len(english) == len(chinese)  # one name per organisation in each language


def test_coordinators_are_named_as_their_colleagues_at_the_same_site_mostly_are(demo):
    """A Chinese page listed 陈... and 马... employees under coordinators named in English (issue #19's review)."""
    for person in demo["coordinators"]:
        colleagues = [e for e in demo["employees"] if e["site"] == person["site"]]
        chinese = sum(_has_cjk(e["name"]) for e in colleagues)
        assert _has_cjk(person["name"]) == (chinese > len(colleagues) / 2), (person["name"], chinese, len(colleagues))
