"""The page's Tailwind classes, compiled ahead of time into static/tailwind.css (see scripts/tailwind).

NiceGUI compiles Tailwind in the browser on every page load: ~0.1 s of main thread on a slow machine, paid
again by every tab. Our pages use a few dozen classes, compiled once into 8 KB.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from nicegui import app, ui

STYLESHEET = Path(__file__).parent / 'static' / 'tailwind.css'


def install() -> None:
    """Serve the stylesheet under a name that changes with its content (cached for good), in every page."""
    digest = hashlib.sha256(STYLESHEET.read_bytes()).hexdigest()[:12]
    url = app.add_static_file(local_file=STYLESHEET, url_path=f'/_eyelet/tailwind-{digest}.css',
                              max_cache_age=365 * 24 * 3600)
    ui.add_head_html(f'<link rel="stylesheet" href="{url}">', shared=True)
