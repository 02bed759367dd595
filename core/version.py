"""The version of dashcli, in the kernel so every layer can name it (the User-Agent, --version).

The build reads it from here too (``[tool.setuptools.dynamic]`` in pyproject.toml).
"""

__version__ = "0.1.0"
