"""What every page's head carries: the page's Tailwind classes, compiled ahead of time into static/tailwind.css
(see scripts/tailwind), and the removal of a stylesheet rule that makes every live change restyle whole
containers (DROP_FALLBACK_RULE).

NiceGUI compiles Tailwind in the browser on every page load: ~0.1 s of main thread on a slow machine, paid
again by every tab. Our pages use a few dozen classes, compiled once into 8 KB.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from nicegui import app, ui

STYLESHEET = Path(__file__).parent / 'static' / 'tailwind.css'

FALLBACK_RULE = '#esm-fallback ~ *'
"""NiceGUI's page hides everything after its notice for browsers without ES modules, and keeps the rule after
NiceGUI's first module removes the notice. A rule ending in `~ *` is tried on every element, and Chrome then
marks every parent as having children styled by their siblings: adding or removing any child restyles the whole
container. Each row AG Grid added or dropped restyled the grid's ~400 cells, 6 % of a core at 10 commits/s."""
# Deletes the rule as its <style> is parsed, before anything is drawn; only where modules run, as there the notice
# is removed anyway. Constant code.
DROP_FALLBACK_RULE = f'''<script>
if ('noModule' in HTMLScriptElement.prototype) {{
  const watcher = new MutationObserver(() => {{
    for (const sheet of document.styleSheets) {{
      if (sheet.ownerNode?.tagName !== 'STYLE') continue;
      const rules = sheet.cssRules;
      for (let i = rules.length - 1; i >= 0; i--) {{
        if (rules[i].selectorText === {FALLBACK_RULE!r}) {{ sheet.deleteRule(i); watcher.disconnect(); }}
      }}
    }}
  }});
  watcher.observe(document, {{childList: true, subtree: true}});
  document.addEventListener('DOMContentLoaded', () => watcher.disconnect());
}}
</script>'''


def install() -> None:
    """Serve the stylesheet under a name that changes with its content (cached for good), in every page, and drop
    the fallback rule from every page."""
    digest = hashlib.sha256(STYLESHEET.read_bytes()).hexdigest()[:12]
    url = app.add_static_file(local_file=STYLESHEET, url_path=f'/_eyelet/tailwind-{digest}.css',
                              max_cache_age=365 * 24 * 3600)
    ui.add_head_html(f'<link rel="stylesheet" href="{url}">' + DROP_FALLBACK_RULE, shared=True)
