"""The errors a user sees: each carries a one-line message and the exit code of the command.

Every failure a user can cause or meet (a broken profile, an unknown source, an unreachable
upstream, a missing secret) is raised as a :class:`DashError` subclass. The command line prints
``str(error)`` on one line and exits with ``error.exit_code``; a traceback appears only with
``--debug``. Messages never contain secret values.
"""

from __future__ import annotations


class DashError(Exception):
    """A failure to report to the user as one line; ``exit_code`` is what the command returns."""

    exit_code: int = 1

    def __init__(self, message: str, *, exit_code: int | None = None) -> None:
        super().__init__(message)
        if exit_code is not None:
            self.exit_code = exit_code


class UsageError(DashError):
    """The command was asked for something that does not exist (exit 2)."""

    exit_code = 2


class ProfileError(DashError):
    """A profile is missing, not YAML, or does not match the schema (exit 2)."""

    exit_code = 2
