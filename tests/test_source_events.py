"""The events source: next birthdays and anniversaries from a YAML list, date math, errors."""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dashcli.sources.errors import DataError, SourceError
from dashcli.sources.events import Anniversary, ordinal, upcoming
from tests.conftest import (
    NOW,
    fetch_values,
    fixture_path,
    loop_ticks_while_fifo_waits,
    shared_fixture,
)

FAMILY = "events/family.yaml"


async def events(now=NOW, **settings):
    return await fetch_values("events", "http://127.0.0.1:9", now=now, **settings)


async def test_file_gives_the_next_occasions():
    result = await events(path=str(fixture_path(FAMILY)), count=10)  # Fri 2026-02-06, Boston
    update = result.update
    assert update.type == "events"
    assert update.source == "local"
    assert update.values["upcoming"] == [
        {"name": "Sam", "kind": "birthday", "date": "2026-02-06", "days_until": 0,
         "years": 11, "ordinal": "11th"},
        {"name": "Grandma Rose", "kind": "birthday", "date": "2026-02-09", "days_until": 3,
         "years": 80, "ordinal": "80th"},
        {"name": "Uncle Theo", "kind": "birthday", "date": "2026-02-11", "days_until": 5,
         "years": 63, "ordinal": "63rd"},
        {"name": "Valentine's Day", "kind": "holiday", "date": "2026-02-14", "days_until": 8,
         "years": None, "ordinal": None},
        # born on Feb 29, celebrated on Feb 28 in 2026
        {"name": "Leo", "kind": "birthday", "date": "2026-02-28", "days_until": 22,
         "years": 14, "ordinal": "14th"},
        {"name": "Aunt Mei", "kind": "birthday", "date": "2026-03-13", "days_until": 35,
         "years": None, "ordinal": None},
        {"name": "Mom & Dad", "kind": "anniversary", "date": "2026-06-21", "days_until": 135,
         "years": 40, "ordinal": "40th"},
        # the first occurrence is still ahead: count down to it, no years yet
        {"name": "Nora's wedding", "kind": "anniversary", "date": "2026-09-12",
         "days_until": 218, "years": None, "ordinal": None},
    ]
    assert result.raw == fixture_path(FAMILY).read_bytes()
    # nothing changes until the local date does
    assert update.valid == datetime(2026, 2, 7, 5, 0, tzinfo=UTC)


async def test_count_limits_the_list():
    result = await events(path=str(fixture_path(FAMILY)), count=2)
    assert [item["name"] for item in result.update.values["upcoming"]] == ["Sam", "Grandma Rose"]


async def test_today_is_the_profile_date_not_utc():
    # 02:00 UTC on Feb 9 is still Feb 8 in Boston: Grandma's birthday is tomorrow
    result = await events(now=datetime(2026, 2, 9, 2, 0, tzinfo=UTC),
                          path=str(fixture_path(FAMILY)), count=1)
    first = result.update.values["upcoming"][0]
    assert (first["name"], first["days_until"]) == ("Grandma Rose", 1)
    assert result.update.valid == datetime(2026, 2, 9, 5, 0, tzinfo=UTC)


async def test_leap_day_birthday_in_a_leap_year():
    result = await events(now=datetime(2028, 2, 20, 15, 0, tzinfo=UTC),
                          path=str(fixture_path(FAMILY)), count=10)
    leo = next(item for item in result.update.values["upcoming"] if item["name"] == "Leo")
    assert (leo["date"], leo["days_until"], leo["years"], leo["ordinal"]) == (
        "2028-02-29", 9, 16, "16th")


async def test_passed_this_year_means_next_year():
    result = await events(now=datetime(2026, 6, 22, 15, 0, tzinfo=UTC),
                          path=str(fixture_path(FAMILY)), count=10)
    by_name = {item["name"]: item for item in result.update.values["upcoming"]}
    assert by_name["Mom & Dad"]["date"] == "2027-06-21"
    assert by_name["Mom & Dad"]["days_until"] == 364
    assert by_name["Mom & Dad"]["ordinal"] == "41st"


