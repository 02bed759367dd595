"""Start-up time of ``dash --help`` against ``python -c "import typer"`` (the issue's yardstick).

Runs both commands alternately RUNS times in fresh interpreters and prints the medians and their
ratio. Target: ratio <= 1.3.

    python bench/startup.py [--runs 21]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time


def timed(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21)
    args = parser.parse_args()
    baseline_cmd = [sys.executable, "-c", "import typer"]
    dash_cmd = [sys.executable, "-m", "dashcli", "--help"]
    for command in (baseline_cmd, dash_cmd):
        timed(command)  # warm the page cache and the bytecode
    baseline, dash = [], []
    for _ in range(args.runs):
        baseline.append(timed(baseline_cmd))
        dash.append(timed(dash_cmd))
    base_ms = statistics.median(baseline) * 1000
    dash_ms = statistics.median(dash) * 1000
    print(f"import typer: {base_ms:.1f} ms median of {args.runs}")
    print(f"dash --help:  {dash_ms:.1f} ms median of {args.runs}")
    print(f"ratio: {dash_ms / base_ms:.2f} (target <= 1.3)")


if __name__ == "__main__":
    main()
