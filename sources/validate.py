"""Reading untrusted JSON with every defect reported as a :class:`DataError` naming the field.

Sources never index a response directly: they wrap it in a :class:`Node` and ask for what they
need (``node["current"]["temperature_2m"].number()``, or ``.string()``, ``.integer()``,
``.boolean()``, ``.items()``, ``.time(tz)``), or for what may be missing (``node.get("linescore")``
returns ``None``). A wrong type or a missing key raises ``DataError``
with a JSON path such as ``open-meteo.current.temperature_2m``; no KeyError or TypeError escapes.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from dashcli.core import jsonlimits
from dashcli.sources.errors import DataError

UPSTREAM_LIMITS = jsonlimits.JsonLimits()


def parse_json(body: bytes, where: str) -> Node:
    """Decode a response body; malformed JSON is a DataError naming ``where``."""
    try:
        value = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise DataError(where, f"response is not valid JSON ({exc})") from None
    except RecursionError:
        raise DataError(where, "response: JSON nested too deep") from None
    try:
        # Depth and strictness as for every input; the size was capped as the body was read.
        jsonlimits.check(value, "response", UPSTREAM_LIMITS, size_checked=True)
    except jsonlimits.JsonLimitError as exc:
        raise DataError(where, str(exc)) from None
    return Node(value, where)


class Node:
    """A position in a decoded JSON document, with typed accessors that validate."""

    __slots__ = ("path", "value")

    def __init__(self, value: Any, path: str) -> None:
        self.value = value
        self.path = path

    def __repr__(self) -> str:
        return f"Node({self.path})"

    def _fail(self, problem: str) -> DataError:
        return DataError(self.path, problem)

    def _describe(self) -> str:
        value = self.value
        if value is None:
            return "null"
        if isinstance(value, bool):
            return "a boolean"
        if isinstance(value, int | float):
            return "a number"
        if isinstance(value, str):
            return "a string"
        if isinstance(value, list):
            return "a list"
        return "an object"

    def __getitem__(self, key: str | int) -> Node:
        """A required child: the key must exist and not be null."""
        child = self.get(key)
        if child is None:
            if isinstance(key, int):
                raise self._fail(f"expected at least {key + 1} items")
            raise DataError(f"{self.path}.{key}", "required field is missing")
        return child

    def get(self, key: str | int) -> Node | None:
        """An optional child: ``None`` when absent or null; an error only for a wrong container."""
        if isinstance(key, int):
            items = self.items()
            if -len(items) <= key < len(items) and items[key].value is not None:
                return items[key]
            return None
        mapping = self.mapping()
        if key in mapping and mapping[key] is not None:
            return Node(mapping[key], f"{self.path}.{key}")
        return None

    def has(self, key: str) -> bool:
        return self.get(key) is not None

    def mapping(self) -> dict[str, Any]:
        if not isinstance(self.value, dict):
            raise self._fail(f"expected an object, got {self._describe()}")
        return self.value

    def items(self) -> list[Node]:
        if not isinstance(self.value, list):
            raise self._fail(f"expected a list, got {self._describe()}")
        return [Node(item, f"{self.path}[{index}]") for index, item in enumerate(self.value)]

    def __iter__(self) -> Iterator[Node]:
        return iter(self.items())

    def string(self) -> str:
        if not isinstance(self.value, str):
            raise self._fail(f"expected a string, got {self._describe()}")
        return self.value

    def number(self) -> float:
        """A finite number (ints are accepted; booleans and numeric strings are not)."""
        value = self.value
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self._fail(f"expected a number, got {self._describe()}")
        if not math.isfinite(value):
            raise self._fail("expected a finite number")
        return float(value)

    def integer(self) -> int:
        """An integer; a float with no fraction and a string of digits are accepted (APIs vary)."""
        value = self.value
        if isinstance(value, str) and value.strip().lstrip("-").isdigit():
            return int(value)
        number = self.number()
        if not number.is_integer():
            raise self._fail(f"expected an integer, got {number}")
        return int(number)

    def boolean(self) -> bool:
        """A boolean; 0/1 are accepted because Open-Meteo sends ``is_day`` as a number."""
        value = self.value
        if isinstance(value, bool):
            return value
        if isinstance(value, int) and value in (0, 1):
            return bool(value)
        raise self._fail(f"expected a boolean, got {self._describe()}")

    def time(self, tz: Any = None) -> datetime:
        """An ISO 8601 time; a naive one is placed in ``tz`` (required then)."""
        text = self.string()
        try:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            raise self._fail(f"not an ISO 8601 time: {text[:40]!r}") from None
        if moment.tzinfo is None:
            if tz is None:
                raise self._fail(f"time without a UTC offset: {text[:40]!r}")
            moment = moment.replace(tzinfo=tz)
        return moment

    def opt_str(self, key: str) -> str | None:
        child = self.get(key)
        return child.string() if child is not None else None

    def opt_number(self, key: str) -> float | None:
        child = self.get(key)
        return child.number() if child is not None else None

    def opt_int(self, key: str) -> int | None:
        child = self.get(key)
        return child.integer() if child is not None else None
