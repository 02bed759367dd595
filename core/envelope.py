"""The update envelope every part exchanges, and the ISO 8601 time helpers around it.

An :class:`Update` is what a source produces, the store keeps and the server sends: the data
``type`` (a page's data type), when it was ``updated``, until when it is ``valid``, the opaque
``values`` object, the store-assigned ``seq`` and the ``source`` (provider) that made it. Its JSON
form is the contract of DESIGN.md, so its field names must not change.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from dashcli.core.errors import DashError


class EnvelopeError(DashError):
    """A message is not a valid update envelope; the message says which field and why."""


def isoformat(moment: datetime) -> str:
    """ISO 8601 with an explicit offset and second precision, the envelope's time format."""
    if moment.tzinfo is None:
        raise ValueError("envelope times must be timezone-aware")
    return moment.isoformat(timespec="seconds")


def parse_time(text: str, *, field_name: str = "time") -> datetime:
    """Parse an ISO 8601 time with an offset; a naive or malformed time is an EnvelopeError."""
    try:
        moment = datetime.fromisoformat(text)
    except (TypeError, ValueError):
        raise EnvelopeError(f"{field_name}: not an ISO 8601 time: {text!r:.60}") from None
    if moment.tzinfo is None:
        raise EnvelopeError(f"{field_name}: time has no UTC offset: {text!r:.60}")
    return moment


def utcnow() -> datetime:
    """The current time, aware, in UTC (the one place the clock is read for envelopes)."""
    return datetime.now(UTC)


@dataclass(frozen=True)
class Update:
    """One data type's latest state: the unit of storage and of every SSE event."""

    type: str
    updated: datetime
    valid: datetime
    values: dict[str, Any]
    source: str = ""
    seq: int | None = field(default=None)

    def is_stale(self, now: datetime) -> bool:
        """True when ``now`` is past ``valid``: displays mark such data, never hide it."""
        return now >= self.valid

    def with_seq(self, seq: int) -> Update:
        """A copy carrying the sequence number the store assigned."""
        return replace(self, seq=seq)

    def to_dict(self) -> dict[str, Any]:
        """The JSON object of the envelope (``seq`` only once the store assigned one)."""
        data: dict[str, Any] = {
            "type": self.type,
            "updated": isoformat(self.updated),
            "valid": isoformat(self.valid),
            "values": self.values,
            "source": self.source,
        }
        if self.seq is not None:
            data["seq"] = self.seq
        return data

    def to_json(self) -> str:
        """Compact JSON, UTF-8 safe, as stored and sent on the wire."""
        return json.dumps(self.to_dict(), ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_dict(cls, data: object) -> Update:
        """Validate a decoded envelope; any defect raises EnvelopeError naming the field."""
        if not isinstance(data, dict):
            raise EnvelopeError(f"envelope: expected a JSON object, got {type(data).__name__}")
        kind = data.get("type")
        if not isinstance(kind, str) or not kind:
            raise EnvelopeError("envelope.type: missing or not a non-empty string")
        values = data.get("values")
        if not isinstance(values, dict):
            raise EnvelopeError("envelope.values: missing or not a JSON object")
        updated = parse_time(_need_str(data, "updated"), field_name="envelope.updated")
        valid = parse_time(_need_str(data, "valid"), field_name="envelope.valid")
        seq = data.get("seq")
        if seq is not None and (not isinstance(seq, int) or isinstance(seq, bool) or seq < 0):
            raise EnvelopeError("envelope.seq: not a non-negative integer")
        source = data.get("source", "")
        if not isinstance(source, str):
            raise EnvelopeError("envelope.source: not a string")
        return cls(kind, updated, valid, values, source, seq)

    @classmethod
    def from_json(cls, text: str | bytes) -> Update:
        """Decode and validate one envelope from JSON text."""
        try:
            data = json.loads(text)
        except (ValueError, UnicodeDecodeError) as exc:
            raise EnvelopeError(f"envelope: not JSON ({exc})") from None
        return cls.from_dict(data)


def _need_str(data: dict[str, Any], key: str) -> str:
    value = data.get(key)
    if not isinstance(value, str):
        raise EnvelopeError(f"envelope.{key}: missing or not a string")
    return value
