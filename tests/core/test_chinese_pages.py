"""Every page reads as Chinese in Chinese: full-width punctuation beside Chinese text, no English left over.

Each page a signed-in person (or a visitor) may open, taken from the access matrix's table of routes, is
rendered in Chinese for every actor it answers, on the access matrix's world plus Chinese content that makes
the busy parts show: suggestions with their explanations, the team builder, the people board, rejected hours
and the audit log. A line of visible text fails when an ASCII ':' '(' ')' '.' ',' ';' touches a Chinese
character ("需求: …", "评分说明 (契合度 11%)"), when a percentage is spaced ("11 %"), when a label written in
Latin letters takes an ASCII colon ("SCIM 基础 URL: "), when it is an English message of the catalogue left
untranslated, when it holds an English phrase, when it names the brand in English, when it shows a raw time-zone
id ("Asia/Shanghai") or a raw stored key and code ("via：form"), or when it names a skill by its English label
where the skill has a Chinese one.
"""

from __future__ import annotations

import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from babel.messages.pofile import read_po

from empathy.core import audit
from empathy.models import HoursRecord, Need, OutboxMessage, Skill, User
from empathy.suggestions.index import fit_and_save
from tests.factories import add_employee_skill, make_match, make_need, make_skill
from tests.security.test_access_matrix import ALL_CASES, EXPECTED, client_for, key_of, url_for_case
from tests.security.world import ROLES, build_world
from tests.visible_text import visible_lines

ZH_PO = Path(__file__).resolve().parents[2] / "empathy" / "translations" / "zh" / "LC_MESSAGES" / "messages.po"
HAN = "\u3400-\u4dbf\u4e00-\u9fff"
# ASCII punctuation touching a Chinese character, or an ASCII bracket one space from one.
ASCII_BESIDE_HAN = re.compile(rf"[{HAN}][:(),;.]|[:(),;.][{HAN}]|[{HAN}] \(|\) [{HAN}]")
SPACED_PERCENT = re.compile(r"\d %")
LATIN_LABEL_COLON = re.compile(rf"[{HAN}][^:：]*[A-Za-z] ?:(?: |$)")  # "SCIM 基础 URL: …"
ENGLISH_PHRASE = re.compile(r"\b[A-Za-z]{2,} [a-z]{2,} [a-z]{2,}\b")  # three English words (not a name)
RAW_ZONE = re.compile(r"\b(?:Africa|America|Antarctica|Asia|Atlantic|Australia|Europe|Indian|Pacific|Etc)/[A-Z]\w+")
# A stored key with a stored code, as the code wrote them ("via：form；role：employee").
RAW_CODE = re.compile(rf"(?<![A-Za-z])[a-z]+(?:_[a-z]+)+[：:]"  # a snake_case key
                      rf"|(?:(?<![A-Za-z/.])[a-z]+|[{HAN}])[：:] ?[a-z]+(?:_[a-z]+)*(?=[；;，,]|$)")  # a bare code
NOT_PAGES = ("static", "api.", "scim.", "sso.", "reports.export", "admin.export_", "admin.import_links_csv",
             "privacy.download", "workflow.commitments_ics", "workflow.calendar_feed")


def _english_messages() -> set[str]:
    """The catalogue's English messages that Chinese says otherwise (not "API", "CSV", ...)."""
    with ZH_PO.open("rb") as fh:
        catalogue = read_po(fh)
    return {m.id for m in catalogue if isinstance(m.id, str) and m.id and m.string and m.string != m.id}


