"""One alert message, built from the notices of one check: a subject line, a plain-text body and
the same as a JSON object. Every notice says what is wrong, since when, the last error in short,
and the message ends with where to look (the process, its host, its status endpoint)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from dashcli.alerts.rules import Notice, duration

HEADINGS = {"problem": "PROBLEM", "reminder": "STILL FAILING", "recovered": "RECOVERED"}


@dataclass(frozen=True)
class Message:
    """What every channel sends: ``subject`` (one line), ``text`` (the body) and ``data`` (JSON)."""

    subject: str
    text: str
    data: dict[str, Any]
    urgent: bool  # a problem starts or goes on (a recovery or a test is not urgent)


def _moment(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M %Z").strip()


def build_message(name: str, notices: Sequence[Notice], where: str) -> Message:
    """The message telling ``notices`` (at least one), from dashboard ``name``."""
    if len(notices) == 1:
        notice = notices[0]
        subject = f"[{name}] {HEADINGS[notice.kind]}: {notice.problem.summary}"
        if notice.kind == "recovered":
            subject = f"[{name}] RECOVERED: {notice.problem.key}"
    else:
        counts: dict[str, int] = {}
        for notice in notices:
            counts[notice.kind] = counts.get(notice.kind, 0) + 1
        subject = f"[{name}] " + ", ".join(
            f"{count} {HEADINGS[kind].lower()}" for kind, count in counts.items())
    lines: list[str] = []
    for notice in notices:
        problem = notice.problem
        lasted = duration((notice.at - problem.since).total_seconds())
        if notice.kind == "recovered":
            lines.append(f"RECOVERED {problem.key} (the problem lasted {lasted}; "
                         f"it was: {problem.summary})")
            continue
        lines.append(f"{HEADINGS[notice.kind]} {problem.summary}")
        lines.append(f"  since {_moment(problem.since)} ({lasted} ago)")
        if problem.detail:
            lines.append(f"  last error: {problem.detail}")
    lines += ["", f"Where to look: {where}"]
    text = "\n".join(lines)
    data = {
        "dashboard": name,
        "title": subject,
        "text": text,
        "notices": [
            {
                "kind": notice.kind,
                "key": notice.problem.key,
                "summary": notice.problem.summary,
                "since": notice.problem.since.isoformat(),
                "at": notice.at.isoformat(),
                "detail": notice.problem.detail,
            }
            for notice in notices
        ],
        "where": where,
    }
    urgent = any(notice.kind != "recovered" for notice in notices)
    return Message(subject, text, data, urgent)


def sample_message(name: str, where: str) -> Message:
    """What ``dash alerts test`` sends through every channel."""
    text = (f"A test message from dashboard {name}: this channel works.\n\n"
            f"Where to look: {where}")
    data = {"dashboard": name, "title": f"[{name}] test message", "text": text, "notices": [],
            "where": where}
    return Message(f"[{name}] test message", text, data, urgent=False)