async def test_inline_items_from_the_profile_join_the_file():
    items = [{"name": "Pip", "date": "02-07", "kind": "birthday"},
             {"name": "Founding day", "date": "1912-02-12"}]
    result = await events(path=str(fixture_path(FAMILY)), items=items, count=4)
    assert [(item["name"], item["days_until"], item["ordinal"])
            for item in result.update.values["upcoming"]] == [
        ("Sam", 0, "11th"), ("Pip", 1, None), ("Grandma Rose", 3, "80th"),
        ("Uncle Theo", 5, "63rd")]
    result = await events(items=items, count=5)
    assert result.raw is None
    assert result.update.values["upcoming"][1] == {
        "name": "Founding day", "kind": "other", "date": "2026-02-12", "days_until": 6,
        "years": 114, "ordinal": "114th"}


async def test_bad_inline_date_names_the_item():
    with pytest.raises(DataError) as caught:
        await events(items=[{"name": "Pip", "date": "02-07"}, {"name": "Bo", "date": "7/2"}])
    assert str(caught.value) == (
        "events: sources.events.items[1]: entry 'Bo': date '7/2' is not YYYY-MM-DD or MM-DD")


# -- broken files: one line naming file:line and the entry


async def test_bad_yaml_names_file_line_and_column():
    path = fixture_path("events/bad-yaml.yaml")
    with pytest.raises(DataError) as caught:
        await events(path=str(path))
    assert str(caught.value).startswith(f"events: {path}:6:1: invalid YAML: ")


async def test_impossible_unquoted_date_names_line_and_entry():
    path = fixture_path("events/bad-date.yaml")
    with pytest.raises(DataError) as caught:
        await events(path=str(path))
    assert str(caught.value) == f"events: {path}:5: entry 'Leo': date '2013-02-29' does not exist"


async def test_missing_field_names_line_and_entry():
    path = fixture_path("events/missing-date.yaml")
    with pytest.raises(DataError) as caught:
        await events(path=str(path))
    assert str(caught.value) == (
        f"events: {path}:5: entry 'Aunt Mei': date: required field is missing")


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("- {name: Ana, date: '13-01'}\n", "1: entry 'Ana': date '13-01' does not exist"),
        ("- {name: Ana, date: '2001-04-31'}\n",
         "1: entry 'Ana': date '2001-04-31' does not exist"),
        ("- {name: Ana, date: '04-01', kind: birthday}\n- {name: Bo, date: '04-02', "
         "colour: red}\n", "2: entry 'Bo': colour: unknown key"),
        ("- {name: Ana, date: '04-01', kind: wedding}\n",
         "1: entry 'Ana': kind: Input should be 'birthday', 'anniversary', 'holiday' or 'other'"),
        ("- {name: '', date: '04-01'}\n", "1: entry {'name': '', 'date': '04-01'}: name: "
         "String should have at least 1 character"),
        ("- just a name\n", "1: entry 'just a name': expected a mapping {name, date, kind}"),
        ("- {name: Ana, date: 20010401}\n", "1: entry 'Ana': date: Input should be a valid string"),
        ("name: Ana\ndate: '04-01'\n", "1: expected a list of events ({name, date, kind})"),
    ],
)
async def test_bad_entries(tmp_path, text, problem):
    path = tmp_path / "events.yaml"
    path.write_text(text)
    with pytest.raises(DataError) as caught:
        await events(path=str(path))
    assert str(caught.value) == f"events: {path}:{problem}"


async def test_unsafe_yaml_tags_are_refused(tmp_path):
    path = tmp_path / "events.yaml"
    path.write_text("- !!python/object/apply:os.system ['echo pwned']\n")
    with pytest.raises(DataError, match="invalid YAML: could not determine a constructor"):
        await events(path=str(path))


async def test_empty_file_gives_an_empty_list(tmp_path):
    path = tmp_path / "events.yaml"
    path.write_text("# nobody yet\n")
    result = await events(path=str(path))
    assert result.update.values == {"upcoming": []}


async def test_missing_file_is_one_clear_error(tmp_path):
    path = tmp_path / "nope.yaml"
    with pytest.raises(SourceError) as caught:
        await events(path=str(path))
    assert str(caught.value) == f"events: {path}: events file not found"


async def test_nothing_configured():
    with pytest.raises(SourceError, match=r"no events configured: set sources\.events\.path"):
        await events()


# -- date math


@pytest.mark.parametrize(
    ("number", "text"),
    [(1, "1st"), (2, "2nd"), (3, "3rd"), (4, "4th"), (10, "10th"), (11, "11th"), (12, "12th"),
     (13, "13th"), (21, "21st"), (22, "22nd"), (23, "23rd"), (40, "40th"), (101, "101st"),
     (111, "111th"), (112, "112th"), (113, "113th"), (122, "122nd")],
)
def test_ordinal(number, text):
    assert ordinal(number) == text


