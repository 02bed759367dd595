"""Profiles: the validated configuration of a dashboard, and the YAML profiles that ship with it.

``dashcli.profiles.schema`` holds the pydantic models (a contract of ARCHITECTURE.md),
``dashcli.profiles.loader`` finds a profile by name or path, applies ``--set`` overrides and
turns every defect into one line naming the file, line and column. The bundled ``*.yaml``
files live beside this module.
"""

from dashcli.profiles.loader import (
    BUNDLED_DIR,
    ProfileInfo,
    available_profiles,
    load_profile,
    resolve_profile_path,
    validate_file,
)
from dashcli.profiles.schema import Profile

__all__ = [
    "BUNDLED_DIR",
    "Profile",
    "ProfileInfo",
    "available_profiles",
    "load_profile",
    "resolve_profile_path",
    "validate_file",
]
