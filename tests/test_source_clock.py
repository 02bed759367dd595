"""The clock source: local time in the profile's timezone, valid until the next local midnight."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from dashcli.sources.clock import next_midnight
from tests.conftest import NOW, fetch_values

NOWHERE = "http://127.0.0.1:9"  # the clock makes no request; nothing listens there


async def test_values_are_the_fetch_time_in_the_profile_timezone():
    result = await fetch_values("clock", NOWHERE)
    update = result.update
    assert (update.type, update.source) == ("clock", "local")
    assert update.values == {
        "timezone": "America/New_York",
        "time": "2026-02-06T16:40:00-05:00",
        "date": "2026-02-06",
    }
    assert update.valid == datetime(2026, 2, 7, 0, 0, tzinfo=ZoneInfo("America/New_York"))
    assert update.updated == NOW
    assert result.raw is None


async def test_the_local_date_is_not_the_utc_date():
    late = datetime(2026, 2, 7, 3, 30, tzinfo=UTC)  # still Feb 6 in Boston
    values = (await fetch_values("clock", NOWHERE, now=late)).update.values
    assert values["date"] == "2026-02-06"
    assert values["time"] == "2026-02-06T22:30:00-05:00"


@pytest.mark.parametrize(("now", "zone", "expected"), [
    # the night daylight time starts (Boston, 2026-03-08 02:00 -> 03:00): midnight is still EST
    (datetime(2026, 3, 7, 23, 0, tzinfo=UTC), "America/New_York", "2026-03-08T00:00:00-05:00"),
    # that day has 23 hours: the next midnight is EDT
    (datetime(2026, 3, 8, 12, 0, tzinfo=UTC), "America/New_York", "2026-03-09T00:00:00-04:00"),
    (datetime(2026, 11, 1, 12, 0, tzinfo=UTC), "America/New_York", "2026-11-02T00:00:00-05:00"),
    (datetime(2026, 2, 6, 21, 40, tzinfo=UTC), "Asia/Kolkata", "2026-02-08T00:00:00+05:30"),
    (datetime(2026, 2, 6, 21, 40, tzinfo=UTC), "Pacific/Kiritimati", "2026-02-08T00:00:00+14:00"),
])
def test_next_midnight(now, zone, expected):
    assert next_midnight(now, ZoneInfo(zone)).isoformat() == expected


ZONES = ["America/New_York", "Europe/Oslo", "Australia/Lord_Howe", "America/Santiago",
         "Asia/Kolkata", "Pacific/Apia", "UTC", "America/St_Johns"]


@given(
    moment=st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2040, 1, 1),
                        timezones=st.just(UTC)),
    zone=st.sampled_from(ZONES),
)
@example(moment=datetime(2024, 9, 7, 4, 0, tzinfo=UTC), zone="America/Santiago")
def test_next_midnight_is_the_start_of_the_next_local_day(moment, zone):
    tz = ZoneInfo(zone)
    midnight = next_midnight(moment, tz)
    today = moment.astimezone(tz).date()
    assert moment < midnight <= moment + timedelta(hours=25)
    # the first instant whose local date is later (where midnight is skipped: the transition)
    assert midnight.astimezone(tz).date() > today
    # (aware arithmetic is wall-clock arithmetic within one zone: step back in UTC)
    before = midnight.astimezone(UTC) - timedelta(microseconds=1)
    assert before.astimezone(tz).date() == today


@pytest.mark.parametrize(("now", "zone", "local"), [
    # Santiago starts daylight time at 24:00: 2026-09-06 00:00 does not exist, the day begins 01:00
    (datetime(2026, 9, 5, 18, 0, tzinfo=UTC), "America/Santiago", "2026-09-06T01:00:00-03:00"),
    # Samoa skipped 2011-12-30 entirely: after the 29th comes the 31st
    (datetime(2011, 12, 29, 20, 0, tzinfo=UTC), "Pacific/Apia", "2011-12-31T00:00:00+14:00"),
])
def test_next_midnight_where_midnight_is_skipped(now, zone, local):
    tz = ZoneInfo(zone)
    assert next_midnight(now, tz).astimezone(tz).isoformat() == local


def test_dash_fetch_clock_json_prints_an_envelope(tmp_path):
    profile = tmp_path / "oslo.yaml"
    profile.write_text(
        "location: {name: Oslo, latitude: 59.91, longitude: 10.75, timezone: Europe/Oslo}\n"
        "units: metric\nsources: {clock: {}}\n")
    done = subprocess.run(
        [sys.executable, "-m", "dashcli", "fetch", "clock", "--json", "--profile", str(profile)],
        capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    envelope = json.loads(done.stdout)
    assert envelope["type"] == "clock"
    assert envelope["values"]["timezone"] == "Europe/Oslo"
    local = datetime.fromisoformat(envelope["values"]["time"])
    assert local.utcoffset() in (timedelta(hours=1), timedelta(hours=2))
    valid = datetime.fromisoformat(envelope["valid"]).astimezone(ZoneInfo("Europe/Oslo"))
    assert (valid.hour, valid.minute) == (0, 0)
    assert valid.date() == local.date() + timedelta(days=1)
