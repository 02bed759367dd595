"""Reading ``--data FILE|-``: the state a user hands to ``dash render``, ``tui`` and ``matrix``.

The input is what other commands print: one update envelope (``dash fetch --json``), a JSON list
of envelopes, or a ``/state`` object (type → envelope). Updates without a ``seq`` get one by
position, so frame caches can tell them apart. Every defect is one line naming the input.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from dashcli.core.envelope import EnvelopeError, Update
from dashcli.core.errors import DashError, UsageError


def read_state(source: str) -> dict[str, Update]:
    """Updates by type from ``source`` (a path, or ``-`` for stdin)."""
    where = "stdin" if source == "-" else source
    try:
        text = sys.stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = getattr(exc, "strerror", None) or exc
        raise DashError(f"--data: cannot read {where}: {reason}") from None
    try:
        parsed: Any = json.loads(text)
    except ValueError as exc:
        raise UsageError(f"--data: {where} is not JSON ({exc})") from None
    if isinstance(parsed, dict) and "type" in parsed:
        items: list[Any] = [parsed]
    elif isinstance(parsed, list):
        items = parsed
    elif isinstance(parsed, dict):
        items = list(parsed.values())
    else:
        raise UsageError(f"--data: {where} is not an envelope, a list of them or a /state object")
    state: dict[str, Update] = {}
    for index, item in enumerate(items):
        try:
            update = Update.from_dict(item)
        except EnvelopeError as exc:
            raise UsageError(f"--data: {where}: item {index}: {exc}") from None
        state[update.type] = update if update.seq is not None else update.with_seq(index + 1)
    return state
