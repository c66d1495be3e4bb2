"""A project that starts logging while `/` is open: how long from its `mkdir` until the open page lists it.

    uv run --group dev python bench/new_project.py [--projects 10] [--pause 0.5] [--spread 3] [--folders 300]

Serves a folder (as `eyelet-gui ~/code` would be started) that holds one project and `--folders` others without a
log, opens `/` in Debian's Chromium once, and then, `--projects` times, starts a project the way a person and
eyelet do, 3 levels below the folder: `mkdir clients/new-app-N`, `--pause` s later its `.eyelet-logging/`,
`--pause` s later eyelet's database with one row. The page is never reloaded. Between projects the bench waits a
random time of up to `--spread` s, so that projects do not keep step with a periodic search.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import tempfile
import time
from pathlib import Path

from playwright.async_api import Page, async_playwright

from eyelet_gui.sources.eyelet.schema import connect_writer, create_modern_database

sys.path.insert(0, str(Path(__file__).resolve().parent))  # benches run as scripts from bench/
from common import CHROMIUM_ARGS, insert, print_conditions, served, summary

SHOWN = 'name => document.body.innerText.includes(name)'
PATIENCE_MS = 90_000
"""Longer than any periodic search: a project never shown is a failure, not a figure."""


def start_logging(path: Path) -> None:
    """eyelet's first write in a new project: its database, one row."""
    create_modern_database(path)
    writer = connect_writer(path)
    insert(writer, 0)
    writer.close()


async def one_project(page: Page, root: Path, number: int, pause: float) -> tuple[float, float]:
    """(mkdir → shown, database written → shown) in seconds, for one new project."""
    project = root / 'code' / 'clients' / f'new-app-{number}'
    made = time.perf_counter()
    project.mkdir()
    await asyncio.sleep(pause)
    (project / '.eyelet-logging').mkdir()
    await asyncio.sleep(pause)
    written = time.perf_counter()
    await asyncio.to_thread(start_logging, project / '.eyelet-logging' / 'eyelet.db')
    await page.wait_for_function(SHOWN, arg=f'new-app-{number}', timeout=PATIENCE_MS, polling=20)
    shown = time.perf_counter()
    return shown - made, shown - written


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--projects', type=int, default=10, help='projects started, one after another')
    parser.add_argument('--pause', type=float, default=0.5, help='seconds between the steps of starting one')
    parser.add_argument('--spread', type=float, default=3.0, help='longest random wait between projects, seconds')
    parser.add_argument('--folders', type=int, default=300, help='other project folders below the served folder')
    args = parser.parse_args()
    print_conditions('new project', f'{args.projects} projects, {args.pause} s between mkdir, .eyelet-logging/ '
                     f'and eyelet.db, 0-{args.spread} s between projects, {args.folders} other folders; '
                     'Debian Chromium headless, server and browser on the same machine')
    random.seed(13)
    with tempfile.TemporaryDirectory(prefix='eyelet-gui-new-project-') as folder:
        root = Path(folder)
        for number in range(args.folders):
            (root / 'code' / f'project-{number}' / 'src').mkdir(parents=True)
        (root / 'code' / 'clients').mkdir()
        existing = root / 'code' / 'old-app' / '.eyelet-logging'
        existing.mkdir(parents=True)
        create_modern_database(existing / 'eyelet.db')
        made, written = [], []
        with served(root) as (url, _):
            async with async_playwright() as playwright:
                browser = await playwright.chromium.launch(executable_path='/usr/bin/chromium', args=CHROMIUM_ARGS)
                page = await browser.new_page()
                await page.goto(f'{url}/')
                await page.wait_for_function(SHOWN, arg='old-app', timeout=PATIENCE_MS, polling=20)
                for number in range(args.projects):
                    await asyncio.sleep(random.uniform(0, args.spread))
                    from_mkdir, from_write = await one_project(page, root, number, args.pause)
                    made.append(from_mkdir)
                    written.append(from_write)
                    print(f'  new-app-{number}: shown {from_mkdir:.2f} s after mkdir, {from_write:.2f} s after '
                          'its database was written', flush=True)
                await browser.close()
    print(f'\nmkdir → shown on the open page: {summary(made)}')
    print(f'database written → shown on the open page: {summary(written)}')


if __name__ == '__main__':
    asyncio.run(main())