def problems_of(html: str, english_messages: set[str], english_skills: tuple[str, ...] = (),
                codes_documented: bool = False) -> list[str]:
    """What reads wrong on a Chinese page, one entry per offending line. `english_skills`: the English labels of
    the skills that have a Chinese one; `codes_documented`: the page documents machine codes (the API's), so a
    code beside its meaning is no fault there."""
    found = []
    skill_names = re.compile(r"\b(?:" + "|".join(map(re.escape, english_skills)) + r")\b") if english_skills else None
    for line, marked_english in visible_lines(html):
        if marked_english:
            continue
        for name, pattern in (("ASCII punctuation beside Chinese", ASCII_BESIDE_HAN), ("spaced %", SPACED_PERCENT),
                              ("ASCII colon after a Latin label", LATIN_LABEL_COLON),
                              ("an English phrase", ENGLISH_PHRASE), ("a raw time-zone id", RAW_ZONE),
                              ("a raw key or code", RAW_CODE)):
            if pattern.search(line) and not (codes_documented and pattern is RAW_CODE):
                found.append(f"{name}: {line[:160]!r}")
        if line in english_messages:
            found.append(f"untranslated: {line!r}")
        if "Empathy" in line and "同理心公益" not in line:
            found.append(f"the brand in English: {line[:160]!r}")
        if skill_names is not None and skill_names.search(line):
            found.append(f"a skill by its English label: {line[:160]!r}")
    return found


def test_the_checks_catch_what_the_reviewer_found():
    english = {"Name"}
    page = ("<p>评分说明 (契合度 11 %)</p><td>需求: <a href='#'>探访</a></td><p>SCIM 基础 URL: <code>http://x</code></p>"
            "<p>阅读 <a>API 文档</a>.</p><th>Name</th><p>Empathy</p><p>Where is it?</p>"
            "<p>时间为当地时间（Asia/Shanghai）。</p><td>方式：form；角色：员工</td><td>via：form</td>"
            "<h1>将“Sign language”合并到其他技能</h1>")
    found = "\n".join(problems_of(page, english, ("Sign language",)))
    for expected in ("评分说明 (契合度 11 %)", "spaced %", "需求: 探访", "SCIM 基础 URL:", "阅读 API 文档.",
                     "untranslated: 'Name'", "brand in English", "English phrase: 'Where is it?'",
                     "raw time-zone id: '时间为当地时间（Asia/Shanghai）。'",
                     "raw key or code: '方式：form；角色：员工'",
                     "raw key or code: 'via：form'", "English label: '将“Sign language”合并到其他技能'"):
        assert expected in found, expected
    fine = ("<p>评分说明（契合度 11%）</p><td>需求：<a>探访</a></td><p>SCIM 基础 URL：<code>http://x:1/a.b</code></p>"
            "<p>时间 09:00 – 17:00，共 2.5 小时</p><p lang='en'>Where is it?</p><p>同理心公益（Empathy）</p>"
            "<p>时间均为中国（上海）时间。</p><p>链接：https://example.org/a</p><td lang='en'>Sign language</td>"
            "<h1>将“手语”合并到其他技能</h1>")
    assert problems_of(fine, english, ("Sign language",)) == []


@pytest.fixture
def chinese_world(app, session):
    """The access matrix's world, speaking Chinese, with Chinese content where its pages show content."""
    w = build_world(session)
    session.execute(sa.update(User).values(preferred_language="zh"))
    names = {"other": "王芳", "coord2": "陈思远", "emp": "徐斌浩", "coord": "李华", "admin": "张伟"}
    for key, user in w.users.items():
        user.display_name = names[key]
        session.add(user)
    # The world's skills have Chinese labels: pages must name them so.
    for key, (en, zh) in (("skill_id", ("Sign language", "手语")), ("target_skill_id", ("Bookkeeping", "记账"))):
        skill = session.get(Skill, w.ids[key])
        skill.name, skill.label_en, skill.label_zh = en, en, zh
        session.add(skill)
    need = session.get(Need, w.ids["need_id"])
    need.title, need.description, need.beneficiary = "社区老人上门探访", "每周陪伴独居老人聊天、读报。", "徐汇区养老院"
    session.add(need)
    record = session.get(HoursRecord, w.ids["record_id"])
    record.status, record.rejection_reason, record.note = "rejected", "日期与活动不符", "陪老人下棋"
    session.add(record)
    session.execute(sa.update(OutboxMessage).values(error="550 5.1.1 <emp@example.com>"))  # as a server words it
    session.commit()
    # A need ahead with a must-have skill two employees have: suggestions, explanations and the team builder.
    companion = make_skill(session, name="Elderly companionship", label_zh="陪伴老人")
    ahead = make_need(session, owner=w.users["coord"], title="重阳节养老院陪伴", seats=3,
                      description="陪伴老人聊天、读报、下棋，协助组织重阳节活动。", beneficiary="浦东养老院",
                      skills=[(companion, "must", 2)])
    for key in ("emp", "other"):
        add_employee_skill(session, w.users[key], companion, level=3)
    make_match(session, ahead, w.users["coord2"], status="declined")
    fit_and_save(session, Path(app.config["MATCH_MODEL_PATH"]), ZoneInfo("Asia/Shanghai"))
    # The audit log names people, needs, skills and codes.
    admin = w.users["admin"].id
    audit.record(session, actor_id=admin, action="role_changed", target_type="user", target_id=w.ids["user_id"],
                 old="employee", new="coordinator")
    audit.record(session, actor_id=admin, action="need_created", target_type="need", target_id=ahead.id,
                 copied_from=need.id)
    audit.record(session, actor_id=admin, action="skills_merged", target_type="skill", target_id=companion.id,
                 merged=w.ids["skill_id"])
    audit.record(session, actor_id=admin, action="hours_rejected", target_type="hours", target_id=record.id,
                 need=need.id)
    audit.record(session, actor_id=admin, action="employees_imported", created=3, updated=1)
    audit.record(session, actor_id=admin, action="mail_retried", target_type="outbox_message",
                 target_id=w.ids["message_id"])
    audit.record(session, actor_id=admin, action="user_created", target_type="user", target_id=w.ids["user_id"],
                 via="form", role="employee")
    audit.record(session, actor_id=admin, action="registration_policy_changed", target_type="setting",
                 old="open", new="domains", domains=1)
    session.commit()
    w.ids["ahead_id"] = ahead.id
    return w


