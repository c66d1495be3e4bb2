"""`python -m eyelet_gui` runs the same command line as `eyelet-gui`."""

from eyelet_gui.main import cli

cli()
