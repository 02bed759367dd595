"""The update envelope every part exchanges, and the ISO 8601 time helpers around it.

An :class:`Update` is what a source produces, the store keeps and the server sends: the data
``type`` (a page's data type), when it was ``updated``, until when it is ``valid``, the opaque
``values`` object, the store-assigned ``seq`` and the ``source`` (provider) that made it. Its JSON
form is a contract of ARCHITECTURE.md, so its field names must not change.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from dashcli.core import jsonlimits
from dashcli.core.errors import DashError

# A data type is an SSE event name and a URL path segment: short, plain, one line.
TYPE_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
# SSE event names the server and displays use for themselves ("message", "error" and "open" are
# what EventSource dispatches on its own): a data type of one of these names would spoof them.
RESERVED_TYPES = frozenset({"shutdown", "control", "frame", "notify", "resync", "message", "error",
                            "open"})
# What a "control" event asks a display to do (POST /control/{action}, dash:control on Redis).
CONTROL_ACTIONS = frozenset({"pause", "resume", "next", "prev"})
# Reading an envelope back: its values passed admit() (so one level more for the envelope), and
# its size was bounded when written, whatever the limit was then.
READ_LIMITS = jsonlimits.JsonLimits(
    max_bytes=2**31, max_depth=jsonlimits.DEFAULT_MAX_DEPTH + 1
)


class EnvelopeError(DashError):
    """A message is not a valid update envelope; the message says which field and why."""


def check_type(kind: object, what: str = "type") -> str:
    """``kind`` when it may name a data type; an EnvelopeError (exit 2) saying why otherwise."""
    if not isinstance(kind, str) or not TYPE_PATTERN.match(kind):
        shown = repr(kind)[:70] if isinstance(kind, str) else type(kind).__name__
        raise EnvelopeError(
            f"{what} {shown}: use letters, digits, '_', '.', '-' (up to 64)", exit_code=2
        )
    if kind.lower() in RESERVED_TYPES:
        raise EnvelopeError(
            f"{what} {kind!r}: reserved for the server's own events "
            f"({', '.join(sorted(RESERVED_TYPES))})",
            exit_code=2,
        )
    return kind


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
        return jsonlimits.dumps(self.to_dict())

    def admit(self, limits: jsonlimits.JsonLimits = jsonlimits.DEFAULT) -> Update:
        """This update, once its type and values pass the boundary checks every store applies.

        Raises EnvelopeError (type) or JsonLimitError (values), both exit 2, so nothing that a
        later read could not decode is ever stored.
        """
        check_type(self.type, "type")
        jsonlimits.check(self.values, f"{self.type}: values", limits)
        return self

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
            data = jsonlimits.loads(text, "envelope", READ_LIMITS)
        except jsonlimits.JsonLimitError as exc:
            raise EnvelopeError(str(exc)) from None
        return cls.from_dict(data)


def _need_str(data: dict[str, Any], key: str) -> str:
    value = data.get(key)
    if not isinstance(value, str):
        raise EnvelopeError(f"envelope.{key}: missing or not a string")
    return value
