"""The audit log names people, needs and skills (with their ids beside), a deleted one gracefully, and reads
them in one query per kind of row, however many entries the page shows."""

from __future__ import annotations

import re

import sqlalchemy as sa

from empathy.core import audit
from empathy.core.db import get_engine
from empathy.models import User
from tests.factories import DEFAULT_PASSWORD, make_need, make_skill, make_user


def _admin(session, auth):
    admin = make_user(session, role="admin", display_name="Ada Admin")
    auth.login(admin.email, DEFAULT_PASSWORD)
    return admin


def _selects(app, client, url) -> tuple[str, list[str]]:
    seen: list[str] = []

    def note(conn, cursor, statement, *args):
        if statement.lstrip().upper().startswith("SELECT"):
            seen.append(statement)

    sa.event.listen(get_engine(app), "before_cursor_execute", note)
    try:
        page = client.get(url).text
    finally:
        sa.event.remove(get_engine(app), "before_cursor_execute", note)
    return page, seen


def test_entries_show_names_with_ids_and_deleted_rows_gracefully(client, auth, session):
    admin = _admin(session, auth)
    person = make_user(session, display_name="Li Wei")
    kept = make_skill(session, name="Sign language")
    need = make_need(session, title="Reading club")
    audit.record(session, actor_id=admin.id, action="role_changed", target_type="user", target_id=person.id,
                 old="employee", new="coordinator")
    audit.record(session, actor_id=admin.id, action="skills_merged", target_type="skill", target_id=kept.id,
                 merged=9999)  # the merged skill is deleted by the merge
    audit.record(session, actor_id=admin.id, action="need_created", target_type="need", target_id=need.id)
    session.commit()
    page = client.get("/admin/audit").text
    assert "user " + str(person.id) not in page and f"skill #{kept.id}" not in page
    assert re.search(rf"User: Li Wei\s*<span class=\"muted\">#{person.id}</span>", page)
    assert re.search(rf"Skill: Sign language\s*<span class=\"muted\">#{kept.id}</span>", page)
    assert "Need: Reading club" in page and "Ada Admin" in page
    assert re.search(r"Merged skill: <span class=\"muted\">Deleted: Skill</span>\s*<span class=\"muted\">#9999</span>",
                     page)
    assert "Before: Employee; After: Coordinator" in page  # role codes by their labels


def test_a_page_of_entries_names_them_in_a_fixed_number_of_queries(app, client, auth, session):
    admin = _admin(session, auth)
    people = [make_user(session) for _ in range(3)]
    for p in people:
        audit.record(session, actor_id=admin.id, action="role_changed", target_type="user", target_id=p.id,
                     old="employee", new="admin")
    session.commit()
    client.get("/admin/audit")
    _, few = _selects(app, client, "/admin/audit")
    more = [make_user(session) for _ in range(30)]
    for p in more:
        audit.record(session, actor_id=p.id, action="need_created", target_type="need",
                     target_id=make_need(session).id)
    session.commit()
    page, many = _selects(app, client, "/admin/audit")
    assert more[-1].display_name in page
    names = [q for q in many if " IN (" in q]  # the batched lookups of the names a page shows
    assert len([q for q in few if " IN (" in q]) == 1  # the people
    assert len(names) == 2 and len(many) < 10, many  # the people and the needs, not one query per entry


def test_an_actor_whose_account_is_gone_reads_as_deleted(app, session):
    gone = make_user(session)
    entry = audit.record(session, actor_id=gone.id, action="need_created", target_type="need", target_id=1)
    session.commit()
    session.execute(sa.delete(User).where(User.id == gone.id))  # the foreign key would set NULL; say it is not
    with app.test_request_context():
        (view,) = audit.describe_entries(session=session, entries=[entry], lang="en")
    assert view.actor.gone and view.actor.id == gone.id and view.target.gone


