"""Birthdays and anniversaries (``events``) from a local YAML list: the next ones, days until.

The list is the YAML file at ``path`` (``~`` expanded, relative to the working directory) and/or
the profile's inline ``items``, each entry ``{name, date, kind}`` with ``date`` as ``YYYY-MM-DD``
(the year of the first occurrence, so ages can be counted) or ``MM-DD``. The file is read with the
safe loader only; an entry that is not valid gives one line naming ``file:line``, the entry and
what is wrong.

The old matrix system's ``events.json`` (a JSON list of ``{event, name, month, day, year}``,
``event`` being the kind) is read as it is: set ``path`` to it.

``values`` (:class:`dashcli.core.values.EventsValues`): ``upcoming``, the next ``count``
occasions from
today in the profile's timezone, soonest first, each with the ``date`` of its next occurrence,
``days_until`` (0 = today), and when the year is known the ``years`` at that occurrence with its
English ``ordinal`` ("40th"). February 29 is celebrated on February 28 in other years. An entry
whose first occurrence is still ahead counts down to that day, without years.

Nothing changes until the day does, so ``valid`` is the next local midnight.
"""

from __future__ import annotations

import asyncio
import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from dashcli.profiles.loader import yaml_error
from dashcli.profiles.schema import EventItem, EventsSettings
from dashcli.sources.base import FetchContext, Fetched
from dashcli.sources.clock import next_midnight
from dashcli.sources.errors import DataError, SourceError

PROVIDER = "local"
TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"
DATE_FORMAT = re.compile(r"^(?:(\d{4})-)?(\d{2})-(\d{2})$")


@dataclass(frozen=True)
class Anniversary:
    """A validated entry: what recurs every year on ``month``/``day``, since ``year`` if known."""

    name: str
    kind: str
    month: int
    day: int
    year: int | None

    def next_occurrence(self, today: date) -> date:
        """The first day on or after ``today`` this is celebrated (Feb 29 → Feb 28 off leap years).

        Before the first occurrence (a date with a year still ahead), that first day itself.
        """
        if self.year is not None and date(self.year, self.month, self.day) > today:
            return date(self.year, self.month, self.day)
        this_year = _in_year(self.month, self.day, today.year)
        return this_year if this_year >= today else _in_year(self.month, self.day, today.year + 1)

    def occasion(self, today: date) -> dict[str, Any]:
        """This entry's next occurrence as an Occasion value."""
        when = self.next_occurrence(today)
        years = when.year - self.year if self.year is not None else None
        if years is not None and years < 1:
            years = None
        return {
            "name": self.name,
            "kind": self.kind,
            "date": when.isoformat(),
            "days_until": (when - today).days,
            "years": years,
            "ordinal": ordinal(years) if years is not None else None,
        }


async def fetch(ctx: FetchContext) -> Fetched:
    """Read the list (file and inline items) and compute the next occasions."""
    settings = ctx.settings
    assert isinstance(settings, EventsSettings)
    if not settings.path and not settings.items:
        raise SourceError("no events configured: set sources.events.path or sources.events.items")
    entries: list[Anniversary] = []
    raw: bytes | None = None
    if settings.path:
        # In a thread: reading and parsing the file must not block the event loop.
        raw, from_file = await asyncio.to_thread(load_file, Path(settings.path).expanduser())
        entries.extend(from_file)
    for index, item in enumerate(settings.items):
        entries.append(_anniversary(item, f"sources.events.items[{index}]"))
    today = ctx.local_now.date()
    values = {"upcoming": upcoming(entries, today, settings.count)}
    return Fetched(values, next_midnight(ctx.now, ctx.tz), PROVIDER, raw)


def upcoming(entries: list[Anniversary], today: date, count: int) -> list[dict[str, Any]]:
    """The next ``count`` occasions from ``today``, soonest first (ties by name)."""
    occasions = [entry.occasion(today) for entry in entries]
    occasions.sort(key=lambda occasion: (occasion["days_until"], occasion["name"].casefold()))
    return occasions[:count]


