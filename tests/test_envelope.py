"""The update envelope: round trip, and every defect named by field."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dashcli.core.envelope import EnvelopeError, Update

UPDATED = datetime(2026, 7, 11, 21, 5, tzinfo=UTC)


def make(**changes):
    data = {
        "type": "weather",
        "updated": "2026-07-11T21:05:00+00:00",
        "valid": "2026-07-11T21:35:00+00:00",
        "values": {"t": 1, "name": "Zürich ☀"},
        "source": "open-meteo",
        "seq": 17,
    }
    data.update(changes)
    return data


def test_round_trip_keeps_contract_field_names():
    update = Update.from_dict(make())
    assert update.seq == 17
    assert update.valid - update.updated == timedelta(minutes=30)
    assert Update.from_json(update.to_json()) == update
    assert set(update.to_dict()) == {"type", "updated", "valid", "values", "source", "seq"}
    assert "Zürich ☀" in update.to_json()


def test_seq_is_absent_until_assigned():
    update = Update("air", UPDATED, UPDATED, {})
    assert "seq" not in update.to_dict()
    assert update.with_seq(3).to_dict()["seq"] == 3


def test_staleness():
    update = Update("air", UPDATED, UPDATED + timedelta(minutes=5), {})
    assert not update.is_stale(UPDATED)
    assert update.is_stale(UPDATED + timedelta(minutes=5))


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"type": ""}, "envelope.type"),
        ({"type": 3}, "envelope.type"),
        ({"values": [1]}, "envelope.values"),
        ({"updated": "yesterday"}, "envelope.updated: not an ISO 8601 time"),
        ({"valid": "2026-07-11T21:35:00"}, "envelope.valid: time has no UTC offset"),
        ({"seq": -1}, "envelope.seq"),
        ({"seq": True}, "envelope.seq"),
        ({"source": 5}, "envelope.source"),
    ],
)
def test_defects_are_named(changes, message):
    with pytest.raises(EnvelopeError, match=message):
        Update.from_dict(make(**changes))


def test_not_json_and_not_object():
    with pytest.raises(EnvelopeError, match="not valid JSON"):
        Update.from_json(b"{")
    with pytest.raises(EnvelopeError, match="expected a JSON object"):
        Update.from_json(b"[]")


@given(st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=5),
                    lambda inner: st.lists(inner, max_size=3)
                    | st.dictionaries(st.sampled_from(list(make())), inner, max_size=6),
                    max_leaves=15))
def test_any_json_is_an_update_or_an_envelope_error(data):
    try:
        update = Update.from_dict(data)
    except EnvelopeError:
        return
    assert isinstance(update.values, dict)
