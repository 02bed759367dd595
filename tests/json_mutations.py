"""Hypothesis strategies for property tests of response parsers: arbitrary JSON, random documents
built from an API's own key names, and real-shaped documents with a few values replaced by
arbitrary JSON (which reaches the deep paths of a parser that random documents rarely get past
the first required key to).
"""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import strategies as st

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=10), inner,
                                                                 max_size=3),
    max_leaves=15,
)
_DELETE = object()


def keyed_json(keys: list[str], leaves: st.SearchStrategy[Any], *, max_leaves: int,
           max_list: int = 3) -> st.SearchStrategy[Any]:
    """Random documents of objects keyed by the API's own ``keys`` (up to six per object) and
    lists (up to ``max_list`` items), with ``leaves`` at the ends."""
    return st.recursive(
        leaves,
        lambda inner: st.dictionaries(st.sampled_from(keys), inner, max_size=6)
        | st.lists(inner, max_size=max_list),
        max_leaves=max_leaves,
    )  # a change that removes the key instead of replacing its value


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found: list[tuple[Any, ...]] = []
    children: list[tuple[Any, Any]] = []
    if isinstance(value, dict):
        children = list(value.items())
    elif isinstance(value, list):
        children = list(enumerate(value))
    for key, child in children:
        found.append((*prefix, key))
        found.extend(_paths(child, (*prefix, key)))
    return found


def _replace(document: Any, path: tuple[Any, ...], new: Any) -> None:
    parent = document
    for key in path[:-1]:
        try:
            parent = parent[key]
        except (KeyError, IndexError, TypeError):
            return  # an earlier replacement removed this path
    if isinstance(parent, dict | list):
        try:
            parent[path[-1]] = new
        except (IndexError, TypeError):
            return


def mutated(document: Any, max_changes: int = 4) -> st.SearchStrategy[Any]:
    """``document`` (deep-copied) with up to ``max_changes`` values replaced or keys removed."""
    paths = _paths(document)
    change = st.tuples(st.sampled_from(paths), json_values | st.just(_DELETE))

    def apply(changes: list[tuple[tuple[Any, ...], Any]]) -> Any:
        result = copy.deepcopy(document)
        for path, new in changes:
            if new is _DELETE:
                _delete(result, path)
            else:
                _replace(result, path, new)
        return result

    return st.lists(change, min_size=1, max_size=max_changes).map(apply)



def _delete(document: Any, path: tuple[Any, ...]) -> None:
    parent = document
    for key in path[:-1]:
        try:
            parent = parent[key]
        except (KeyError, IndexError, TypeError):
            return
    if isinstance(parent, dict):
        parent.pop(path[-1], None)