@pytest.mark.parametrize(
    ("today", "expected", "days"),
    [
        (date(2027, 2, 28), date(2027, 2, 28), 0),  # non-leap year: Feb 28 is the day
        (date(2027, 3, 1), date(2028, 2, 29), 365),  # just missed: next leap year has Feb 29
        (date(2028, 2, 28), date(2028, 2, 29), 1),
        (date(2028, 2, 29), date(2028, 2, 29), 0),
        (date(2028, 3, 1), date(2029, 2, 28), 364),
    ],
)
def test_leap_day_occurrences(today, expected, days):
    leap = Anniversary("Leo", "birthday", 2, 29, 2012)
    assert leap.next_occurrence(today) == expected
    assert leap.occasion(today)["days_until"] == days


def test_ties_are_sorted_by_name():
    entries = [Anniversary("bea", "other", 5, 1, None), Anniversary("Al", "other", 5, 1, None)]
    assert [item["name"] for item in upcoming(entries, date(2026, 4, 30), 5)] == ["Al", "bea"]


def _valid_day(data, month):
    days = 29 if month == 2 else calendar.monthrange(2001, month)[1]
    return data.draw(st.integers(1, days))


@given(
    today=st.dates(min_value=date(1900, 1, 1), max_value=date(9998, 12, 31)),
    month=st.integers(1, 12),
    data=st.data(),
)
def test_days_until_is_within_a_year_for_any_date(today, month, data):
    day = _valid_day(data, month)
    year = data.draw(st.none() | st.integers(1, today.year).filter(
        lambda y: (month, day) != (2, 29) or calendar.isleap(y)))
    entry = Anniversary("x", "birthday", month, day, year)
    occasion = entry.occasion(today)
    when = date.fromisoformat(occasion["date"])
    assert 0 <= occasion["days_until"] <= 366
    assert (when - today).days == occasion["days_until"]
    if (month, day) == (2, 29) and not calendar.isleap(when.year):
        assert (when.month, when.day) == (2, 28)
    else:
        assert (when.month, when.day) == (month, day)
    if year is not None and when.year > year:
        assert occasion["years"] == when.year - year
        assert occasion["ordinal"].startswith(str(occasion["years"]))
    else:
        assert occasion["years"] is None


async def test_the_file_is_read_off_the_event_loop(tmp_path):
    path = tmp_path / "slow.yaml"
    fetch = events(path=str(path))
    assert await loop_ticks_while_fifo_waits(path, fixture_path(FAMILY).read_bytes(), fetch) >= 10


async def test_the_old_systems_events_json_is_read_as_it_is():
    path = fixture_path("events/legacy-events.json")  # the matrix-events ConfigMap's layout
    update = (await events(path=str(path), count=10)).update
    assert update.values["upcoming"] == [
        {"name": "Grandma Rose", "kind": "birthday", "date": "2026-02-09", "days_until": 3,
         "years": 80, "ordinal": "80th"},
        {"name": "Leo", "kind": "birthday", "date": "2026-02-28", "days_until": 22,
         "years": 14, "ordinal": "14th"},
        {"name": "Zoé", "kind": "birthday", "date": "2026-03-14", "days_until": 36,
         "years": 14, "ordinal": "14th"},
        {"name": "Mom & Dad", "kind": "anniversary", "date": "2026-06-21", "days_until": 135,
         "years": 40, "ordinal": "40th"},
    ]


async def test_the_recorded_events_json_of_the_old_system():
    path = shared_fixture("legacy/gen-b/inputs/events.json")
    update = (await events(path=str(path), count=10)).update
    assert [occasion["name"] for occasion in update.values["upcoming"]] == [
        "Zoé", "Pat & Sam", "Uncle Ray", "Grandma"]


async def test_an_impossible_old_entry_names_the_line(tmp_path):
    path = tmp_path / "events.json"
    path.write_text('[\n{"event": "Birthday", "name": "Ana", "month": 2, "day": 30}]\n')
    with pytest.raises(DataError) as caught:
        await events(path=str(path))
    assert str(caught.value) == f"events: {path}:2: entry 'Ana': entry: impossible date 2/30"
