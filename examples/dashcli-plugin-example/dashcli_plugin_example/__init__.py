"""An example dashcli plugin: the ``iss`` source (where the International Space Station is, from
open-notify) and the ``iss`` page drawing it. Installed with pip, it appears in ``dash fetch``,
``dash render``, profiles (``sources: {iss: {}}``, ``cycle: [{page: iss, seconds: 10}]``) and
every display, through the entry points in pyproject.toml."""
