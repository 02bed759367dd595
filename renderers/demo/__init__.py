"""Demo values for every data type, shipped with the package: frames with no network.

Each ``<type>.json`` is an update envelope as ``dash fetch --json`` prints it, all around one
moment, :data:`DEMO_NOW` (a Sunday afternoon in Boston with baseball and football live), so
``dash render --demo`` draws at that moment unless ``--at`` says otherwise.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from functools import cache
from importlib import resources
from typing import Any

from dashcli.core.envelope import Update
from dashcli.core.errors import UsageError

log = logging.getLogger(__name__)
DEMO_NOW = datetime(2026, 9, 27, 17, 40, tzinfo=UTC)
DEMO_TIMEZONE = "America/New_York"


def demo_types() -> list[str]:
    """The data types that have demo values."""
    files = resources.files(__name__).iterdir()
    return sorted(item.name.removesuffix(".json") for item in files if item.name.endswith(".json"))


@cache
def _load(kind: str) -> str:
    path = resources.files(__name__).joinpath(f"{kind}.json")
    if not path.is_file():
        raise UsageError(f"no demo values for {kind!r} (demo types: {', '.join(demo_types())})")
    return path.read_text(encoding="utf-8")


def demo_update(kind: str, seq: int = 1) -> Update:
    """The demo update of ``kind`` (a fresh object each call, so callers may keep it)."""
    return Update.from_json(_load(kind)).with_seq(seq)


def demo_state(*kinds: str) -> dict[str, Update]:
    """Demo updates of ``kinds`` (every demo type when none are given, with the plugin pages'
    ``DEMO_VALUES``), seq numbered."""
    names = list(kinds) or demo_types()
    state = {kind: demo_update(kind, seq) for seq, kind in enumerate(names, start=1)}
    if not kinds:
        for kind, values in plugin_demo_values().items():
            state.setdefault(kind, Update(kind, DEMO_NOW, DEMO_NOW + timedelta(hours=1), values,
                                          "demo", len(state) + 1))
    return state


def plugin_demo_values() -> dict[str, dict[str, Any]]:
    """The ``DEMO_VALUES`` (type → values) of the installed plugin pages' modules; a module that
    fails to import is one warning naming it."""
    from dashcli.renderers.registry import plugin_pages

    found: dict[str, dict[str, Any]] = {}
    for spec in plugin_pages().values():
        try:
            demo = getattr(spec.load(), "DEMO_VALUES", None)
        except Exception as exc:  # a third-party module: its failure is that plugin's
            log.warning("plugin page %s: no demo values: %s: %s", spec.name,
                        type(exc).__name__, exc)
            continue
        if isinstance(demo, dict):
            found.update({kind: values for kind, values in demo.items()
                          if isinstance(kind, str) and isinstance(values, dict)})
    return found
