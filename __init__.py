"""eyelet-gui: a realtime dashboard for SQLite databases and eyelet hook logs."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version('eyelet-gui')
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = '0.0.0+unknown'
