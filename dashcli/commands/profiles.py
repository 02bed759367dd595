"""``dash profiles``: list the profiles a name can select, show one resolved, validate a file."""

from pathlib import Path
from typing import Annotated, Any

import typer

from dashcli.commands.options import SetOption

profiles_app = typer.Typer(
    help="List, show, validate profiles; print their JSON Schema.", no_args_is_help=True,
    rich_markup_mode=None
)


def register(app: typer.Typer) -> None:
    app.add_typer(profiles_app, name="profiles")


@profiles_app.command("list")
def list_profiles() -> None:
    """List every profile a --profile NAME can select (user profiles hide bundled ones)."""
    from rich.console import Console
    from rich.table import Table

    from dashcli.profiles import available_profiles

    table = Table("name", "origin", "file")
    for info in available_profiles():
        table.add_row(info.name, info.origin, str(info.path))
    Console().print(table)


@profiles_app.command("show")
def show(
    name: Annotated[str | None, typer.Argument(metavar="NAME|PATH",
                                       help="Profile name or path (default: default).")]
    = None,
    overrides: SetOption = None,
) -> None:
    """Print a profile fully resolved (defaults filled in), with secret values masked."""
    import yaml

    from dashcli.profiles import load_profile, resolve_profile_path

    path = resolve_profile_path(name)
    profile = load_profile(str(path), overrides)
    data = masked(profile.model_dump(mode="json"))
    typer.echo(f"# {path}")
    typer.echo(yaml.safe_dump(data, sort_keys=False, allow_unicode=True).rstrip())


@profiles_app.command("validate")
def validate(
    file: Annotated[Path, typer.Argument(metavar="FILE", help="The profile YAML file to check.")],
) -> None:
    """Check a profile file against the schema; one line naming file:line:column on error."""
    from dashcli.profiles import validate_file

    validate_file(file)
    typer.echo(f"{file}: ok")


@profiles_app.command("schema")
def schema(
    markdown: Annotated[
        bool, typer.Option("--markdown", help="The settings reference (docs/settings.md) instead.")
    ] = False,
) -> None:
    """Print the JSON Schema of a profile, for editors (yaml-language-server) and validators.

    Examples:

        dash profiles schema > ~/.config/dash/profiles/profile.schema.json

        dash profiles schema --markdown > docs/settings.md
    """
    from dashcli.profiles.reference import reference, schema_text

    typer.echo(reference() if markdown else schema_text(), nl=False)


def masked(data: dict[str, Any]) -> dict[str, Any]:
    """The profile's secret-bearing fields masked: the server token, store and calendar URLs."""
    from dashcli.core.redact import mask, redact_url

    server = data.get("server") or {}
    if server.get("token"):
        server["token"] = mask(server["token"])
    if data.get("store"):
        data["store"] = redact_url(data["store"])
    calendar = (data.get("sources") or {}).get("calendar") or {}
    if calendar.get("url"):
        calendar["url"] = redact_url(calendar["url"])
    return data