def test_details_read_as_labels_and_values_in_both_languages_never_as_raw_keys(client, auth, session):
    admin = _admin(session, auth)
    person = make_user(session, display_name="Li Wei")
    audit.record(session, actor_id=admin.id, action="user_created", target_type="user", target_id=person.id,
                 via="form", role="employee")
    audit.record(session, actor_id=None, action="role_changed", target_type="user", target_id=person.id,
                 old="employee", new="admin", via="scim", token=7)
    audit.record(session, actor_id=admin.id, action="registration_policy_changed", target_type="setting",
                 old="open", new="domains", domains=2)
    session.commit()
    page = client.get("/admin/audit").text
    assert "Through: The administrators’ form; Role: Employee" in page.replace("&#39;", "’").replace("'", "’")
    assert "Before: Employee; After: Administrator; Through: The provisioning system (SCIM); Provisioning token: #7" \
        in page
    assert "Before: Anyone; After: Only addresses at these domains; Domains listed: 2" in page
    assert not re.search(r"(?:>|; )(via|role|token|domains|old|new): ", page)
    client.post("/language", data={"language": "zh", "next": "/admin/audit"})
    page = client.get("/admin/audit").text
    assert "方式：管理员表单；角色：员工" in page
    assert "之前：员工；之后：管理员；方式：配置系统（SCIM）；配置令牌：#7" in page
    assert "之前：任何人；之后：仅限以下域名的邮箱地址；列出的域名：2" in page
    assert not re.search(r"(?:>|；)(via|role|token|domains|old|new)：|：(form|scim|open|employee)\b", page)


def _detail_keys_written() -> set[str]:
    """Every detail key the code writes into an audit entry (keywords of audit.record and of erase_account,
    whose keywords become the entry's details)."""
    import ast
    from pathlib import Path

    keys = set()
    for path in (Path(__file__).resolve().parents[2] / "empathy").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                    and node.func.attr in ("record", "erase_account") \
                    and (node.func.attr == "erase_account" or getattr(node.func.value, "id", "") == "audit"):
                keys |= {k.arg for k in node.keywords if k.arg}
    return keys - {"session", "actor_id", "action", "target_type", "target_id", "user_id"}


def test_every_detail_the_code_writes_has_a_label():
    written = _detail_keys_written()
    assert {"via", "role", "old", "new", "token", "need"} <= written  # the scan finds them
    # A remembered name is shown as the name of its row, not as a detail of its own.
    remembered = {k for k in written if k.endswith(audit.REMEMBERED)}
    assert {"merged_name", "target_name"} <= remembered
    assert {k[: -len(audit.REMEMBERED)] for k in remembered} <= set(audit.DETAIL_SUBJECTS) | {"target"}
    written -= remembered
    assert written <= set(audit.DETAIL_LABELS), written - set(audit.DETAIL_LABELS)


def test_a_merged_skill_and_a_deleted_draft_keep_their_names_in_the_log(client, auth, session):
    # A reviewer's finding: after a merge the log read "Merged skill: Deleted: Skill #441".
    from empathy.admin.services import skills as skill_service
    from empathy.needs import services as needs

    admin = _admin(session, auth)
    kept = make_skill(session, name="Play therapy", label_zh="游戏治疗")
    gone = make_skill(session, name="Sand tray therapy", label_zh="沙盘治疗")
    skill_service.merge_skills(session=session, keep_id=kept.id, merge_id=gone.id, actor_id=admin.id)
    draft = make_need(session, owner=admin, title="Library shelving day", status="draft")
    needs.delete_draft(session=session, actor=admin, need_id=draft.id)
    page = client.get("/admin/audit").text
    assert re.search(r"Merged skill: Sand tray therapy <span class=\"muted\">\(deleted\)</span>", page)
    assert re.search(r"Library shelving day <span class=\"muted\">\(deleted\)</span>", page)
    assert "merged_name" not in page and "target_name" not in page
    client.post("/language", data={"language": "zh"})
    page = client.get("/admin/audit").text
    assert "沙盘治疗 <span class=\"muted\">（已删除）</span>" in page
