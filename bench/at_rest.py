"""RSS and CPU at rest of the one-process Pi mode and of each separate command, side by side.

Starts, in a temporary directory holding a headless ``emulator_config.json`` (RGBMatrixEmulator's
``raw`` adapter): ``dash serve --emulate`` (fetching, store, HTTP/SSE, preview and panel in one
process), ``dash serve``, ``dash serve --no-fetch`` and ``dash matrix --emulate --demo``, each on
its own embedded store and free port with the default profile. After IDLE seconds it reads each
process's RSS and PSS (``/proc/PID/smaps_rollup``) and its CPU time, then again after WINDOW
seconds; CPU at rest is utime+stime over the window as % of one core. Prints a Markdown table
and the load average. Targets (issue 16): one process ≤ 80 MB RSS after 60 s idle, ≤ 2 % CPU.

    python bench/at_rest.py [--idle 60] [--window 60]
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.displays import EMULATOR_CONFIG  # the same headless emulator set-up


def free_port() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return str(sock.getsockname()[1])


def sample(pid: int) -> tuple[int, int, int]:
    """CPU ticks (utime+stime), RSS KiB, PSS KiB of ``pid``."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    sizes = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        name, _, rest = line.partition(":")
        if name in ("Rss", "Pss"):
            sizes[name] = int(rest.split()[0])
    return int(fields[11]) + int(fields[12]), sizes["Rss"], sizes["Pss"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--idle", type=float, default=60.0)
    parser.add_argument("--window", type=float, default=60.0)
    args = parser.parse_args()
    dash = [sys.executable, "-m", "dashcli"]
    with tempfile.TemporaryDirectory(prefix="dash-at-rest-") as tmp:
        folder = Path(tmp)
        (folder / "emulator_config.json").write_text(json.dumps(EMULATOR_CONFIG))
        commands = {
            "dash serve --emulate (one process)": ["serve", "--emulate"],
            "dash serve": ["serve"],
            "dash serve --no-fetch": ["serve", "--no-fetch"],
            "dash matrix --emulate --demo": ["matrix", "--emulate", "--demo"],
        }
        env = {**os.environ, "DASH_PROFILE": ""}
        processes = {}
        for index, (label, argv) in enumerate(commands.items()):
            if argv[0] == "serve":
                argv = [*argv, "--port", free_port(), "--store", f"sqlite:///{folder}/{index}.db"]
            processes[label] = subprocess.Popen(
                [*dash, *argv], cwd=folder, env=env, stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL)
        try:
            time.sleep(args.idle)
            before = {label: sample(p.pid) for label, p in processes.items()}
            started = time.monotonic()
            time.sleep(args.window)
            after = {label: sample(p.pid) for label, p in processes.items()}
            elapsed = time.monotonic() - started
        finally:
            for process in processes.values():
                process.terminate()
            for process in processes.values():
                process.wait(20)
    hz = os.sysconf("SC_CLK_TCK")
    print(f"load average {' '.join(Path('/proc/loadavg').read_text().split()[:3])}; "
          f"{args.idle:g} s idle, {args.window:g} s window")
    print("| command | RSS MiB | PSS MiB | CPU % of a core |\n|---|---:|---:|---:|")
    for label in commands:
        cpu = (after[label][0] - before[label][0]) / hz / elapsed * 100
        print(f"| {label} | {after[label][1] / 1024:.1f} | {after[label][2] / 1024:.1f} | "
              f"{cpu:.2f} |")


if __name__ == "__main__":
    main()