def _pages(w) -> list[tuple[str, str]]:
    """(actor, path) for every page of the access matrix's table, by every actor it answers."""
    pages = []
    for rule, method, values in ALL_CASES:
        key = key_of(rule, method, values)
        if method != "GET" or key[0].startswith(NOT_PAGES):
            continue
        path = url_for_case(rule, values, w)
        pages += [(role, path) for role, answer in zip(ROLES, EXPECTED[key]) if answer == "ok"]
    ahead = w.ids["ahead_id"]
    pages += [("coord", f"/needs/{ahead}{rest}") for rest in ("", "/suggestions", "/team", "/people")]
    pages += [("emp", "/home"), ("emp", f"/needs/{ahead}"), ("visitor", "/api/v1/docs")]
    return pages


def test_every_page_reads_as_chinese(app, session, chinese_world):
    english = _english_messages()
    english_skills = tuple(s.label_en for s in session.execute(sa.select(Skill)).scalars()
                           if s.label_zh and s.label_en and s.label_en != s.label_zh)
    found, lines = [], set()
    for role, path in _pages(chinese_world):
        client = client_for(app, "anon" if role == "visitor" else role, chinese_world, is_api=False)
        response = client.get(path, headers={"Accept-Language": "zh-CN,zh;q=0.9"})
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        lines.update(line for line, _ in visible_lines(response.text))
        found += [f"{role} {path}: {problem}" for problem in problems_of(response.text, english, english_skills,
                                                                             path.startswith("/api/"))]
    assert not found, f"{len(found)} lines read wrong in Chinese:\n" + "\n".join(dict.fromkeys(found))
    # The busy parts did show, in Chinese forms: an explanation's fit, the team's coverage, a column's count,
    # a hours record turned down, the audit log's subjects and details.
    for shown in ("✓ 陪伴老人：王芳（陪伴老人（熟练））和徐斌浩（陪伴老人（熟练））", "已确认（1）",
                  "未获批准：日期与活动不符", "需求：重阳节养老院陪伴 #2", "复制自：社区老人上门探访 #1",
                  "之前：员工；之后：协调人", f"电子邮件 #{chinese_world.ids['message_id']}", "名称", "姓名",
                  "同理心公益 API v1", "方式：管理员表单；角色：员工",
                  "之前：任何人；之后：仅限以下域名的邮箱地址；列出的域名：1",
                  "将“手语”合并到其他技能"):
        assert shown in lines, shown
    assert any(re.fullmatch(r"评分说明（契合度 \d+%）", line) for line in lines)
