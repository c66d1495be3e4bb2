"""What AG Grid alone costs the browser for one new row on top, with nothing of eyelet-gui around it.

    uv run --group dev python bench/bare_grid.py [--rates 10 100] [--buffers 10 2] [--seconds 10]

A static page loads NiceGUI's own AG Grid bundle (the one the product runs) with the product's theme and a window
of 300 rows of eight short columns, as on `/`; the page itself adds one row on top and drops the last, `rate`
times a second, the way components/live_grid.js hands a delta to the grid (`setGridOption('rowData', …)` with
row ids). No server, no NiceGUI, no Vue: this is the floor under every live grid page. Each `--buffers` figure is
AG Grid's `rowBuffer` (10 is AG Grid's default; components/live_grid.py sets ROW_BUFFER). Busy is the renderer's
main-thread time over wall time (Chrome DevTools Protocol `Performance.getMetrics`, TaskDuration), in one tab of
Debian's Chromium at 1440x900.
"""

from __future__ import annotations

import argparse
import asyncio
import http.server
import json
import os
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import nicegui
from playwright.async_api import Browser, async_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent))  # benches run as scripts from bench/
from browser_cost import DESKTOP, METRICS, busy, each_second, share
from common import CHROMIUM_ARGS, free_port, print_conditions

from eyelet_gui.components.live_grid import ROW_BUFFER

AG_GRID = Path(nicegui.__file__).parent / 'elements' / 'aggrid' / 'dist' / 'index.js'
PAGE = """<!doctype html><html><head><meta charset="utf-8">
<style>html, body { margin: 0; height: 100%; } #grid { height: 100vh; }</style></head>
<body><div id="grid"></div><script type="module">
import * as AgGrid from './ag-grid.js';
AgGrid.ModuleRegistry.registerModules([AgGrid.AllCommunityModule]);
const columns = ['timestamp', 'project_dir', 'session_id', 'hook_type', 'tool_name', 'what', 'outcome', 'duration_ms'];
let made = 0;
const row = () => ({ __key: `k${++made}`, timestamp: new Date().toISOString(), project_dir: '/home/user/project',
  session_id: `session-${made % 7}`, hook_type: 'PreToolUse', tool_name: 'Bash', what: `pytest tests/test_${made}.py`,
  outcome: 'ok', duration_ms: made % 1000 });
let rows = Array.from({ length: 300 }, row).reverse();
const api = AgGrid.createGrid(document.getElementById('grid'), {
  theme: AgGrid.themeBalham.withPart(AgGrid.colorSchemeVariable), columnDefs: columns.map((field) => ({ field })),
  rowData: rows, getRowId: (params) => params.data.__key, animateRows: false, suppressColumnVirtualisation: true,
  rowBuffer: Number(new URLSearchParams(location.search).get('buffer')),
});
window.addRows = (rate) => setInterval(() => requestAnimationFrame(() => {
  rows = [row(), ...rows.slice(0, -1)];
  api.setGridOption('rowData', rows);
}), 1000 / rate);
window.ready = true;
</script></body></html>"""


@contextmanager
def static_page() -> Iterator[str]:
    """The page and AG Grid's bundle served over HTTP (a module script will not load from a file: URL)."""
    files = {'/index.html': (PAGE.encode(), 'text/html'), '/ag-grid.js': (AG_GRID.read_bytes(), 'text/javascript')}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body, kind = files.get(self.path.split('?')[0], (b'', ''))
            self.send_response(200 if kind else 404)
            self.send_header('Content-Type', kind or 'text/plain')
            self.send_header('Content-Length', str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(('127.0.0.1', free_port()), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f'http://127.0.0.1:{server.server_port}/index.html'
    finally:
        server.shutdown()


async def grid_cost(browser: Browser, url: str, *, buffer: int, rate: float, seconds: float) -> str:
    page = await browser.new_page(viewport=DESKTOP)
    cdp = await page.context.new_cdp_session(page)
    await cdp.send('Performance.enable')
    await page.goto(f'{url}?buffer={buffer}')
    await page.wait_for_function('window.ready === true')
    await asyncio.sleep(2)
    await page.evaluate(f'addRows({json.dumps(rate)})')
    await asyncio.sleep(2)
    intervals = await each_second(cdp, seconds)
    await page.close()
    per_second = [busy('TaskDuration', [interval]) for interval in intervals]
    return (f'busy {busy(METRICS["busy"], intervals):5.1f} % (each second: {share(per_second)}); '
            f'style {busy(METRICS["style"], intervals):.1f} %')


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--rates', nargs='+', type=float, default=[10, 100], help='rows added a second')
    parser.add_argument('--buffers', nargs='+', type=int, default=[10, ROW_BUFFER], help="AG Grid's rowBuffer")
    parser.add_argument('--seconds', type=float, default=10, help='measured window of each condition')
    args = parser.parse_args()
    print_conditions('bare grid', f'Debian Chromium headless ({" ".join(CHROMIUM_ARGS)}); AG Grid from NiceGUI '
                                  f'{nicegui.__version__}; load average {os.getloadavg()[0]:.2f} at the start')
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path='/usr/bin/chromium', args=CHROMIUM_ARGS)
        with static_page() as url:
            for rate in args.rates:
                for buffer in args.buffers:
                    cost = await grid_cost(browser, url, buffer=buffer, rate=rate, seconds=args.seconds)
                    print(f'{rate:g} rows/s, rowBuffer {buffer:2}: {cost}', flush=True)
        await browser.close()
    print(f'\nload average at the end (1, 5, 15 min): {", ".join(f"{load:.2f}" for load in os.getloadavg())}')


if __name__ == '__main__':
    asyncio.run(main())
