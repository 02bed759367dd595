"""Display costs: the TUI showing one new frame, and ``dash matrix --emulate`` at rest.

1. TUI: a headless ``App.run_test()`` app (140×40) is given a new weather update ROUNDS times;
   each round times the display loop's step (frame cache miss: render, half-block cells) until
   Textual has processed the refresh (``pilot.pause()``). Median and p90 in ms.
2. Panel at rest: ``dash matrix --emulate --demo`` (RGBMatrixEmulator, headless ``raw``
   adapter, data unchanged) with a cycle of pages where nothing scrolls (clock, weather, moon,
   forecast) runs for SECONDS after a warm-up; its CPU time (utime+stime from /proc/PID/stat)
   over the window as % of one core, and its RSS (VmRSS, largest sample). Targets: RSS < 80 MB,
   CPU < 5 %. The machine's load average is printed.
3. Panel with a marquee: the same with ``--data`` holding an events list whose first name is
   long, and a cycle of only the events page, so a marquee moves at 30 frames/s most of the
   time (the share is printed). Target: CPU < 25 %.

    python bench/displays.py [--rounds 50] [--seconds 60] [--skip-tui] [--skip-matrix]
                             [--skip-marquee]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

RSS_TARGET_MB = 80.0
CPU_TARGET_PERCENT = 5.0
MARQUEE_CPU_TARGET_PERCENT = 25.0
AT_REST = ("display.cycle=[{page: clock, seconds: 15}, {page: weather, seconds: 15}, "
           "{page: moon, seconds: 15}, {page: forecast, seconds: 15}]")
MARQUEE = "display.cycle=[{page: events, seconds: 3600}]"
LONG_NAME = "A very long name for a birthday party that will not fit on the panel " * 3
EMULATOR_CONFIG = {
    "pixel_outline": 0, "pixel_size": 1, "pixel_style": "square", "pixel_glow": 0,
    "display_adapter": "raw", "allow_adapter_fallback": False, "icon_path": None,
    "emulator_title": None, "log_level": "error",
    "browser": {"_comment": "unused", "port": 8888, "target_fps": 60, "fps_display": False,
                "quality": 70, "image_border": True, "debug_text": False,
                "image_format": "JPEG", "open_immediately": False},
}


def load() -> str:
    """The 1, 5 and 15 minute load averages."""
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


async def tui_frame_cost(rounds: int) -> tuple[list[float], list[float], list[float]]:
    """Per round, in ms: the loop's step (render, half-block cells, panels), the step until
    Textual has processed the refresh (``pilot.pause()``), and an idle ``pilot.pause()``
    (its own overhead, to subtract)."""
    from dashcli.displays.build import Source
    from dashcli.displays.feeds import StaticFeed
    from dashcli.displays.tui.app import DashApp
    from dashcli.profiles import load_profile
    from dashcli.renderers.demo import DEMO_NOW, demo_state

    profile = load_profile("default", ["display.cycle=[{page: weather, seconds: 3600}]"])
    state = demo_state()
    app = DashApp(profile, Source(StaticFeed(()), lambda: DEMO_NOW, label="bench"),
                  autostart=False)
    steps: list[float] = []
    totals: list[float] = []
    idles: list[float] = []
    async with app.run_test(size=(140, 40)) as pilot:
        app.model.replace_all(state)
        await app.loop.step()
        await pilot.pause()
        weather = state["weather"]
        for index in range(rounds):
            values = json.loads(json.dumps(weather.values))
            values["current"]["temperature"] = 40.0 + index % 50
            update = replace(weather, values=values, seq=(weather.seq or 0) + 1000 + index)
            start = time.perf_counter()
            app.model.apply(update)
            frame = await app.loop.step()
            stepped = time.perf_counter()
            await pilot.pause()
            shown = time.perf_counter()
            await pilot.pause()
            idles.append((time.perf_counter() - shown) * 1000)
            steps.append((stepped - start) * 1000)
            totals.append((shown - start) * 1000)
            assert frame is not None
    return steps, totals, idles


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def marquee_data(directory: str) -> tuple[list[str], float]:
    """``dash matrix`` arguments for the events demo with a long first name, and the share of
    time its marquee moves (the rest it rests at the start and the end)."""
    from dashcli.renderers.demo import demo_update
    from dashcli.renderers.fonts import body_font
    from dashcli.renderers.marquee import END_PAUSE, SCROLL_SPEED, START_PAUSE

    update = demo_update("events")
    values = json.loads(json.dumps(update.values))
    values["upcoming"][0]["name"] = LONG_NAME
    path = Path(directory, "events.json")
    path.write_text(replace(update, values=values).to_json())
    scrolling = (body_font().width(LONG_NAME) - 128) / SCROLL_SPEED
    return ["--data", str(path), "--set", MARQUEE], scrolling / (
        START_PAUSE + scrolling + END_PAUSE)


def matrix_steady_state(seconds: float, warmup: float,
                        marquee: bool = False) -> tuple[float, float, float]:
    """(CPU % of one core, peak RSS MB, share of time a marquee moves) of ``dash matrix
    --emulate``: the demo at rest, or with a long text scrolling."""
    with tempfile.TemporaryDirectory() as directory:
        Path(directory, "emulator_config.json").write_text(json.dumps(EMULATOR_CONFIG))
        arguments, moving = (marquee_data(directory) if marquee
                             else (["--demo", "--set", AT_REST], 0.0))
        process = subprocess.Popen(
            [sys.executable, "-m", "dashcli", "matrix", "--emulate", *arguments],
            cwd=directory, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        )
        try:
            time.sleep(warmup)
            if process.poll() is not None:
                raise SystemExit(f"dash matrix exited: {process.communicate()[1]}")
            start_cpu, start = cpu_seconds(process.pid), time.monotonic()
            peak = rss_mb(process.pid)
            while time.monotonic() - start < seconds:
                time.sleep(1)
                peak = max(peak, rss_mb(process.pid))
            cpu = (cpu_seconds(process.pid) - start_cpu) / (time.monotonic() - start) * 100
        finally:
            process.terminate()
            process.wait(timeout=15)
    return cpu, peak, moving


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--warmup", type=float, default=5.0)
    parser.add_argument("--skip-tui", action="store_true")
    parser.add_argument("--skip-matrix", action="store_true")
    parser.add_argument("--skip-marquee", action="store_true")
    args = parser.parse_args()
    print(f"load average before: {load()}")
    if not args.skip_tui:
        steps, totals, idles = asyncio.run(tui_frame_cost(args.rounds))
        step, total, idle = (statistics.median(values) for values in (steps, totals, idles))
        print(f"tui: one new frame ({len(steps)} frames, 140x40 headless, medians): loop step "
              f"{step:.1f} ms; step + Textual refresh {total:.1f} ms; idle pilot.pause() "
              f"{idle:.1f} ms; so about {total - idle:.1f} ms of work per frame")
    if not args.skip_matrix:
        cpu, peak, _ = matrix_steady_state(args.seconds, args.warmup)
        verdict = "ok" if cpu < CPU_TARGET_PERCENT and peak < RSS_TARGET_MB else "OVER TARGET"
        print(f"matrix --emulate at rest: CPU {cpu:.2f} % of one core, peak RSS {peak:.1f} MB "
              f"over {args.seconds:.0f} s: {verdict}")
    if not args.skip_marquee:
        cpu, peak, moving = matrix_steady_state(args.seconds, args.warmup, marquee=True)
        verdict = "ok" if cpu < MARQUEE_CPU_TARGET_PERCENT else "OVER TARGET"
        print(f"matrix --emulate, marquee at 30 frames/s {moving:.0%} of the time: CPU "
              f"{cpu:.2f} % of one core, peak RSS {peak:.1f} MB over {args.seconds:.0f} s: "
              f"{verdict}")
    print(f"load average after: {load()}")


if __name__ == "__main__":
    main()
