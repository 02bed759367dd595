"""Source health as pages read it: the ``status`` rows of the data types a page draws.

The scheduler publishes each enabled source's health as the ``status`` type
(:class:`dashcli.core.values.SourceStatus` rows). A page whose data has not arrived, or whose
source fails while its data is past ``valid``, draws :func:`draw_unavailable` instead of its data:
the page title, why in a few words, and when the next attempt is ("weather: upstream
unreachable, retry 10:42"). A page whose source fails while its data is still valid draws the
data with the failing marker (red where the stale marker is amber).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from dashcli.core.envelope import Update
from dashcli.renderers import colors
from dashcli.renderers.canvas import Canvas, title_and_message
from dashcli.renderers.text import draw_text

STATUS = "status"


@dataclass(frozen=True)
class Health:
    """One data type's health, from its ``status`` row."""

    kind: str
    ok: bool
    error: str | None
    retry: str | None
    updated: str | None


def _rows(state: Mapping[str, Update]) -> dict[str, dict[str, Any]]:
    update = state.get(STATUS)
    if update is None or not isinstance(update.values, dict):
        return {}
    rows = update.values.get("sources")
    if not isinstance(rows, list):
        return {}
    return {row["type"]: row for row in rows
            if isinstance(row, dict) and isinstance(row.get("type"), str)}


def health_of(state: Mapping[str, Update], kinds: Iterable[str] | None = None
              ) -> dict[str, Health]:
    """The health of each of ``kinds`` (default: every source) that has a well-formed row in
    the ``status`` values."""
    rows = _rows(state)
    found = {}
    for kind in rows if kinds is None else kinds:
        row = rows.get(kind)
        if row is None:
            continue
        error, retry, updated = row.get("error"), row.get("retry"), row.get("updated")
        found[kind] = Health(
            kind, row.get("ok") is not False,
            error if isinstance(error, str) else None,
            retry if isinstance(retry, str) else None,
            updated if isinstance(updated, str) else None,
        )
    return found


def health_key(state: Mapping[str, Update], kinds: Iterable[str]) -> tuple[Hashable, ...]:
    """What a page's frame depends on of the health of ``kinds`` (for the frame cache)."""
    return tuple(sorted((h.kind, h.ok, h.error, h.retry) for h in health_of(state, kinds).values()))


def unavailable(state: Mapping[str, Update], kinds: Iterable[str], now: datetime) -> list[Health]:
    """The data types among ``kinds`` the page cannot draw, with a known reason: not arrived
    while their source is scheduled (waiting or failing), or failing and past ``valid``."""
    found = []
    for kind, health in health_of(state, kinds).items():
        update = state.get(kind)
        if update is None or (not health.ok and update.is_stale(now)):
            found.append(health)
    return found


def failing(state: Mapping[str, Update], kinds: Iterable[str]) -> bool:
    """True when the source of any of ``kinds`` is failing."""
    return any(not health.ok for health in health_of(state, kinds).values())


def _retry(canvas: Canvas, health: Health) -> str:
    if health.retry is None:
        return ""
    moment = canvas.local(health.retry)
    return "retrying" if moment <= canvas.now else f"retry {canvas.time(moment, 'short')}"


def draw_unavailable(canvas: Canvas, title: str, problems: list[Health]) -> None:
    """The page title, why its data is missing (the first problem) and when it is retried;
    the data type is named when the page has another name (hourly draws weather)."""
    first = problems[0]
    if first.ok:
        message, color = "fetching" if first.updated is None else "no data yet", colors.WHITE
    else:
        message, color = first.error or "failing", colors.ERROR
        if canvas.compact:
            message = message.removeprefix("upstream ")
    y = title_and_message(canvas, title, message, color)
    parts = [] if first.kind == canvas.page or canvas.compact else [f"{first.kind}:"]
    if not first.ok:
        parts.append(_retry(canvas, first))
        if first.updated is not None and not canvas.compact:
            parts.append(f"last data {canvas.hhmm(first.updated, style='short')}")
    small = canvas.fonts.small
    draw_text(canvas.image, small, " ".join(part for part in parts if part),
              (canvas.width // 2, y), colors.DIM, align="center", max_width=canvas.width - 2)
