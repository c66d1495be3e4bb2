"""A sparkline: a small inline SVG drawn from numbers only (no text from any database goes into it)."""

from __future__ import annotations

from nicegui import ui

WIDTH, HEIGHT = 120, 24


def sparkline_svg(values: list[int], width: int = WIDTH, height: int = HEIGHT) -> str:
    """An SVG polyline of `values`, scaled to the box; a flat line at the bottom when all are zero."""
    top = max(values, default=0) or 1
    step = width / max(len(values) - 1, 1)
    points = ' '.join(f'{i * step:.1f},{height - 1 - (value / top) * (height - 2):.1f}'
                      for i, value in enumerate(values))
    return (f'<svg width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img">'
            f'<polyline points="{points}" fill="none" stroke="currentColor" stroke-width="1.5"/></svg>')


def sparkline() -> ui.html:
    """An empty sparkline element; fill it with `element.set_content(sparkline_svg(values))`."""
    # Not sanitized: the content is built from numbers by sparkline_svg, never from anything a database holds.
    return ui.html('', sanitize=False).classes('text-primary leading-none')
