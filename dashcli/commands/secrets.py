"""``dash secrets``: placeholder until its issue lands; registers nothing yet."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add the command to ``app`` (filled in by the secrets work)."""
