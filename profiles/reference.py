"""The profile's JSON Schema, and the settings reference (docs/settings.md) written from it.

``dash profiles schema`` prints :func:`profile_schema`; editors that read a
``# yaml-language-server: $schema=...`` line (the bundled profiles carry one pointing at
``profile.schema.json`` beside them) complete and check a profile with it. :func:`reference`
renders the same schema as Markdown, one table per section, so the documentation cannot drift
from the schema (a test compares both files with what these functions write).
"""

from __future__ import annotations

import json
from typing import Any

from dashcli.profiles.schema import Profile

SCHEMA_FILE = "profile.schema.json"


def profile_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a profile."""
    schema = Profile.model_json_schema()
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}


def schema_text() -> str:
    """:func:`profile_schema` as the text of ``profile.schema.json``."""
    return json.dumps(profile_schema(), indent=2, sort_keys=True) + "\n"


def reference() -> str:
    """Every section of a profile as a Markdown table: key, type, default, description."""
    schema = profile_schema()
    sections = [("Profile", schema), *sorted(schema.get("$defs", {}).items())]
    lines = [
        "# Profile settings",
        "",
        "Generated from the profile schema by `dash profiles schema --markdown`: do not edit by",
        "hand. `dash profiles schema` prints the JSON Schema itself. The top level is `Profile`;",
        "a type in *italics* is another section below.",
    ]
    for name, section in sections:
        properties = section.get("properties")
        if not properties:
            continue
        lines += ["", f"## {name}", ""]
        if section.get("description"):
            lines += [_one_line(section["description"]), ""]
        required = set(section.get("required", []))
        lines += ["| key | type | default | description |", "|---|---|---|---|"]
        for key, prop in properties.items():
            default = "required" if key in required else _default(prop)
            lines.append(f"| `{key}` | {_type(prop)} | {default} | "
                         f"{_one_line(prop.get('description', ''))} |")
    return "\n".join(lines) + "\n"


def _type(prop: dict[str, Any]) -> str:
    if "$ref" in prop:
        return f"*{prop['$ref'].rsplit('/', 1)[-1]}*"
    if "enum" in prop:
        return " \\| ".join(f"`{json.dumps(value)}`" for value in prop["enum"])
    if "const" in prop:
        return f"`{json.dumps(prop['const'])}`"
    for union in ("anyOf", "oneOf"):
        if union in prop:
            return " \\| ".join(_type(choice) for choice in prop[union])
    kind = prop.get("type", "any")
    if kind == "array":
        return f"list of {_type(prop.get('items', {}))}"
    if kind == "object" and "additionalProperties" in prop:
        return f"map of {_type(prop['additionalProperties'])}"
    return str(kind)


def _default(prop: dict[str, Any]) -> str:
    if "default" not in prop:
        return ""
    text = json.dumps(prop["default"])
    return f"`{text}`" if len(text) <= 40 else "(see schema)"


def _one_line(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")
