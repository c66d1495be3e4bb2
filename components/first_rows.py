"""A grid's first rows, drawn while the page's scripts still load: a fresh tab shows data as soon as its HTML does.

Before a grid shows a row, a fresh tab compiles Vue, Quasar and AG Grid: most of a second here, where a page of
plain HTML shows its table at once (docs/benchmarks.md, first rows). So a page with a live grid also carries a
plain table of its first rows, drawn by a small script as the HTML is parsed, with the grid's own formatters
(constant code, as AG Grid runs it) over the page, until the grid shows its rows; then it is removed. It takes no
clicks, and nothing of it is markup: values become text nodes.
"""

from __future__ import annotations

import json
import weakref
from typing import Any

from nicegui import Client, ui

_DRAWN: weakref.WeakSet[Client] = weakref.WeakSet()
"""Pages that carry their first rows already: the first grid of a page draws them."""

FIRST_ROWS = 60
"""Rows drawn: more than a tall screen shows."""
GIVE_UP = 20
"""Seconds after which the table goes even if the grid never showed (a page that failed to start)."""

STYLE = '''
#eyelet-first-rows { position: fixed; inset: 0; z-index: 7000; pointer-events: none; overflow: hidden;
  background: #fff; color: rgba(0, 0, 0, 0.87); font: 13px/1.3 Roboto, -apple-system, "Helvetica Neue", sans-serif; }
#eyelet-first-rows header { background: #1976d2; color: #fff; font-size: 20px; font-weight: 500;
  padding: 10px 16px; height: 52px; box-sizing: border-box; }
#eyelet-first-rows table { border-collapse: collapse; margin: 16px; white-space: nowrap; }
#eyelet-first-rows th { text-align: left; font-weight: 600; padding: 6px 8px; border-bottom: 1px solid #bdc3c7; }
#eyelet-first-rows td { padding: 4px 8px; border-bottom: 1px solid #eee; max-width: 480px; overflow: hidden;
  text-overflow: ellipsis; }
@media (prefers-color-scheme: dark) {
  #eyelet-first-rows { background: #121212; color: #fff; }
  #eyelet-first-rows td { border-bottom-color: #333; }
}
'''

# Runs once, as the page is parsed. Constant code: the rows travel as JSON text and become text nodes.
DRAW = f'''(() => {{
  const box = document.getElementById('eyelet-first-rows');
  const {{ columns, rows }} = JSON.parse(document.getElementById('eyelet-first-rows-data').textContent);
  const code = (text) => (text ? new Function('return ' + text)() : null);
  const narrow = innerWidth < 600 && columns.some((column) => column.compact);
  const shown = columns.filter((column) => (narrow ? column.compact : !column.compact))
    .map((column) => ({{ ...column, format: code(column.format), style: code(column.style),
                         render: code(column.render) }}));
  const header = document.createElement('header');
  header.textContent = 'eyelet-gui';
  const table = document.createElement('table');
  if (!narrow) {{
    const head = table.createTHead().insertRow();
    for (const column of shown) head.appendChild(document.createElement('th')).textContent = column.name;
  }}
  const body = table.createTBody();
  for (const data of rows) {{
    const line = body.insertRow();
    for (const column of shown) {{
      const cell = line.insertCell(), value = data[column.field], params = {{ value, data }};
      if (column.render) {{ cell.append(column.render(params)); cell.style.whiteSpace = 'normal'; continue; }}
      cell.textContent = column.format ? column.format(params) : value ?? '';
      Object.assign(cell.style, (column.style && column.style(params)) || {{}});
    }}
  }}
  box.append(header, table);
  const finish = () => {{ box.remove(); watch.disconnect(); }};
  const watch = new MutationObserver(() => {{
    if (document.querySelector('.eyelet-grid .ag-row, .eyelet-grid .ag-overlay-no-rows-center')) finish();
  }});
  watch.observe(document.documentElement, {{ childList: true, subtree: true }});
  setTimeout(finish, {GIVE_UP * 1000});
}})();'''


def draw_first_rows(options: dict[str, Any]) -> None:
    """Put a plain table of the first rows of the grid built from AG Grid `options` on this page, once per page."""
    client = ui.context.client
    if client in _DRAWN:
        return
    _DRAWN.add(client)
    columns = [{'field': column.get('field') or column.get('colId'), 'name': column.get('headerName', ''),
                'format': column.get(':valueFormatter'), 'style': column.get(':cellStyle'),
                'render': column.get(':cellRenderer'), 'compact': 'colId' in column}
               for column in options['columnDefs'] if not column.get('hide') or 'colId' in column]
    data = json.dumps({'columns': columns, 'rows': options['rowData'][:FIRST_ROWS]})
    # Inside a <script> element `</` and `<!--` change how HTML reads it: with `<` escaped, the JSON says the same.
    data = data.replace('<', '\\u003c')
    ui.add_body_html(f'<style>{STYLE}</style><div id="eyelet-first-rows" aria-hidden="true"></div>'
                     f'<script type="application/json" id="eyelet-first-rows-data">{data}</script>'
                     f'<script>{DRAW}</script>')
