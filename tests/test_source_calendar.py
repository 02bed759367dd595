"""The ICS calendar source: files and a real local HTTP server, recurrences, DST, errors."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from dashcli.sources.errors import DataError, MissingSecretError, SourceError, UpstreamError
from tests.conftest import (
    NOW,
    FixedSecrets,
    fetch_values,
    fixture_path,
    loop_ticks_while_fifo_waits,
    shared_fixture,
)
from tests.replay import Reply

ICS = "text/calendar; charset=utf-8"
NEW_YORK = ZoneInfo("America/New_York")
FAMILY = "ics/family.ics"


def brief(events):
    return [(event["title"], event["start"], event["end"]) for event in events]


async def from_file(relative, now=NOW, **settings):
    result = await fetch_values("calendar", "http://127.0.0.1:9", now=now,
                                path=str(fixture_path(relative)), **settings)
    return result.update


async def from_recording(name, now, **settings):
    path = shared_fixture(f"ics-calendars/{name}")
    result = await fetch_values("calendar", "http://127.0.0.1:9", now=now, path=str(path),
                                **settings)
    return result.update.values


async def test_file_gives_today_week_current_and_next():
    update = await from_file(FAMILY)  # Friday 2026-02-06 16:40 in Boston
    values = update.values
    assert update.type == "calendar"
    assert update.source == "ics"
    piano = {
        "title": "Piano lesson", "start": "2026-02-06T16:00:00-05:00",
        "end": "2026-02-06T17:00:00-05:00", "all_day": False,
        "location": "Music school, 12 Elm St",
    }
    # floating time (no TZID) read in the profile's timezone
    dinner = {
        "title": "Dinner with the Garcias", "start": "2026-02-06T18:30:00-05:00",
        "end": "2026-02-06T20:30:00-05:00", "all_day": False, "location": None,
    }
    assert values["today"] == [piano, dinner]  # the cancelled 09:30 standup is left out
    assert values["current"] == piano
    assert values["next"] == dinner
    assert brief(values["week"]) == [
        ("Piano lesson", "2026-02-06T16:00:00-05:00", "2026-02-06T17:00:00-05:00"),
        ("Dinner with the Garcias", "2026-02-06T18:30:00-05:00", "2026-02-06T20:30:00-05:00"),
        ("Ski trip", "2026-02-07T00:00:00-05:00", "2026-02-09T00:00:00-05:00"),
        # 08:00 in Tokyo on the 11th is the evening before in Boston
        ("Call with the Tokyo office", "2026-02-10T18:00:00-05:00",
         "2026-02-10T19:00:00-05:00"),
        # Monday the 9th is an EXDATE; Wednesday the 11th moved to Thursday 14:00
        ("Family standup", "2026-02-12T14:00:00-05:00", "2026-02-12T14:15:00-05:00"),
    ]
    ski = values["week"][2]
    assert ski["all_day"] is True
    assert ski["location"] == "Stowe"
    assert values["week"][4]["location"] == "Room 4"
    assert "Dentist" not in {event["title"] for event in values["week"]}  # STATUS:CANCELLED
    assert update.valid == NOW + timedelta(minutes=15)


async def test_days_setting_widens_the_week():
    update = await from_file(FAMILY, days=14)
    standups = [event["start"] for event in update.values["week"]
                if event["title"] == "Family standup"]
    assert standups == [
        "2026-02-12T14:00:00-05:00",  # the moved Wednesday
        "2026-02-13T09:30:00-05:00",
        "2026-02-16T09:30:00-05:00",
        "2026-02-18T09:30:00-05:00",
    ]
    assert len(update.values["today"]) == 2


@pytest.mark.parametrize(
    ("now", "valid"),
    [
        # piano lesson ends at 17:00 local, within 15 minutes
        (datetime(2026, 2, 6, 21, 50, tzinfo=UTC), datetime(2026, 2, 6, 22, 0, tzinfo=UTC)),
        # dinner starts at 18:30 local
        (datetime(2026, 2, 6, 23, 20, tzinfo=UTC), datetime(2026, 2, 6, 23, 30, tzinfo=UTC)),
        # nothing changes for hours: at most 15 minutes
        (datetime(2026, 2, 6, 19, 0, tzinfo=UTC), datetime(2026, 2, 6, 19, 15, tzinfo=UTC)),
        # local midnight ends "today" (the ski trip starts then as well)
        (datetime(2026, 2, 7, 4, 55, tzinfo=UTC), datetime(2026, 2, 7, 5, 0, tzinfo=UTC)),
    ],
)
async def test_valid_is_the_next_change_at_most_15_minutes_away(now, valid):
    update = await from_file(FAMILY, now=now)
    assert update.valid == valid


async def test_recurring_instance_in_progress_is_current():
    update = await from_file(FAMILY, now=datetime(2026, 2, 2, 14, 35, tzinfo=UTC))  # Mon 09:35
    current = update.values["current"]
    assert (current["title"], current["start"], current["location"]) == (
        "Family standup", "2026-02-02T09:30:00-05:00", "Kitchen table")
    assert update.valid == datetime(2026, 2, 2, 14, 45, tzinfo=UTC)  # it ends at 09:45


async def test_all_day_event_is_current_when_nothing_timed_runs():
    values = (await from_file(FAMILY, now=datetime(2026, 2, 7, 17, 0, tzinfo=UTC))).values
    assert values["current"]["title"] == "Ski trip"
    assert values["today"] == [values["current"]]
    assert values["next"]["title"] == "Call with the Tokyo office"


async def test_next_event_beyond_the_week():
    values = (await from_file(FAMILY, now=datetime(2026, 2, 6, 21, 40, tzinfo=UTC),
                              days=1)).values
    assert [event["title"] for event in values["week"]] == ["Piano lesson",
                                                            "Dinner with the Garcias"]
    values = (await from_file(FAMILY, now=datetime(2026, 2, 8, 17, 0, tzinfo=UTC),
                              days=1)).values
    assert [event["title"] for event in values["week"]] == ["Ski trip"]
    assert values["next"]["start"] == "2026-02-10T18:00:00-05:00"


# -- daylight saving time (America/New_York: 2026-03-08 springs forward, 2026-11-01 falls back)


async def test_spring_forward_day():
    update = await from_file("ics/dst.ics", now=datetime(2026, 3, 8, 6, 40, tzinfo=UTC), days=1)
    values = update.values
    assert brief(values["today"]) == [
        # a 23-hour day: local midnight to local midnight
        ("Clocks spring forward", "2026-03-08T00:00:00-05:00", "2026-03-09T00:00:00-04:00"),
        # 01:30 EST to 03:30 EDT is one real hour
        ("Late show", "2026-03-08T01:30:00-05:00", "2026-03-08T03:30:00-04:00"),
        ("Sunday yoga", "2026-03-08T08:00:00-04:00", "2026-03-08T09:00:00-04:00"),
    ]
    assert values["current"]["title"] == "Late show"  # timed beats all-day
    assert values["next"]["title"] == "Sunday yoga"
    assert update.valid == datetime(2026, 3, 8, 6, 55, tzinfo=UTC)


async def test_weekly_event_keeps_its_wall_clock_time_across_dst():
    values = (await from_file("ics/dst.ics", now=datetime(2026, 3, 1, 12, 0, tzinfo=UTC),
                              days=31)).values
    yoga = [event["start"] for event in values["week"] if event["title"] == "Sunday yoga"]
    assert yoga == ["2026-03-01T08:00:00-05:00", "2026-03-08T08:00:00-04:00",
                    "2026-03-15T08:00:00-04:00"]
    # London changes three weeks after New York: 09:00 London is 04:00, then 05:00, then 04:00
    london = [event["start"] for event in values["week"] if event["title"] == "London check-in"]
    assert london == ["2026-03-02T04:00:00-05:00", "2026-03-09T05:00:00-04:00",
                      "2026-03-16T05:00:00-04:00", "2026-03-23T05:00:00-04:00",
                      "2026-03-30T04:00:00-04:00"]


async def test_fall_back_day():
    values = (await from_file("ics/dst.ics", now=datetime(2026, 10, 31, 12, 0, tzinfo=UTC),
                              days=3)).values
    assert brief(values["week"]) == [
        ("Morning walk", "2026-10-31T07:00:00-04:00", "2026-10-31T07:30:00-04:00"),
        ("Clocks fall back", "2026-11-01T00:00:00-04:00", "2026-11-02T00:00:00-05:00"),
        ("Morning walk", "2026-11-01T07:00:00-05:00", "2026-11-01T07:30:00-05:00"),
        ("Morning walk", "2026-11-02T07:00:00-05:00", "2026-11-02T07:30:00-05:00"),
    ]
    assert values["current"] is None
    assert values["next"]["start"] == "2026-11-01T00:00:00-04:00"


async def test_today_ends_at_the_real_local_midnight_after_a_23_hour_day():
    # 23:50 EDT on the spring-forward day: tomorrow starts at 04:00 UTC, not 05:00
    update = await from_file("ics/dst.ics", now=datetime(2026, 3, 9, 3, 50, tzinfo=UTC), days=1)
    assert update.valid == datetime(2026, 3, 9, 4, 0, tzinfo=UTC)
    assert update.values["current"]["title"] == "Clocks spring forward"


# -- over HTTP


async def test_url_gives_the_same_values(upstream):
    upstream.route("/cal.ics", Reply(fixture_path(FAMILY), content_type=ICS))
    result = await fetch_values("calendar", upstream.url, url=f"{upstream.url}/cal.ics")
    from_disk = await from_file(FAMILY)
    assert result.update.values == from_disk.values
    assert result.raw == fixture_path(FAMILY).read_bytes()
    request = upstream.hits("/cal.ics")[0]
    assert request.headers["User-Agent"].startswith("dashcli/")
    assert "text/calendar" in request.headers["Accept"]


async def test_retries_a_500_then_succeeds(upstream):
    upstream.route("/cal.ics", Reply(b"busy", status=500),
                   Reply(fixture_path(FAMILY), content_type=ICS))
    result = await fetch_values("calendar", upstream.url, url=f"{upstream.url}/cal.ics")
    assert result.update.values["current"]["title"] == "Piano lesson"
    assert len(upstream.hits("/cal.ics")) == 2


async def test_read_timeout_is_one_clear_line(upstream):
    upstream.route("/cal.ics", Reply(fixture_path(FAMILY), delay=1.0))
    with pytest.raises(UpstreamError) as caught:
        await fetch_values("calendar", upstream.url, url=f"{upstream.url}/cal.ics?key=s3cret",
                           timeout=0.2)
    assert str(caught.value) == (
        f"calendar: ICS server unreachable (read timeout after 0.2 s): {upstream.url}/cal.ics"
    )


async def test_an_html_page_instead_of_a_calendar_names_the_url(upstream):
    upstream.route("/cal.ics", Reply("<html><body>Sign in</body></html>",
                                     content_type="text/html"))
    with pytest.raises(DataError) as caught:
        await fetch_values("calendar", upstream.url, url=f"{upstream.url}/cal.ics?token=abc")
    assert str(caught.value) == (
        f"calendar: {upstream.url}/cal.ics: not an iCalendar file (no BEGIN:VCALENDAR at the start)"
    )


async def test_secret_url_is_never_shown(upstream):
    private = "/calendar/ical/family%40example.org/private-9f8e7d6c5b4a/basic.ics"
    upstream.route(private, Reply(fixture_path(FAMILY), content_type=ICS))
    secrets = FixedSecrets(family_ics=f"{upstream.url}{private}")
    result = await fetch_values("calendar", upstream.url, url_secret="family_ics",
                                secrets=secrets)
    assert result.update.values["next"]["title"] == "Dinner with the Garcias"

    upstream.route(private, Reply(b"gone", status=404))
    with pytest.raises(UpstreamError) as caught:
        await fetch_values("calendar", upstream.url, url_secret="family_ics", secrets=secrets)
    message = str(caught.value)
    assert message == (
        "calendar: ICS server answered 404 Not Found: the calendar URL from secret 'family_ics'"
    )
    assert caught.value.__cause__ is None
    assert caught.value.__suppress_context__


async def test_secret_url_timeout_and_bad_data_name_the_secret(upstream):
    private = "/private-9f8e7d6c5b4a/basic.ics"
    secrets = FixedSecrets(family_ics=f"{upstream.url}{private}")
    upstream.route(private, Reply(b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\n", content_type=ICS))
    with pytest.raises(DataError, match=r"^calendar: the calendar URL from secret 'family_ics': "
                                        r"not a valid iCalendar file \(cut short"):
        await fetch_values("calendar", upstream.url, url_secret="family_ics", secrets=secrets)
    upstream.route(private, Reply(b"", delay=1.0))
    with pytest.raises(UpstreamError) as caught:
        await fetch_values("calendar", upstream.url, url_secret="family_ics", secrets=secrets,
                           timeout=0.2)
    assert "private-9f8e7d6c5b4a" not in str(caught.value)
    assert str(caught.value).endswith("(read timeout after 0.2 s): the calendar URL from secret "
                                      "'family_ics'")


async def test_missing_secret_names_the_key():
    with pytest.raises(MissingSecretError, match="missing secret 'family_ics'"):
        await fetch_values("calendar", "http://127.0.0.1:9", url_secret="family_ics")


# -- broken input


async def test_broken_file_names_the_file():
    path = fixture_path("ics/broken.ics")
    with pytest.raises(DataError) as caught:
        await from_file("ics/broken.ics")
    assert str(caught.value) == (
        f"calendar: {path}: not a valid iCalendar file (cut short: no END:VCALENDAR)"
    )


async def test_broken_structure_names_the_file(tmp_path):
    path = tmp_path / "odd.ics"
    path.write_bytes(fixture_path(FAMILY).read_bytes().replace(b"SUMMARY:Ski trip", b"END:VTODO"))
    with pytest.raises(DataError) as caught:
        await fetch_values("calendar", "http://127.0.0.1:9", path=str(path))
    assert str(caught.value) == (f"calendar: {path}: not a valid iCalendar file "
                                 "(END encountered without an accompanying BEGIN!)")


async def test_event_without_start_names_the_field():
    with pytest.raises(DataError) as caught:
        await from_file("ics/no-start.ics")
    assert str(caught.value).endswith("no-start.ics: event 'Orphaned end': "
                                      "required field DTSTART is missing")


async def test_a_series_with_a_broken_rule_is_skipped(tmp_path):
    path = tmp_path / "rule.ics"
    path.write_bytes(fixture_path(FAMILY).read_bytes().replace(
        b"RRULE:FREQ=WEEKLY;WKST=SU;BYDAY=FR", b"RRULE:FREQ=SOMETIMES;BYDAY=FR"))
    values = (await fetch_values("calendar", "http://127.0.0.1:9", path=str(path))).update.values
    assert "Piano lesson" not in {event["title"] for event in values["week"]}
    assert values["next"]["title"] == "Dinner with the Garcias"


async def test_the_file_is_read_off_the_event_loop(tmp_path):
    path = tmp_path / "slow.ics"
    fetch = fetch_values("calendar", "http://127.0.0.1:9", path=str(path))
    ticks = await loop_ticks_while_fifo_waits(path, fixture_path(FAMILY).read_bytes(), fetch)
    assert ticks >= 10


async def test_missing_file_is_one_clear_error(tmp_path):
    path = tmp_path / "nope.ics"
    with pytest.raises(SourceError) as caught:
        await fetch_values("calendar", "http://127.0.0.1:9", path=str(path))
    assert str(caught.value) == f"calendar: {path}: calendar file not found"


async def test_nothing_configured_or_too_much():
    with pytest.raises(SourceError, match="no calendar configured"):
        await fetch_values("calendar", "http://127.0.0.1:9")
    with pytest.raises(SourceError, match=r"set only one of sources\.calendar\.url / path"):
        await fetch_values("calendar", "http://127.0.0.1:9", url="http://127.0.0.1:9/a.ics",
                           path="a.ics")
    with pytest.raises(SourceError, match="must start with http"):
        await fetch_values("calendar", "http://127.0.0.1:9", url="ftp://example.org/a.ics")


# -- real exports (../shared/fixtures), expansions checked by reading each file


async def test_google_sydney_moved_timed_and_all_day_instances():
    values = await from_recording(
        "recurring-ical-events-google-australia-sydney-moved-datetime-and-allday.ics",
        datetime(2023, 8, 13, 16, 0, tzinfo=UTC))
    # Tuesday 15 Aug 14:00 moved to Monday 14 Aug 14:00 AEST (04:00 UTC);
    # Thursday 17 Aug all-day moved to Wednesday 16 Aug
    assert brief(values["week"]) == [
        ("Datetime", "2023-08-14T00:00:00-04:00", "2023-08-14T01:00:00-04:00"),
        ("All Day", "2023-08-16T00:00:00-04:00", "2023-08-17T00:00:00-04:00"),
    ]
    assert values["week"][1]["all_day"] is True


async def test_google_los_angeles_exdate_and_two_moved():
    values = await from_recording("magicmirror-google-la-exdate-and-two-moved-trimmed.ics",
                                  datetime(2024, 10, 21, 16, 0, tzinfo=UTC))
    # DAILY;COUNT=4 from the 23rd: 23rd moved to the 22nd, 24th moved to the 27th,
    # 25th excluded, 26th as is; 14:30 in Los Angeles is 17:30 in Boston
    assert [event["start"] for event in values["week"]] == [
        "2024-10-22T17:30:00-04:00", "2024-10-26T17:30:00-04:00", "2024-10-27T17:30:00-04:00"]


async def test_google_kiev_override_before_its_master():
    values = await from_recording("node-ical-google-europe-kiev-daily-until-moved.ics",
                                  datetime(2016, 8, 25, 11, 30, tzinfo=UTC))
    assert [(event["title"], event["start"]) for event in values["week"]] == [
        ("repeated", "2016-08-25T07:00:00-04:00"),
        ("bla bla", "2016-08-26T07:00:00-04:00"),
        ("repeated", "2016-08-27T07:00:00-04:00"),
        ("repeated", "2016-08-28T07:00:00-04:00"),  # UNTIL 11:00Z is inclusive
    ]
    assert values["current"]["title"] == "repeated"
    assert values["current"]["location"] is None  # LOCATION: is empty


async def test_thunderbird_edited_instances():
    values = await from_recording("recurring-ical-events-thunderbird-europe-berlin-moved.ics",
                                  datetime(2019, 3, 17, 12, 0, tzinfo=UTC))
    assert [(event["title"], event["start"], event["location"]) for event in values["week"]] == [
        ("test7", "2019-03-17T23:00:00-04:00", None),
        ("test7 - edited", "2019-03-18T23:00:00-04:00", "location"),
        ("test7", "2019-03-19T23:00:00-04:00", None),
    ]


async def test_davx5_utc_exdates_and_duration():
    values = await from_recording("recurring-ical-events-davx5-ical4j-europe-berlin-exdate.ics",
                                  datetime(2019, 10, 14, 12, 0, tzinfo=UTC), days=35)
    # Oct 15, Oct 22 and Nov 5 are excluded (EXDATEs in UTC); DURATION:PT1H30M gives the end
    assert brief(values["week"]) == [
        ("Test", "2019-10-29T11:15:00-04:00", "2019-10-29T12:45:00-04:00"),
        ("Test", "2019-11-12T10:15:00-05:00", "2019-11-12T11:45:00-05:00"),
    ]
    assert values["week"][0]["location"] == "Example"


async def test_exchange_biweekly_bins_with_a_moved_collection():
    values = await from_recording(
        "recurring-ical-events-exchange2010-gmt-standard-time-bins.ics",
        datetime(2020, 5, 25, 12, 0, tzinfo=UTC))
    # the 28 May collection moved to the 29th; blue bins are on 21 May and 4 June
    assert brief(values["week"]) == [
        ("Refuse black bin", "2020-05-29T00:00:00-04:00", "2020-05-30T00:00:00-04:00")]


async def test_calendar_labs_dates_without_value_and_zero_length():
    values = await from_recording(
        "recurring-ical-events-calendarlabs-germany-holidays-yearly-rrule.ics",
        datetime(2020, 12, 24, 17, 0, tzinfo=UTC))
    # DTSTART:20201225 without VALUE=DATE and DTEND equal to it: one whole day
    assert brief(values["week"]) == [
        ("Christmas Day", "2020-12-25T00:00:00-05:00", "2020-12-26T00:00:00-05:00"),
        ("Boxing Day", "2020-12-26T00:00:00-05:00", "2020-12-27T00:00:00-05:00"),
    ]
    assert values["week"][0]["location"] == "Germany"


async def test_large_google_export_with_orphan_modifications():
    values = await from_recording("recurring-ical-events-google-europe-paris-large-redacted.ics",
                                  datetime(2024, 3, 5, 17, 0, tzinfo=UTC))
    assert values["week"], "a busy calendar has events this week"
    assert {event["title"] for event in values["week"]} == {"XXX"}  # redacted by the reporter
    starts = [event["start"] for event in values["week"]]
    assert starts == sorted(starts)
