"""Plugins: objects other installed packages offer through entry points, loaded once per group.

A package adds a source or a page by declaring an entry point in the group ``dashcli.sources``
(an object like the built-in :class:`dashcli.sources.SourceInfo` entries) or ``dashcli.pages``
(a :class:`dashcli.renderers.registry.PageSpec`). :func:`load_group` imports every entry point of
a group once; a plugin that fails to import or is not of the expected type is one warning naming
it (its distribution and entry point) and is skipped, so the rest runs.
"""

from __future__ import annotations

import logging
from functools import cache
from importlib.metadata import entry_points

log = logging.getLogger(__name__)

SOURCES_GROUP = "dashcli.sources"
PAGES_GROUP = "dashcli.pages"


@cache
def names(group: str) -> frozenset[str]:
    """The entry point names of ``group`` (nothing is imported)."""
    return frozenset(point.name for point in entry_points(group=group))


@cache
def load_group(group: str, kind: type) -> dict[str, object]:
    """Every entry point of ``group`` that loads an instance of ``kind``, by entry point name."""
    found: dict[str, object] = {}
    for point in entry_points(group=group):
        where = f"{point.dist.name if point.dist else '?'} ({point.name} = {point.value})"
        try:
            value = point.load()
        except Exception as exc:  # any failure inside a third-party import is that plugin's
            log.warning("plugin %s skipped: %s: %s", where, type(exc).__name__, exc)
            continue
        if not isinstance(value, kind):
            log.warning("plugin %s skipped: it is a %s, not a %s", where, type(value).__name__,
                        kind.__name__)
            continue
        found[point.name] = value
    return found
