"""``dash matrix``: show the dashboard on an RGB LED panel (rpi-rgb-led-matrix) or its emulator.

It follows a ``dash serve`` over SSE (``--server``, the profile's server by default) or runs
standalone on ``--demo`` values or a ``--data`` file, cycling through the profile's pages. Panel
options come from the profile's ``display.panel``, overridden by the ``--led-*`` flags. The panel
is cleared when the command ends (SIGTERM, Ctrl-C or an error).
"""

from typing import TYPE_CHECKING, Annotated, Any

import typer

from dashcli.commands.options import (
    DataOption,
    DemoOption,
    ProfileOption,
    ServerOption,
    SetOption,
    TokenOption,
)
from dashcli.core.errors import DashError

if TYPE_CHECKING:
    from collections.abc import Callable

    from dashcli.displays.build import Source
    from dashcli.displays.panel import PanelDisplay
    from dashcli.profiles.schema import Profile


def register(app: typer.Typer) -> None:
    """Add ``dash matrix`` to ``app``."""
    app.command("matrix")(matrix)


def _led(flag: str, help_text: str, metavar: str = "N") -> Any:
    """A panel flag: it overrides the profile's display.panel option named in its help."""
    return typer.Option(flag, metavar=metavar, help=help_text)


def matrix(
    server: ServerOption = None,
    token: TokenOption = None,
    demo: DemoOption = False,
    data: DataOption = None,
    emulate: Annotated[
        bool,
        typer.Option("--emulate", help="Run on RGBMatrixEmulator (pip install "
                     "'dashcli[emulator]'; it reads emulator_config.json in this directory)."),
    ] = False,
    rows: Annotated[int | None, _led("--led-rows", "Rows of one panel (rows).")] = None,
    cols: Annotated[int | None, _led("--led-cols", "Columns of one panel (cols).")] = None,
    chain: Annotated[
        int | None, _led("--led-chain", "Panels daisy-chained (chain_length).")
    ] = None,
    parallel: Annotated[int | None, _led("--led-parallel", "Parallel chains (parallel).")] = None,
    gpio_mapping: Annotated[
        str | None, _led("--led-gpio-mapping", "regular, adafruit-hat, adafruit-hat-pwm, ... "
                         "(hardware_mapping).", "NAME")
    ] = None,
    brightness: Annotated[
        int | None, _led("--led-brightness", "1 to 100, applied by the panel (brightness).")
    ] = None,
    slowdown_gpio: Annotated[
        int | None, _led("--led-slowdown-gpio", "GPIO slowdown 0-5 (gpio_slowdown).")
    ] = None,
    pwm_bits: Annotated[int | None, _led("--led-pwm-bits", "1 to 11 (pwm_bits).")] = None,
    pwm_lsb_nanoseconds: Annotated[
        int | None, _led("--led-pwm-lsb-nanoseconds", "(pwm_lsb_nanoseconds).")
    ] = None,
    pixel_mapper: Annotated[
        str | None, _led("--led-pixel-mapper", "e.g. U-mapper;Rotate:180 (pixel_mapper_config).",
                         "MAPPER")
    ] = None,
    row_addr_type: Annotated[
        int | None, _led("--led-row-addr-type", "0 to 5 (row_address_type).")
    ] = None,
    multiplexing: Annotated[
        int | None, _led("--led-multiplexing", "0 to 20 (multiplexing).")
    ] = None,
    scan_mode: Annotated[
        int | None, _led("--led-scan-mode", "0 progressive, 1 interlaced (scan_mode).")
    ] = None,
    no_hardware_pulse: Annotated[
        bool, _led("--led-no-hardware-pulse", "Do not use hardware pin-pulse generation "
                   "(disable_hardware_pulsing; needed when not root).")
    ] = False,
    limit_refresh: Annotated[
        int | None, _led("--led-limit-refresh", "Cap the refresh rate in Hz; 0: no cap "
                         "(limit_refresh_rate_hz).")
    ] = None,
    rgb_sequence: Annotated[
        str | None, _led("--led-rgb-sequence", "e.g. RBG for swapped colours (led_rgb_sequence).",
                         "RGB")
    ] = None,
    drop_privileges: Annotated[
        bool | None,
        typer.Option("--led-drop-privileges/--led-no-drop-privileges",
                     help="Drop root to 'daemon' after start (default: no; it breaks reading "
                          "files and virtualenvs).", show_default=False),
    ] = None,
    profile: ProfileOption = None,
    overrides: SetOption = None,
) -> None:
    """Show the dashboard on an RGB LED panel, following dash serve or standalone.

    Examples:

        sudo .venv/bin/dashcli matrix --profile pi --server http://127.0.0.1:8080

        dash matrix --demo --led-rows 32 --led-cols 64 --led-chain 4 --led-pixel-mapper U-mapper

        dash matrix --emulate --demo
    """
    from dashcli.displays.build import choose_feed
    from dashcli.displays.panel import PanelDisplay, load_backend, panel_options
    from dashcli.profiles import load_profile

    loaded = load_profile(profile, overrides)
    panel = panel_options(loaded.display.panel, {
        "rows": rows, "cols": cols, "chain_length": chain, "parallel": parallel,
        "hardware_mapping": gpio_mapping, "brightness": brightness,
        "gpio_slowdown": slowdown_gpio, "pwm_bits": pwm_bits,
        "pwm_lsb_nanoseconds": pwm_lsb_nanoseconds, "pixel_mapper_config": pixel_mapper,
        "row_address_type": row_addr_type, "multiplexing": multiplexing,
        "scan_mode": scan_mode, "disable_hardware_pulsing": no_hardware_pulse or None,
        "limit_refresh_rate_hz": limit_refresh, "led_rgb_sequence": rgb_sequence,
        "drop_privileges": drop_privileges,
    })
    source = choose_feed(loaded, server=server, token=token, demo=demo, data=data)
    backend = load_backend(emulate)
    display = PanelDisplay(backend, panel)
    try:
        run_panel(loaded, source, display, lambda: load_profile(profile, overrides))
    finally:
        display.clear()


