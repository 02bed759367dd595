"""iCalendar (ICS) ``calendar``: today's and this week's events, the current and the next one.

The calendar comes from ``url`` (HTTP through :func:`dashcli.sources.http.get`; ``webcal://`` is
read as
``https://``), from a private URL kept in the secret named by ``url_secret``, or from a local
``path`` (``~`` expanded, relative to the working directory). Parsing is icalendar's and
recurrence expansion is recurring-ical-events' (RRULE, RDATE, EXDATE, moved and cancelled
instances by RECURRENCE-ID); a series whose rule is broken is skipped so one odd event does not
blank the page, but a file that is not iCalendar at all is a DataError naming the file or URL. A
secret URL never appears in output: errors call it "the calendar URL from secret NAME".

``values`` (:class:`dashcli.core.values.CalendarValues`), every time in the profile's timezone:

- ``today``: events overlapping today (local midnight to midnight); ``week``: events overlapping
  the ``days`` days from today on (default 7). Sorted by start, all-day events first on a tie.
- ``current``: the event in progress at the fetch time (a timed one is preferred over an all-day
  one), ``next``: the first event starting after it, however far ahead.
- Each event: ``title``, ``start`` and ``end`` (ISO 8601 with offset; an all-day event runs from
  local midnight to local midnight with ``all_day: true``), ``location`` (``None`` when empty).
  Floating times (no timezone in the file) are read in the profile's timezone; STATUS:CANCELLED
  events are left out.

``valid`` is the next moment ``current`` or ``next`` changes (an ongoing event ends or the next
one starts) or local midnight, whichever comes first, and at most 15 minutes away so calendar
edits show up.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from itertools import islice
from pathlib import Path
from typing import Any

import icalendar
import recurring_ical_events

from dashcli.core.envelope import isoformat
from dashcli.core.redact import redact_url
from dashcli.profiles.schema import CalendarSettings
from dashcli.sources.base import FetchContext, Fetched
from dashcli.sources.errors import DataError, SourceError, UpstreamError
from dashcli.sources.http import get

PROVIDER = "ics"
SERVER = "ICS server"  # how HTTP errors name the upstream: "ICS server answered 404 ..."
MAX_VALID_FOR = timedelta(minutes=15)
# At most this many occurrences from the fetch time on are read to find the current and next.
LOOKAHEAD = 500


@dataclass(frozen=True)
class Occurrence:
    """One expanded event, its times already in the profile's timezone."""

    title: str
    start: datetime
    end: datetime
    all_day: bool
    location: str | None

    def overlaps(self, begin: datetime, finish: datetime) -> bool:
        """True when the event touches [begin, finish); a zero-length one counts at its start."""
        return self.start < finish and (self.end > begin or self.start >= begin)

    def to_value(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "start": isoformat(self.start),
            "end": isoformat(self.end),
            "all_day": self.all_day,
            "location": self.location,
        }


async def fetch(ctx: FetchContext) -> Fetched:
    """Read the configured calendar and turn it into CalendarValues."""
    settings = ctx.settings
    assert isinstance(settings, CalendarSettings)
    body, label = await _read(ctx, settings)
    values, valid = calendar_values(body, label, ctx.now, ctx.tz, settings.days)
    return Fetched(values, valid, PROVIDER, body)


async def _read(ctx: FetchContext, settings: CalendarSettings) -> tuple[bytes, str]:
    """The calendar's bytes and how to name it in messages (file path, URL, or secret name)."""
    chosen = [name for name in ("url", "url_secret", "path") if getattr(settings, name)]
    # A profile that does not say which calendar is bad input (exit 2), as for every source.
    if not chosen:
        raise SourceError("no calendar configured: set sources.calendar.url, url_secret or path",
                          exit_code=2)
    if len(chosen) > 1:
        raise SourceError(f"set only one of sources.calendar.{' / '.join(chosen)}", exit_code=2)
    if settings.path:
        path = Path(settings.path).expanduser()
        try:
            # In a thread: a fetch must not block the event loop (a file on a slow or network
            # disk, a named pipe).
            return await asyncio.to_thread(path.read_bytes), str(path)
        except FileNotFoundError:
            raise SourceError(f"{path}: calendar file not found") from None
        except OSError as exc:
            raise SourceError(f"{path}: cannot read calendar file: {exc.strerror}") from None
    if settings.url_secret:
        label = f"the calendar URL from secret {settings.url_secret!r}"
        return await _download(ctx, ctx.secret(settings.url_secret), label, secret=True), label
    assert settings.url is not None
    label = redact_url(_http_url(settings.url))
    return await _download(ctx, settings.url, label, secret=False), label


async def _download(ctx: FetchContext, url: str, label: str, *, secret: bool) -> bytes:
    """GET the calendar; for a secret URL the error names the secret instead of the address."""
    address = _http_url(url)
    if not address.lower().startswith(("http://", "https://")):
        raise SourceError(f"{label}: the calendar URL must start with http(s):// or webcal://")
    headers = {"Accept": "text/calendar, */*;q=0.5"}
    try:
        response = await get(ctx.client, SERVER, address, headers=headers, retry=ctx.retry)
    except UpstreamError as exc:
        if not secret:
            raise
        # A private URL carries its secret in the path: name the secret, never the address.
        raise exc.relabel(label) from None
    return response.content


def _http_url(url: str) -> str:
    """Calendar apps hand out ``webcal://`` links: they are plain HTTPS."""
    text = url.strip()
    if text.lower().startswith("webcal://"):
        return "https://" + text[len("webcal://"):]
    return text


