"""eyelet-gui: a realtime dashboard for SQLite databases and eyelet hook logs."""

__version__ = '0.3.0'
"""The one place the version is written: pyproject.toml reads it (`[tool.setuptools.dynamic]`), and CHANGELOG.md's
newest entry must name it (tests/test_packaging.py)."""
