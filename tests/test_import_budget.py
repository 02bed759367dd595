"""Start-up import budget: commands import only what they use (a regression here costs every user
start-up time and memory, on a Pi most of all).

Each check runs in a fresh interpreter and reads ``sys.modules`` after the code path under test:
``dash --help`` imports no pydantic, httpx, aiohttp or ssl; a display that follows no server
imports no httpx; ``dash serve`` imports no httpx without fetching and reads no CA store (aiohttp's
client contexts load theirs on first use, see ``dashcli.server.deferred_ca``).
"""

from __future__ import annotations

import json
import ssl
import subprocess
import sys
import textwrap

import pytest


def modules_after(code: str) -> dict[str, object]:
    """Run ``code`` in a fresh interpreter; it must leave its findings in ``result`` (a dict)."""
    script = textwrap.dedent(code) + "\nimport json, sys\nprint(json.dumps(result))\n"
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=120, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def test_dash_help_imports_no_heavy_library():
    found = modules_after("""
        import contextlib, io, sys
        sys.argv = ["dash", "--help"]
        from dashcli.cli import main
        with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):
            main()
        heavy = ("pydantic", "httpx", "aiohttp", "ssl", "PIL", "yaml", "redis")
        result = {"loaded": sorted(name for name in heavy if name in sys.modules)}
    """)
    assert found["loaded"] == []


def test_a_command_imports_only_its_own_module():
    found = modules_after("""
        import contextlib, io, sys
        sys.argv = ["dash", "render", "--help"]
        from dashcli.cli import main
        with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):
            main()
        result = {"commands": sorted(name for name in sys.modules
                                     if name.startswith("dashcli.commands."))}
    """)
    assert found["commands"] == ["dashcli.commands.options", "dashcli.commands.render"]


def test_a_display_without_a_server_imports_no_httpx():
    found = modules_after("""
        import sys
        from dashcli.displays.build import build_loop, choose_feed
        from dashcli.displays.model import DisplayModel
        from dashcli.profiles import load_profile
        profile = load_profile(None, None)
        source = choose_feed(profile, server=None, token=None, demo=True, data=None)
        build_loop(profile, DisplayModel(), lambda frame: None, clock=source.clock)
        result = {"httpx": "httpx" in sys.modules}
    """)
    assert found == {"httpx": False}


@pytest.mark.skipif(ssl.create_default_context().cert_store_stats()["x509_ca"] == 0,
                    reason="no system CA store here: nothing to defer")
def test_serve_reads_no_ca_store_until_a_client_connection():
    found = modules_after("""
        import ssl, sys
        import dashcli.server.run
        import aiohttp.connector as connector
        context = connector._SSL_CONTEXT_VERIFIED
        before = context.cert_store_stats()["x509_ca"]
        mode = context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname
        context.wrap_bio(ssl.MemoryBIO(), ssl.MemoryBIO(), server_hostname="example.org")
        result = {"httpx": "httpx" in sys.modules, "before": before, "verifies": mode,
                  "after": context.cert_store_stats()["x509_ca"] > 0,
                  "plain": type(context) is ssl.SSLContext}
    """)
    assert found == {"httpx": False, "before": 0, "verifies": True, "after": True, "plain": True}
