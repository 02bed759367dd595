"""Source health: one record per enabled source, its state in words, and the ``status`` values.

The scheduler keeps a :class:`SourceStatus` per source and updates it after every fetch; the
server's ``/status`` and ``/metrics``, the fetchers' ``/healthz``, alerts and the ``status`` data
type (which the status page, the TUI and every page's "why no data" frame draw) all read it.
:func:`health` names the state a person cares about (waiting, ok, stale, failing),
:func:`short_problem` turns a fetch failure into the few words a panel has room for, and
:func:`status_values` is the ``status`` type's values, merged with rows other fetchers published.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal, Protocol

from dashcli.core.envelope import isoformat
from dashcli.core.errors import DashError, ProfileError
from dashcli.sources import DataError, MissingSecretError, UpstreamError

Health = Literal["waiting", "ok", "stale", "failing"]


@dataclass
class SourceStatus:
    """The health of one source as its scheduler knows it (read it through a copy:
    :meth:`dashcli.fetching.scheduler.Scheduler.status`)."""

    name: str
    last_success: datetime | None = None  # when the last good data was fetched
    last_error: str | None = None  # the last failure in full (one line, no secret)
    next_run: datetime | None = None  # the next fetch, a retry while failing
    consecutive_failures: int = 0
    fetches: int = 0
    errors: int = 0
    latency_seconds_sum: float = 0.0
    last_latency_seconds: float | None = None
    period_seconds: float = 0.0
    failing_since: datetime | None = None  # start of the current run of failures
    valid: datetime | None = None  # until when the last good data is valid
    problem: str | None = None  # the last failure in a few words ("upstream unreachable")

    @property
    def never_succeeded(self) -> bool:
        return self.last_success is None

    def stale(self, now: datetime) -> bool:
        """True once the last good data is past its ``valid`` (never fetched: not stale)."""
        return self.valid is not None and now >= self.valid

    def health(self, now: datetime) -> Health:
        """``failing`` while fetches fail, else ``stale``, ``ok``, or ``waiting`` (no fetch yet)."""
        if self.consecutive_failures:
            return "failing"
        if self.never_succeeded:
            return "waiting"
        return "stale" if self.stale(now) else "ok"


def short_problem(error: BaseException) -> str:
    """A fetch failure in a few words, for a frame: what a person at the wall can act on."""
    if isinstance(error, MissingSecretError):
        return "secret missing"
    if isinstance(error, UpstreamError):
        if error.status is None:
            return "upstream unreachable"
        if error.status in (401, 403):
            return "key rejected"
        if error.status == 429:
            return "rate limited"
        return f"upstream error {error.status}"
    if isinstance(error, DataError):
        return "unexpected data"
    if isinstance(error, TimeoutError):
        return "no answer"
    if isinstance(error, ProfileError):
        return "profile error"
    if isinstance(error, DashError):
        return "fetch failed"
    return "internal error"


def _time(moment: datetime | None) -> str | None:
    return isoformat(moment) if moment is not None else None


def status_row(status: SourceStatus) -> dict[str, Any]:
    """One source's row of the ``status`` values (:class:`dashcli.core.values.SourceStatus`)."""
    failing = status.consecutive_failures > 0
    return {
        "type": status.name,
        "updated": _time(status.last_success),
        "valid": _time(status.valid),
        "ok": not failing,
        "error": status.problem if failing else None,
        "since": _time(status.failing_since),
        "retry": _time(status.next_run) if failing else None,
    }


def status_values(
    statuses: Iterable[SourceStatus],
    published: Mapping[str, Any] | None,
    enabled: Iterable[str],
) -> dict[str, Any]:
    """The ``status`` values: ``statuses`` as rows, plus the rows of ``published`` (what is in
    the store) for other enabled sources, which fetchers in other processes publish; rows of
    sources no longer enabled are dropped. Sorted by type."""
    rows = {status.name: status_row(status) for status in statuses}
    wanted = set(enabled)
    previous = published.get("sources") if isinstance(published, Mapping) else None
    for row in previous if isinstance(previous, list) else []:
        kind = row.get("type") if isinstance(row, dict) else None
        if isinstance(kind, str) and kind in wanted and kind not in rows:
            rows[kind] = row
    return {"sources": [rows[kind] for kind in sorted(rows)]}


class StatusSource(Protocol):
    """A scheduler as its readers (``/status``, ``/metrics``, alerts) see it: a status per
    source, and listeners called after each fetch with (source, seconds, ok)."""

    fetch_listeners: list[Callable[[str, float, bool], None]]

    def status(self) -> Mapping[str, SourceStatus]: ...