def load_file(path: Path) -> tuple[bytes, list[Anniversary]]:
    """Read and validate a YAML list of events; every defect names ``file:line`` and the entry."""
    try:
        raw = path.read_bytes()
        text = raw.decode("utf-8")
    except FileNotFoundError:
        raise SourceError(f"{path}: events file not found") from None
    except OSError as exc:
        raise SourceError(f"{path}: cannot read events file: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise SourceError(f"{path}: events file is not UTF-8 text") from None
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise DataError(*yaml_error(path, exc)) from None
    except ValueError:
        # The safe loader turns unquoted dates into date objects and fails on 2013-02-29.
        raise _impossible_date(path, root) from None
    if data is None:
        return raw, []
    if not isinstance(data, list) or not isinstance(root, yaml.SequenceNode):
        raise DataError(f"{path}:1", "expected a list of events ({name, date, kind})")
    entries = [
        _anniversary(item, f"{path}:{node.start_mark.line + 1}")
        for node, item in zip(root.value, data, strict=True)
    ]
    return raw, entries


def _impossible_date(path: Path, root: yaml.Node | None) -> DataError:
    """The error for the unquoted date YAML could not construct, located by its node."""
    items = root.value if isinstance(root, yaml.SequenceNode) else [root]
    for item in items:
        if not isinstance(item, yaml.MappingNode):
            continue
        for key, value in item.value:
            if isinstance(value, yaml.ScalarNode) and value.tag == TIMESTAMP_TAG:
                try:
                    yaml.safe_load(value.value)
                except ValueError:
                    names = [v.value for k, v in item.value if k.value == "name"]
                    label = f"entry {names[0]!r}" if names else "entry"
                    problem = f"{label}: {key.value} {value.value!r} does not exist"
                    return DataError(f"{path}:{value.start_mark.line + 1}", problem)
    return DataError(str(path), "a date in the file does not exist")


def _anniversary(item: Any, where: str) -> Anniversary:
    """Validate one entry (a mapping from YAML, or a profile's EventItem); an entry of the old
    system's ``events.json`` (``{event, name, month, day, year}``) is accepted too."""
    if isinstance(item, dict) and "month" in item and "day" in item and "date" not in item:
        from dashcli.sources.legacy import anniversary_from_legacy
        from dashcli.sources.validate import Node

        try:
            return anniversary_from_legacy(Node(item, "entry"))
        except DataError as exc:
            name = item.get("name")
            label = f"entry {name!r}" if isinstance(name, str) and name else f"entry {_show(item)}"
            raise DataError(where, f"{label}: {exc}") from None
    entry = item if isinstance(item, EventItem) else _event_item(item, where)
    label = f"entry {entry.name!r}"
    text = entry.date.strip()
    match = DATE_FORMAT.match(text)
    if match is None:
        raise DataError(where, f"{label}: date {text!r} is not YYYY-MM-DD or MM-DD")
    year_text, month_text, day_text = match.groups()
    year = int(year_text) if year_text else None
    try:
        # 2000 is a leap year, so MM-DD accepts 02-29; YYYY-02-29 needs a leap year.
        date(year or 2000, int(month_text), int(day_text))
    except ValueError:
        raise DataError(where, f"{label}: date {text!r} does not exist") from None
    return Anniversary(entry.name, entry.kind, int(month_text), int(day_text), year)


def _event_item(item: Any, where: str) -> EventItem:
    if not isinstance(item, dict):
        raise DataError(where, f"entry {_show(item)}: expected a mapping {{name, date, kind}}")
    fields = dict(item)
    # Unquoted YAML dates arrive as date objects; the schema wants the text.
    if isinstance(fields.get("date"), date) and not isinstance(fields.get("date"), datetime):
        fields["date"] = fields["date"].isoformat()
    try:
        return EventItem.model_validate(fields)
    except ValidationError as exc:
        error = exc.errors()[0]
        field = ".".join(str(part) for part in error["loc"]) or "entry"
        name = item.get("name")
        label = f"entry {name!r}" if isinstance(name, str) and name else f"entry {_show(item)}"
        problem = "required field is missing" if error["type"] == "missing" else error["msg"]
        if error["type"] == "extra_forbidden":
            problem = "unknown key"
        raise DataError(where, f"{label}: {field}: {problem}") from None


def ordinal(number: int) -> str:
    """English ordinal: 1st, 2nd, 3rd, 4th, 11th, 12th, 13th, 21st, 112th."""
    if 11 <= number % 100 <= 13:
        suffix = "th"
    else:
        suffix = {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def _in_year(month: int, day: int, year: int) -> date:
    if (month, day) == (2, 29) and not calendar.isleap(year):
        return date(year, 2, 28)
    return date(year, month, day)


def _show(item: Any) -> str:
    text = repr(item)
    return text if len(text) <= 60 else text[:57] + "..."
