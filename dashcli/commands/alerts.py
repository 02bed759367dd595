"""``dash alerts test``: send a test message through every alert channel of the profile."""

from typing import Annotated

import typer

from dashcli.commands.options import ProfileOption, SetOption
from dashcli.core.errors import DashError, UsageError

alerts_app = typer.Typer(help="Alert channels (the profile's alerts: section).",
                         no_args_is_help=True)


def register(app: typer.Typer) -> None:
    """Add ``dash alerts`` to ``app``."""
    app.add_typer(alerts_app, name="alerts")


@alerts_app.command("test")
def send_test(
    profile: ProfileOption = None,
    overrides: SetOption = None,
    timeout: Annotated[
        float, typer.Option("--timeout", min=1, metavar="SECONDS", help="Per channel.")
    ] = 30,
) -> None:
    """Send a test message through each channel; one line per channel, exit 1 if any failed.

    Examples:

        dash alerts test --profile home

        dash alerts test --set alerts.channels.0.to.0=me@example.com
    """
    import asyncio
    import socket

    from dashcli.alerts.channels import Channel, DeliveryError, open_channel
    from dashcli.alerts.message import sample_message
    from dashcli.profiles import load_profile
    from dashcli.secrets import open_secrets

    loaded = load_profile(profile, overrides)
    config = loaded.alerts
    if config is None:
        raise UsageError("the profile has no alerts: section (see the README's Alerts)")
    secrets = open_secrets(loaded)
    channels = [open_channel(channel, secrets, f"alerts.channels[{number}]")
                for number, channel in enumerate(config.channels)]
    message = sample_message(config.name, f"`dash alerts test` on {socket.gethostname()}")

    async def send_all() -> list[str | None]:
        async def one(channel: Channel) -> str | None:
            try:
                async with asyncio.timeout(timeout):
                    await channel.send(message)
            except DeliveryError as exc:
                return str(exc)
            except TimeoutError:
                return f"no answer within {timeout:g} s"
            return None

        return await asyncio.gather(*(one(channel) for channel in channels))

    failures = 0
    for channel, error in zip(channels, asyncio.run(send_all()), strict=True):
        if error is None:
            typer.echo(f"{channel.label}: sent")
        else:
            failures += 1
            typer.echo(f"{channel.label}: failed ({error})")
    if failures:
        raise DashError(f"alerts test: {failures} of {len(channels)} channels failed")
