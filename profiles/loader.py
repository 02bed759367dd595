"""Finding, reading and validating profiles, with errors that point at the file, line and column.

Search order for a profile (ARCHITECTURE.md): ``--profile NAME|PATH``, ``$DASH_PROFILE``, the user's
``~/.config/dash/profiles/NAME.yaml``, then the bundled profiles. ``--set dotted.path=value``
overrides are applied to the parsed YAML before validation, so they are checked like the file.
YAML is always read with the safe loader.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from dashcli.core.errors import ProfileError
from dashcli.profiles.schema import Profile

BUNDLED_DIR = Path(__file__).resolve().parent
DEFAULT_NAME = "default"


def user_profiles_dir() -> Path:
    """``$XDG_CONFIG_HOME/dash/profiles`` (``~/.config/dash/profiles`` by default)."""
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "dash" / "profiles"


@dataclass(frozen=True)
class ProfileInfo:
    """A profile found on disk: its name, file and where it comes from (user or bundled)."""

    name: str
    path: Path
    origin: str


def available_profiles() -> list[ProfileInfo]:
    """Every profile a name can select; a user profile hides a bundled one of the same name."""
    found: dict[str, ProfileInfo] = {}
    for origin, folder in (("bundled", BUNDLED_DIR), ("user", user_profiles_dir())):
        if folder.is_dir():
            for path in sorted(folder.glob("*.yaml")):
                found[path.stem] = ProfileInfo(path.stem, path, origin)
    return sorted(found.values(), key=lambda info: info.name)


def resolve_profile_path(name_or_path: str | None) -> Path:
    """The file a ``--profile`` value (or ``$DASH_PROFILE``, or the default) designates."""
    wanted = name_or_path or os.environ.get("DASH_PROFILE") or DEFAULT_NAME
    looks_like_path = os.sep in wanted or wanted.endswith((".yaml", ".yml"))
    if looks_like_path:
        path = Path(wanted).expanduser()
        if not path.is_file():
            raise ProfileError(f"{path}: profile file not found")
        return path
    for folder in (user_profiles_dir(), BUNDLED_DIR):
        candidate = folder / f"{wanted}.yaml"
        if candidate.is_file():
            return candidate
    names = ", ".join(info.name for info in available_profiles())
    raise ProfileError(f"profile {wanted!r} not found (known: {names})")


def load_profile(name_or_path: str | None = None, overrides: list[str] | None = None) -> Profile:
    """Load, override and validate a profile; any defect raises a one-line ProfileError."""
    path = resolve_profile_path(name_or_path)
    return _validate(path, _read_text(path), overrides or [])


def validate_file(path: Path) -> Profile:
    """Validate one profile file as ``dash profiles validate`` does."""
    if not path.is_file():
        raise ProfileError(f"{path}: profile file not found")
    return _validate(path, _read_text(path), [])


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else "not UTF-8 text"
        raise ProfileError(f"{path}: cannot read profile: {reason}") from None


def _validate(path: Path, text: str, overrides: list[str]) -> Profile:
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        where, problem = yaml_error(path, exc)
        raise ProfileError(f"{where}: {problem}") from None
    except ValueError:
        # YAML reads 1950-13-40 as a date, and constructing it raises ValueError.
        raise ProfileError(_bad_scalar(path, root)) from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ProfileError(f"{path}:1:1: a profile must be a mapping of settings")
    touched: set[tuple[str, ...]] = set()
    for override in overrides:
        touched.add(apply_override(data, override))
    try:
        return Profile.model_validate(data)
    except ValidationError as exc:
        raise ProfileError(_describe(path, root, exc, touched)) from None


def _bad_scalar(path: Path, root: yaml.Node | None) -> str:
    """``file:line:col: ... is not a valid date`` for the first timestamp that cannot be built."""
    constructor = yaml.SafeLoader("")
    pending = [root] if root is not None else []
    while pending:
        node = pending.pop(0)
        if isinstance(node, yaml.MappingNode):
            pending.extend(value for pair in node.value for value in pair)
        elif isinstance(node, yaml.SequenceNode):
            pending.extend(node.value)
        elif isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:timestamp":
            try:
                constructor.construct_yaml_timestamp(node)
            except ValueError:
                mark = node.start_mark
                return (f"{path}:{mark.line + 1}:{mark.column + 1}: {node.value!r} is not a valid "
                        "date (YYYY-MM-DD)")
    return f"{path}: a value cannot be read"


def yaml_error(path: Path, exc: yaml.YAMLError) -> tuple[str, str]:
    """Where a YAML syntax error is (``file:line:column`` when known) and what it is.

    Shared by every YAML file dashcli reads (profiles, the events source's lists), so their
    syntax errors read alike.
    """
    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else str(path)
        return where, f"invalid YAML: {exc.problem or exc.context}"
    return str(path), f"invalid YAML: {exc}"


def apply_override(data: dict[str, Any], override: str) -> tuple[str, ...]:
    """Apply one ``dotted.path=value`` (the value parsed as YAML) in place; returns the path."""
    key, sep, raw = override.partition("=")
    parts = tuple(part for part in key.strip().split(".") if part)
    if not sep or not parts:
        raise ProfileError(f"--set {override!r}: expected dotted.path=value")
    try:
        value = yaml.safe_load(raw) if raw.strip() else ""
    except (yaml.YAMLError, ValueError):  # ValueError: a date such as 1950-13-40
        value = raw
    node: Any = data
    for depth, part in enumerate(parts[:-1]):
        nxt = _child(node, part)
        if nxt is None:
            nxt = {}
            _assign(node, part, nxt, override)
        elif not isinstance(nxt, dict | list):
            where = ".".join(parts[: depth + 1])
            raise ProfileError(f"--set {override!r}: {where} is a value, not a section")
        node = nxt
    _assign(node, parts[-1], value, override)
    return parts


def _child(node: Any, part: str) -> Any:
    if isinstance(node, list):
        return node[int(part)] if part.isdigit() and int(part) < len(node) else None
    return node.get(part)


def _assign(node: Any, part: str, value: Any, override: str) -> None:
    if isinstance(node, list):
        if not part.isdigit() or int(part) >= len(node):
            raise ProfileError(f"--set {override!r}: {part!r} is not an index of the list")
        node[int(part)] = value
    else:
        node[part] = value


def _describe(
    path: Path, root: yaml.Node | None, exc: ValidationError, touched: set[tuple[str, ...]]
) -> str:
    """One line for the first schema error: ``file:line:col: dotted.path: message``."""
    error = exc.errors()[0]
    loc = [str(part) for part in error["loc"]]
    dotted = ".".join(loc) or "(top level)"
    message = _message(error)
    if any(tuple(loc[: len(parts)]) == parts for parts in touched):
        return f"{path}: --set {dotted}: {message}"
    mark = _locate(root, loc, at_key=error["type"] == "extra_forbidden")
    where = f"{path}:{mark[0]}:{mark[1]}" if mark else str(path)
    extra = len(exc.errors()) - 1
    suffix = f" (and {extra} more)" if extra else ""
    return f"{where}: {dotted}: {message}{suffix}"


def _message(error: Any) -> str:
    kind = error["type"]
    if kind == "extra_forbidden":
        return "unknown key"
    if kind == "missing":
        return "required setting is missing"
    text = str(error["msg"])
    return text.removeprefix("Value error, ")


def _locate(root: yaml.Node | None, loc: list[str], *, at_key: bool) -> tuple[int, int] | None:
    """Line and column of ``loc`` in the YAML: the key for unknown keys, else the value.

    Parts not present in the YAML (a union's tag, a missing key) are skipped, so the mark falls on
    the nearest enclosing node that exists.
    """
    node = root
    key_mark: yaml.Node | None = None
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            match = next((pair for pair in node.value if pair[0].value == part), None)
            if match is not None:
                key_mark, node = match
        elif isinstance(node, yaml.SequenceNode) and part.isdigit() and int(part) < len(node.value):
            key_mark, node = None, node.value[int(part)]
    target = key_mark if at_key and key_mark is not None else node
    if target is None:
        return None
    return target.start_mark.line + 1, target.start_mark.column + 1
