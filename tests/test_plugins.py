"""Plugins through entry points, as an installed package declares them (a real ``.dist-info`` on
``sys.path``): a page and a source are found with the built-ins' contracts, a plugin that raises
on import or offers the wrong object is one warning naming it, and the rest runs; a profile may
name plugin sources and pages, and an unknown one is still refused."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from dashcli.core import plugins
from dashcli.core.errors import UsageError
from dashcli.profiles.schema import PluginSettings, Profile

LOCATION = {"name": "Boston", "latitude": 42.36, "longitude": -71.06,
            "timezone": "America/New_York"}

ENTRY_POINTS = """\
[dashcli.pages]
tiny = tiny_plugin:PAGE
broken = broken_plugin:PAGE
wrong = tiny_plugin:NOT_A_PAGE

[dashcli.sources]
tiny = tiny_plugin:SOURCE
"""

MODULE = '''\
from dashcli.renderers import PageSpec
from dashcli.sources import ProviderInfo, SourceInfo

PAGE = PageSpec("tiny", "tiny_plugin", "Tiny", ("tiny",))
NOT_A_PAGE = "a string"
SOURCE = SourceInfo("tiny", "a tiny source", (ProviderInfo("local", "tiny_plugin:fetch"),),
                    every=60)
DEMO_VALUES = {"tiny": {"n": 7}}


def draw(canvas):
    canvas.image.paste((255, 0, 0), (0, 10, int(canvas.values("tiny")["n"]), 20))
'''


@pytest.fixture
def installed(tmp_path: Path) -> Iterator[Path]:
    """A distribution with the entry points above, installed on sys.path for the test."""
    (tmp_path / "tiny_plugin.py").write_text(MODULE)
    (tmp_path / "broken_plugin.py").write_text("raise RuntimeError('boom at import')\n")
    info = tmp_path / "tiny_plugin-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: tiny-plugin\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(ENTRY_POINTS)
    sys.path.insert(0, str(tmp_path))
    plugins.load_group.cache_clear()
    plugins.names.cache_clear()
    try:
        yield tmp_path
    finally:
        sys.path.remove(str(tmp_path))
        for name in ("tiny_plugin", "broken_plugin"):
            sys.modules.pop(name, None)
        plugins.load_group.cache_clear()
        plugins.names.cache_clear()


def test_plugins_load_and_a_failing_one_is_one_warning(
        installed: Path, caplog: pytest.LogCaptureFixture) -> None:
    from dashcli.renderers import page_spec, render
    from dashcli.renderers.demo import DEMO_NOW, demo_state
    from dashcli.sources import source_info

    caplog.set_level(logging.WARNING, logger="dashcli.core.plugins")
    spec = page_spec("tiny")
    assert spec.types == ("tiny",)
    assert source_info("tiny").providers[0].target == "tiny_plugin:fetch"
    warnings = [record.getMessage() for record in caplog.records]
    assert len([w for w in warnings if "broken" in w]) == 1
    assert any("tiny-plugin (broken = broken_plugin:PAGE)" in w and "boom at import" in w
               for w in warnings)
    assert any("(wrong = tiny_plugin:NOT_A_PAGE)" in w and "not a PageSpec" in w
               for w in warnings)
    image = render("tiny", demo_state(), DEMO_NOW)
    assert image.getpixel((3, 15)) == (255, 0, 0)
    with pytest.raises(UsageError, match="unknown page 'broken'"):
        page_spec("broken")
    assert page_spec("clock").name == "clock"  # the built-ins are untouched


def test_profiles_name_plugin_sources_and_pages(installed: Path) -> None:
    profile = Profile.model_validate({
        "location": LOCATION, "sources": {"tiny": {"every": 30, "colour": "red"}},
        "display": {"cycle": [{"page": "tiny", "seconds": 5}]}})
    settings = profile.sources.enabled()["tiny"]
    assert isinstance(settings, PluginSettings)
    assert (settings.every, settings.colour) == (30, "red")
    with pytest.raises(ValueError, match="unknown source 'nothere'"):
        Profile.model_validate({"location": LOCATION, "sources": {"nothere": {}}})


def test_without_plugins_an_unknown_source_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown source 'tiny'"):
        Profile.model_validate({"location": LOCATION, "sources": {"tiny": {}}})
