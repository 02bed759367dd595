"""``python -m dashcli``: the same entry point as the ``dash`` and ``dashcli`` scripts."""

from dashcli.cli import main

main()
