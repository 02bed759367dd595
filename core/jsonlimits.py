"""The one JSON check at every way in: size, nesting depth and strict encoding, then nothing else.

Everything dashcli accepts from outside (``dash publish``, HTTP bodies, Redis channels, the legacy
channel and keys, upstream bodies) goes through :func:`loads` (text) or :func:`check` (a value
already decoded, e.g. a provider's output) before it is stored. Both refuse what the rest of the
system could not round-trip: more than ``max_bytes`` of JSON, nesting deeper than ``max_depth``
(Python's decoder and encoder recurse, so a deep value accepted once would break every later
read), ``NaN``/``Infinity`` (not JSON; browsers reject them) and lone UTF-16 surrogates (not
encodable as UTF-8). A refusal is a :class:`JsonLimitError` naming what and where, one line. What
passes is guaranteed to encode with :func:`dumps` and decode again with :func:`loads`, so a stored
row can never fail to read for a reason its write accepted.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from dashcli.core.errors import DashError

# One event's JSON: far above any real page's values (the largest recorded is ~40 KiB) and small
# enough that a copy per SSE client stays affordable.
DEFAULT_MAX_BYTES = 1024 * 1024
# Real upstream answers nest 16 deep at most; 64 leaves room and stays far from recursion limits.
DEFAULT_MAX_DEPTH = 64


class JsonLimitError(DashError):
    """Input is not JSON dashcli will store (too big, too deep, NaN, lone surrogate): exit 2."""

    exit_code = 2


@dataclass(frozen=True)
class JsonLimits:
    """The bounds one way in applies; ``DEFAULT`` everywhere unless a profile says otherwise."""

    max_bytes: int = DEFAULT_MAX_BYTES
    max_depth: int = DEFAULT_MAX_DEPTH


DEFAULT = JsonLimits()


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def loads(text: str | bytes, what: str, limits: JsonLimits = DEFAULT) -> Any:
    """Decode ``text`` strictly within ``limits``; a defect is a JsonLimitError naming ``what``."""
    size = len(text.encode("utf-8", "surrogatepass") if isinstance(text, str) else text)
    if size > limits.max_bytes:
        raise _too_big(what, limits)
    try:
        value = json.loads(text, parse_constant=_reject_constant)
    except RecursionError:
        raise _too_deep(what, limits) from None
    except UnicodeDecodeError:
        raise JsonLimitError(f"{what}: not UTF-8 text") from None
    except ValueError as exc:
        raise JsonLimitError(f"{what}: not valid JSON ({exc})") from None
    check(value, what, limits, size_checked=True)
    return value


def check(
    value: Any, what: str, limits: JsonLimits = DEFAULT, *, size_checked: bool = False
) -> None:
    """Refuse a decoded value that :func:`dumps` could not write or :func:`loads` read back."""
    _check_depth(value, what, limits)
    try:
        encoded = dumps(value).encode("utf-8")
    except UnicodeEncodeError:
        raise JsonLimitError(
            f"{what}: a string holds a lone UTF-16 surrogate (not UTF-8)"
        ) from None
    except ValueError:
        raise JsonLimitError(f"{what}: NaN or Infinity is not JSON") from None
    except TypeError as exc:
        raise JsonLimitError(f"{what}: not a JSON value ({exc})") from None
    if not size_checked and len(encoded) > limits.max_bytes:
        raise _too_big(what, limits)


def dumps(value: Any) -> str:
    """Compact strict JSON (UTF-8 kept, ``NaN`` refused), the form stored and sent on the wire."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def _check_depth(value: Any, what: str, limits: JsonLimits) -> None:
    # Iterative: the point is to refuse values too deep for the recursive encoder and decoder.
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children: Any = item.values()
        elif isinstance(item, list | tuple):
            children = item
        else:
            continue
        if depth > limits.max_depth:
            raise _too_deep(what, limits)
        stack.extend((child, depth + 1) for child in children)


def _too_big(what: str, limits: JsonLimits) -> JsonLimitError:
    return JsonLimitError(f"{what}: JSON larger than the {limits.max_bytes} bytes allowed")


def _too_deep(what: str, limits: JsonLimits) -> JsonLimitError:
    return JsonLimitError(f"{what}: JSON nested more than {limits.max_depth} levels deep")
