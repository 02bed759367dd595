"""``dash notify TEXT``: a one-off message on every display following ``dash serve``."""

from __future__ import annotations

from typing import Annotated

import typer

from dashcli.commands.options import ProfileOption, ServerOption, SetOption, TokenOption
from dashcli.core.errors import DashError, UsageError


def register(app: typer.Typer) -> None:
    """Add ``dash notify`` to ``app``."""
    app.command("notify", no_args_is_help=True)(notify)


def notify(
    text: Annotated[str, typer.Argument(metavar="TEXT", help="The message.")],
    icon: Annotated[str | None, typer.Option("--icon", help="A built-in icon, e.g. bell, "
                                             "mail, warning (see README).")] = None,
    color: Annotated[str | None, typer.Option("--color", help="#rrggbb or a palette name.")
                     ] = None,
    seconds: Annotated[float, typer.Option("--seconds", help="How long it shows (up to 60).")
                       ] = 5.0,
    repeat: Annotated[int, typer.Option("--repeat", help="Times it shows in a row (up to 10).")
                      ] = 1,
    server: ServerOption = None,
    token: TokenOption = None,
    profile: ProfileOption = None,
    overrides: SetOption = None,
) -> None:
    """Interrupt the page cycle of every display following the server with a message; the
    cycle resumes where it was. Prints how many displays (SSE clients) it was sent to; the
    server's web preview shows it too.

    Examples:

        dash notify "Dinner is ready" --icon bell --color amber --seconds 8

        dash notify "Door open" --icon warning --repeat 3 --server http://pi.local:8080
    """
    import json

    import httpx

    from dashcli.core.redact import redact_url
    from dashcli.renderers.appformat import AppFormatError
    from dashcli.renderers.notice import parse_notice

    body: dict[str, object] = {"text": text, "seconds": seconds, "repeat": repeat}
    body.update({key: value for key, value in (("icon", icon), ("color", color)) if value})
    try:
        parse_notice(body)  # the server checks again; this names the option before any I/O
    except AppFormatError as exc:
        raise UsageError(f"--{exc.field or 'text'}: {exc.problem}") from None
    if server is None or token is None:
        from dashcli.profiles import load_profile
        from dashcli.secrets import server_token

        loaded = load_profile(profile, overrides)
        server = server or loaded.server.local_url
        token = token or server_token(loaded)
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    url = f"{server.rstrip('/')}/notify"
    try:
        response = httpx.post(url, content=json.dumps(body), headers=headers, timeout=5.0)
    except httpx.HTTPError as exc:
        raise DashError(f"notify: {redact_url(url)} unreachable ({type(exc).__name__})") from None
    if response.status_code != 200:
        try:
            reason = str(response.json().get("error"))
        except ValueError:
            reason = f"HTTP {response.status_code}"
        raise DashError(f"notify: {redact_url(url)} answered {response.status_code}: {reason}")
    typer.echo(f"sent to {response.json()['notified']} connected display(s) and the web preview")
