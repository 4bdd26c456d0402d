"""Logs name messages and rows by id, never by e-mail address."""

from __future__ import annotations

import logging
import re
import smtplib
from pathlib import Path

from empathy.core import mail, smtp
from empathy.models import OutboxMessage

LOG_CALL = re.compile(r"\b(log|logger|current_app\.logger)\.(debug|info|warning|error|exception|critical)\(")


def test_a_refused_recipient_is_not_written_to_the_log(session, caplog, monkeypatch):
    session.add(OutboxMessage(to_address="private.person@example.com", subject="s", body="b", kind="test"))
    session.commit()

    def refuse(connection, email):
        raise smtplib.SMTPRecipientsRefused({"private.person@example.com": (550, b"no such user")})

    monkeypatch.setattr(smtp.Connection, "send", refuse)
    with caplog.at_level(logging.DEBUG):
        mail.deliver_queued(session, {"host": "smtp.example.com"})
    assert "failed" in caplog.text and "private.person" not in caplog.text


def test_no_log_call_formats_an_email_address():
    root = Path(__file__).resolve().parents[2] / "empathy"
    offenders = []
    for path in root.rglob("*.py"):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if LOG_CALL.search(line) and re.search(r"email|to_address|\.address", line):
                offenders.append(f"{path.relative_to(root)}:{n}")
    assert offenders == []