def run_panel(profile: "Profile", source: "Source", display: "PanelDisplay",
              reloader: "Callable[[], Profile] | None" = None) -> None:
    """Run the display loop on the panel until SIGTERM or Ctrl-C (then return normally).

    SIGHUP reads the profile again (``reloader``): a valid one replaces the cycle, brightness
    schedule and conditions in place (the panel, its options and the feed stay as started); an
    invalid one is logged with its file:line and the running profile kept."""
    import asyncio
    import logging
    import signal

    from dashcli.displays.build import build_loop
    from dashcli.displays.loop import run_with_feed
    from dashcli.displays.model import DisplayModel

    log = logging.getLogger("dashcli.matrix")

    async def main() -> None:
        task = asyncio.current_task()
        loop = asyncio.get_running_loop()
        if task is not None:
            for signum in (signal.SIGTERM, signal.SIGINT):
                loop.add_signal_handler(signum, task.cancel)
        model = DisplayModel()
        current = profile
        while True:
            running = asyncio.ensure_future(run_with_feed(
                build_loop(current, model, display.show, clock=source.clock),
                source.feed.run(model)))
            reloaded: list[Profile] = []

            def reload(running: "asyncio.Future[None]" = running,
                       reloaded: "list[Profile]" = reloaded) -> None:
                if reloader is None:
                    return
                try:
                    reloaded.append(reloader())
                except DashError as exc:
                    log.error("reload refused, still running with the previous profile: %s",
                              exc)
                    return
                log.warning("profile reloaded")
                running.cancel()

            loop.add_signal_handler(signal.SIGHUP, reload)
            try:
                await running
                return
            except asyncio.CancelledError:
                if not reloaded or (task is not None and task.cancelling()):
                    return
                current = reloaded[-1]

    asyncio.run(main())