def calendar_values(
    body: bytes, where: str, now: datetime, tz: tzinfo, days: int
) -> tuple[dict[str, Any], datetime]:
    """Parse and expand an ICS document into CalendarValues and its ``valid`` time.

    ``where`` names the file or URL in errors.
    """
    calendar = _parse(body, where)
    # recurring-ical-events reads all-day and floating events in the zone of the times it is given
    local_now = now.astimezone(tz)
    today = local_now.date()
    day_start = _midnight(today, tz)
    tomorrow = _midnight(today + timedelta(days=1), tz)
    window_end = _midnight(today + timedelta(days=days), tz)
    try:
        query = recurring_ical_events.of(calendar, skip_bad_series=True)
        in_window = list(query.between(day_start, window_end))
        ongoing, upcoming = _around(query.after(local_now), now, tz, where)
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise DataError(where, f"cannot expand the calendar's events ({_short(exc)})") from None

    week = sorted(_occurrences(in_window, tz, where), key=_order)
    today_events = [event for event in week if event.overlaps(day_start, tomorrow)]
    current = _current(ongoing)

    changes = [now + MAX_VALID_FOR, tomorrow]
    changes += [event.end for event in ongoing]
    if upcoming is not None:
        changes.append(upcoming.start)
    valid = min(moment for moment in changes if moment > now)
    values = {
        "today": [event.to_value() for event in today_events],
        "week": [event.to_value() for event in week],
        "current": current.to_value() if current else None,
        "next": upcoming.to_value() if upcoming else None,
    }
    return values, valid


def _parse(body: bytes, where: str) -> Any:
    if b"BEGIN:VCALENDAR" not in body[:4096].upper():
        raise DataError(where, "not an iCalendar file (no BEGIN:VCALENDAR at the start)")
    if b"END:VCALENDAR" not in body[-4096:].upper():
        raise DataError(where, "not a valid iCalendar file (cut short: no END:VCALENDAR)")
    try:
        calendar = icalendar.Calendar.from_ical(body)
    except (ValueError, KeyError, TypeError, IndexError) as exc:
        # icalendar's messages end with the offending text after ": "; the reason is enough.
        reason = str(exc).split(": ", 1)[0]
        raise DataError(where, f"not a valid iCalendar file ({_short(reason)})") from None
    if getattr(calendar, "name", None) != "VCALENDAR":
        raise DataError(where, "not an iCalendar file (no VCALENDAR)")
    for event in calendar.walk("VEVENT"):
        if "DTSTART" not in event:
            title = _title(event)
            raise DataError(where, f"event {title!r}: required field DTSTART is missing")
    return calendar


def _around(
    components: Iterable[Any], now: datetime, tz: tzinfo, where: str
) -> tuple[list[Occurrence], Occurrence | None]:
    """The events in progress at ``now`` and the first one starting after it.

    ``components`` come in order of start (``query.after``) and are read lazily: expanding a
    large calendar far ahead is slow, and only the first upcoming event is needed.
    """
    ongoing: list[Occurrence] = []
    for event in _occurrences(islice(components, LOOKAHEAD), tz, where):
        if event.start > now:
            return ongoing, event
        if now < event.end:
            ongoing.append(event)
    return ongoing, None


def _current(ongoing: list[Occurrence]) -> Occurrence | None:
    """The event in progress: the latest-started timed one, else the latest-started all-day one."""
    timed = [event for event in ongoing if not event.all_day]
    pool = timed or ongoing
    return max(pool, key=lambda event: event.start) if pool else None


def _occurrences(components: Iterable[Any], tz: tzinfo, where: str) -> Iterator[Occurrence]:
    """The components as occurrences, lazily, leaving out STATUS:CANCELLED ones."""
    for component in components:
        if str(component.get("STATUS", "")).upper() != "CANCELLED":
            yield _occurrence(component, tz, where)


def _occurrence(component: Any, tz: tzinfo, where: str) -> Occurrence:
    title = _title(component)
    try:
        start_value = component.start
        end_value = component.end
    except (ValueError, KeyError, TypeError) as exc:
        problem = f"event {title!r} has no valid start/end ({_short(exc)})"
        raise DataError(where, problem) from None
    all_day = not isinstance(start_value, datetime)
    if all_day:
        first = start_value
        last = end_value.date() if isinstance(end_value, datetime) else end_value
        last = max(last, first + timedelta(days=1))  # DTEND = DTSTART is a real feed quirk
        start, end = _midnight(first, tz), _midnight(last, tz)
    else:
        start = _local(start_value, tz)
        end = max(_local(end_value, tz), start) if isinstance(end_value, datetime) else start
    location = str(component.get("LOCATION", "")).strip() or None
    return Occurrence(title, start, end, all_day, location)


def _title(component: Any) -> str:
    return str(component.get("SUMMARY", "")).strip()[:80] or "(no title)"


def _order(event: Occurrence) -> tuple[datetime, bool, datetime, str]:
    return event.start, not event.all_day, event.end, event.title


def _local(moment: datetime, tz: tzinfo) -> datetime:
    """An aware time in ``tz``; a floating (naive) iCalendar time is read as local."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=tz)
    return moment.astimezone(tz)


def _midnight(day: date, tz: tzinfo) -> datetime:
    """The local start of ``day``; the UTC round trip moves it off a nonexistent midnight."""
    return datetime.combine(day, time(), tzinfo=tz).astimezone(UTC).astimezone(tz)


def _short(exc: BaseException | str) -> str:
    text = " ".join(str(exc).split())
    return text if len(text) <= 120 else text[:117] + "..."

