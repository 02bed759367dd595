"""``dash healthcheck``: exit 0 when a server answers 2xx (dashcli.server.healthcheck)."""

from typing import Annotated

import typer

from dashcli.commands.options import SetOption


def register(app: typer.Typer) -> None:
    """Add ``dash healthcheck`` to ``app``."""
    app.command("healthcheck")(healthcheck)


def healthcheck(
    url: Annotated[
        str,
        typer.Option(
            "--url",
            envvar="DASH_HEALTHCHECK_URL",
            metavar="URL",
            help="The address to ask; any 2xx answer is healthy.",
        ),
    ] = "http://127.0.0.1:8080/healthz",
    timeout: Annotated[
        float, typer.Option("--timeout", metavar="SECONDS", min=0.1,
                            help="Seconds before giving up (at least 0.1).")
    ] = 5.0,
    profile: Annotated[
        str | None,
        typer.Option(
            "--profile",
            "-p",
            envvar="DASH_PROFILE",
            metavar="NAME|PATH",
            help="Send this profile's server token (server.token or token_secret): every "
            "endpoint but /healthz, /readyz included, needs it when one is configured.",
        ),
    ] = None,
    overrides: SetOption = None,
) -> None:
    """Exit 0 if URL answers 2xx, else print one line and exit 1 (container health checks).

    Examples:

        dash healthcheck

        dash healthcheck --url http://127.0.0.1:8081/healthz

        dash healthcheck --url http://127.0.0.1:8080/readyz --profile /etc/dash/profile.yaml

        dash healthcheck --url http://127.0.0.1:8080/readyz --set server.token=s3cret
    """
    from dashcli.server.healthcheck import check

    token = None
    if profile is not None or overrides:
        # --set alone applies to the default profile, as in every other command.
        from dashcli.profiles import load_profile
        from dashcli.secrets import server_token

        token = server_token(load_profile(profile, overrides))
    typer.echo(check(url, timeout, token))
