"""The ``clock`` source: the local date and time in the profile's timezone, with no fetch.

It exists so every page is fed the same way (an Update in the store), and so the timezone a
display shows is the profile's, not the machine's. ``values``
(:class:`dashcli.core.values.ClockValues`)
hold the timezone name and the fetch time; pages draw the running time from their own ``now``.
The date changes at local midnight, so that is when the values go stale.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta, tzinfo

from dashcli.sources.base import FetchContext, Fetched

PROVIDER = "local"


def next_midnight(moment: datetime, tz: tzinfo) -> datetime:
    """The first instant of the next local day in ``tz`` (for data that is per local day).

    Where a zone skips midnight (daylight time starting at 24:00, a skipped date) that is the
    transition, written with the offset in force after it.
    """
    tomorrow = moment.astimezone(tz).date() + timedelta(days=1)
    return datetime.combine(tomorrow, time(0), tzinfo=tz).astimezone(UTC).astimezone(tz)


async def fetch(ctx: FetchContext) -> Fetched:
    """ClockValues for ``ctx.now``; valid until the next local midnight."""
    local = ctx.local_now
    values = {
        "timezone": ctx.profile.location.timezone,
        "time": local.isoformat(timespec="seconds"),
        "date": local.date().isoformat(),
    }
    return Fetched(values, next_midnight(ctx.now, ctx.tz), PROVIDER, None)
