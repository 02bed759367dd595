"""Alert rules and their memory: which problems are open now, and which messages that calls for.

:func:`problems` reads the scheduler's per-source status (and when the store stopped answering)
against the profile's ``alerts.rules``: a source with no success for longer than ``stale_periods``
of its periods (counted from the start when it never succeeded), or failing ``failures`` times in a
row, is one problem per source; the store unreachable for longer than ``store_down`` seconds is
another. :class:`Tracker` remembers the open problems and turns each check into
:class:`Notice` s: ``problem`` when one starts, ``recovered`` when it clears, ``reminder`` at most
once per ``remind_every`` while it stays open. Pure functions of their inputs and ``now``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Literal

from dashcli.profiles.schema import AlertRules

if TYPE_CHECKING:
    from dashcli.health import SourceStatus

STORE_KEY = "store"


@dataclass(frozen=True)
class Problem:
    """One open problem: ``key`` is what it is about (a source name, or ``store``)."""

    key: str
    summary: str  # one line: what is wrong
    since: datetime
    detail: str | None = None  # the last error, short


@dataclass(frozen=True)
class Notice:
    """One thing to tell: a problem starting, still open, or cleared."""

    kind: Literal["problem", "reminder", "recovered"]
    problem: Problem
    at: datetime


def duration(seconds: float) -> str:
    """``42 s``, ``12 min``, ``3 h 5 min``, ``2 d 4 h``: how long, in the words a message needs."""
    seconds = max(0, int(seconds))
    if seconds < 120:
        return f"{seconds} s"
    minutes = seconds // 60
    if minutes < 120:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    days, hours = divmod(hours, 24)
    return f"{days} d {hours} h" if hours else f"{days} d"


def short(text: str | None, limit: int = 200) -> str | None:
    """``text`` on one line, at most ``limit`` characters."""
    if text is None:
        return None
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def source_problem(
    status: SourceStatus, rules: AlertRules, now: datetime, started: datetime
) -> Problem | None:
    """The problem of one source under ``rules``, or None while it is fine."""
    good = status.last_success or started
    quiet = (now - good).total_seconds()
    stale = quiet > rules.stale_periods * status.period_seconds
    failing = status.consecutive_failures >= rules.failures
    if not (stale or failing):
        return None
    reasons = []
    if failing:
        count = status.consecutive_failures
        reasons.append(f"failed {count} time{'s' if count != 1 else ''} in a row")
    if stale and status.last_success is None:
        reasons.append(f"no good data since the start, {duration(quiet)} ago")
    elif stale:
        reasons.append(f"no good data for {duration(quiet)}")
    since = status.failing_since or good
    return Problem(status.name, f"{status.name}: {', '.join(reasons)}", min(since, now),
                   short(status.last_error))


def store_problem(
    down_since: datetime | None, reason: str | None, rules: AlertRules, now: datetime
) -> Problem | None:
    """The store's problem: unreachable for longer than ``rules.store_down`` seconds."""
    if down_since is None or (now - down_since).total_seconds() <= rules.store_down:
        return None
    down_for = duration((now - down_since).total_seconds())
    return Problem(STORE_KEY, f"store unreachable for {down_for}", down_since, short(reason))


def problems(
    statuses: Iterable[SourceStatus],
    rules: AlertRules,
    now: datetime,
    started: datetime,
    store_down_since: datetime | None = None,
    store_reason: str | None = None,
) -> dict[str, Problem]:
    """Every open problem by key."""
    found = {}
    for status in statuses:
        problem = source_problem(status, rules, now, started)
        if problem is not None:
            found[problem.key] = problem
    problem = store_problem(store_down_since, store_reason, rules, now)
    if problem is not None:
        found[problem.key] = problem
    return found


@dataclass
class Tracker:
    """The open problems and when each was last told; :meth:`update` yields what to send."""

    remind_every: float
    open: dict[str, Problem] = field(default_factory=dict)
    told: dict[str, datetime] = field(default_factory=dict)

    def update(self, current: Mapping[str, Problem], now: datetime) -> list[Notice]:
        """The notices for the problems found at ``now`` (problems are keyed; order is stable)."""
        notices: list[Notice] = []
        for key in sorted(self.open.keys() - current.keys()):
            notices.append(Notice("recovered", self.open.pop(key), now))
            self.told.pop(key, None)
        for key in sorted(current):
            problem = current[key]
            if key not in self.open:
                notices.append(Notice("problem", problem, now))
                self.told[key] = now
            elif self.remind_every > 0 and now - self.told[key] >= timedelta(
                seconds=self.remind_every
            ):
                # The original start stays: a reminder says how long it has lasted.
                notices.append(Notice("reminder", problem, now))
                self.told[key] = now
            self.open[key] = problem if key not in self.open else _keep_since(self.open[key],
                                                                                problem)
        return notices


def _keep_since(previous: Problem, current: Problem) -> Problem:
    """The current wording of an open problem with the start it was first reported with."""
    return Problem(current.key, current.summary, min(previous.since, current.since),
                   current.detail)
