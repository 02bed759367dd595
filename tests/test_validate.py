"""The JSON reader every source uses: paths in errors, optional vs required, strict types."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from dashcli.sources.errors import DataError
from dashcli.sources.validate import Node, parse_json


def test_required_and_optional_children_report_paths():
    root = Node({"a": {"b": [1, None, "x"]}, "n": None}, "api")
    assert root["a"]["b"][0].integer() == 1
    assert root.get("n") is None
    assert root["a"]["b"].get(1) is None
    with pytest.raises(DataError) as caught:
        root["a"]["c"]
    assert caught.value.field == "api.a.c"
    with pytest.raises(DataError, match=r"api\.a\.b\[2\]: expected a number, got a string"):
        root["a"]["b"][2].number()
    with pytest.raises(DataError, match=r"api\.a\.b: expected at least 6 items"):
        root["a"]["b"][5]


@pytest.mark.parametrize(
    ("value", "method", "expected"),
    [
        (True, "number", DataError),
        ("3", "integer", 3),
        (3.0, "integer", 3),
        (3.5, "integer", DataError),
        (1, "boolean", True),
        (2, "boolean", DataError),
        (float("inf"), "number", DataError),
        ([], "mapping", DataError),
        ({}, "items", DataError),
    ],
)
def test_typed_accessors(value, method, expected):
    node = Node(value, "x")
    if expected is DataError:
        with pytest.raises(DataError):
            getattr(node, method)()
    else:
        assert getattr(node, method)() == expected


def test_times():
    tz = ZoneInfo("America/New_York")
    assert Node("2026-02-06T16:30", "t").time(tz).utcoffset().total_seconds() == -5 * 3600
    assert Node("2026-02-06T16:30Z", "t").time().tzinfo is not None
    with pytest.raises(DataError, match="without a UTC offset"):
        Node("2026-02-06T16:30", "t").time()
    with pytest.raises(DataError, match="not an ISO 8601 time"):
        Node("soon", "t").time(tz)


def test_parse_json_names_the_source():
    with pytest.raises(DataError, match="espn: response is not valid JSON"):
        parse_json(b"<html>", "espn")
    with pytest.raises(DataError, match="espn: response is not valid JSON"):
        parse_json(b"\xff\xfe", "espn")
