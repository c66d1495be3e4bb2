"""A project that starts logging after launch appears at once: heard from the folders above it, not found by the
periodic search (which these tests put an hour away)."""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from watchfiles import Change

from eyelet_gui.settings import Settings
from eyelet_gui.sources.eyelet import folder_watch
from eyelet_gui.sources.eyelet.schema import create_modern_database
from eyelet_gui.state.catalog import Catalog
from eyelet_gui.state.eyelet.discovery import Discovery

from .conftest import simulated_user
from .test_discovery import _eventually
from .writer import write

INSERT_ROW = ("INSERT INTO hooks (timestamp, timestamp_iso, session_id, hook_type, data) "
              "VALUES (1, '', 's', 'Stop', '{}')")
NEVER = 3600.0
"""A rescan interval no test waits for: what these tests see, the folder watches did."""
START_PROJECT = '''
import sys, time
from pathlib import Path
from eyelet_gui.sources.eyelet.schema import create_modern_database
project, pause = Path(sys.argv[1]), float(sys.argv[2])
project.mkdir(parents=True)
time.sleep(pause)
(project / '.eyelet-logging').mkdir()
time.sleep(pause)
create_modern_database(project / '.eyelet-logging' / 'eyelet.db')
'''


def start_project(project: Path, pause: float) -> None:
    """What a person and eyelet do, in another process: make the project's folder, later eyelet's folder in it,
    then its database (pause 0: all at once, as a clone with logging already set up)."""
    subprocess.run([sys.executable, '-c', START_PROJECT, str(project), str(pause)], check=True)


def database(project: Path) -> Path:
    return (project / '.eyelet-logging' / 'eyelet.db').resolve()


@asynccontextmanager
async def discovering(root: Path) -> AsyncIterator[tuple[Discovery, Catalog]]:
    """Discovery of `root`, once its first search is done and its folders are watched."""
    catalog = Catalog()
    discovery = Discovery((root,), catalog, rescan_interval=NEVER)
    discovery.start()
    try:
        await _eventually(lambda: discovery.folders is not None and discovery.folders.watches >= 1)
        yield discovery, catalog
    finally:
        await discovery.stop()


def known(catalog: Catalog) -> list[Path]:
    return [entry.path for entry in catalog.databases]


@pytest.mark.parametrize('pause', [0.0, 0.3])
async def test_a_new_project_deep_below_a_root_is_found_without_a_rescan(tmp_path: Path, pause: float) -> None:
    existing = tmp_path / 'code' / 'old-app'
    create_modern_database(_eyelet_folder(existing) / 'eyelet.db')
    (tmp_path / 'code' / 'clients').mkdir()
    async with discovering(tmp_path) as (_, catalog):
        await _eventually(lambda: known(catalog) == [database(existing)])
        new = tmp_path / 'code' / 'clients' / 'new-app'  # 3 levels down: .eyelet-logging is at the last one searched
        await asyncio.to_thread(start_project, new, pause)
        await _eventually(lambda: known(catalog) == [database(existing), database(new)])
        assert [entry.label for entry in catalog.databases] == ['old-app', 'new-app']


async def test_a_new_project_below_the_search_depth_is_left_out_as_by_the_first_search(tmp_path: Path) -> None:
    async with discovering(tmp_path) as (discovery, catalog):
        folders = discovery.folders
        assert folders is not None
        deepest = tmp_path / 'a' / 'b' / 'c' / 'd'  # MAX_DEPTH below the root: read, but not entered
        await asyncio.to_thread(start_project, deepest / 'too-deep', 0.0)
        shallow = tmp_path / 'shallow'
        await asyncio.to_thread(start_project, shallow, 0.0)
        await _eventually(lambda: database(shallow) in known(catalog) and deepest in folders.depths)
        assert folders.depths[deepest] == 0
        await folders.rescan()  # what a first search finds, for comparison
        assert known(catalog) == [database(shallow)]


async def test_a_project_folder_deleted_and_made_again_is_watched_again(tmp_path: Path) -> None:
    project = tmp_path / 'app'
    project.mkdir()
    async with discovering(tmp_path) as (discovery, catalog):
        await asyncio.to_thread(shutil.rmtree, project)  # its watch goes with it
        await _eventually(lambda: discovery.folders is not None and project not in discovery.folders.depths)
        await asyncio.to_thread(start_project, project, 0.3)
        await _eventually(lambda: known(catalog) == [database(project)])


async def test_watches_stay_bounded_in_folders_and_threads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Beyond MAX_WATCHED_FOLDERS a new folder is still searched when it appears (a project moved in whole is
    found), and the watches of new folders are merged before there are more than MAX_WATCHES."""
    monkeypatch.setattr(folder_watch, 'MAX_WATCHED_FOLDERS', 12)
    for n in range(4):
        (tmp_path / f'old{n}').mkdir()
    elsewhere = tmp_path.parent / f'{tmp_path.name}-elsewhere'  # outside the root: made whole, then moved in
    async with discovering(tmp_path) as (discovery, catalog):
        folders = discovery.folders
        assert folders is not None
        assert len(folders.depths) == 5
        projects = [tmp_path / f'new{n}' for n in range(6)]
        for count, project in enumerate(projects, start=1):
            if count <= 3:  # 5 + 3 * 2 folders: within the bound
                await asyncio.to_thread(start_project, project, 0.3)
            else:
                await asyncio.to_thread(start_project, elsewhere / project.name, 0.0)
                await asyncio.to_thread((elsewhere / project.name).rename, project)
            await _eventually(lambda: len(known(catalog)) == count)  # noqa: B023 (used at once)
            assert len(folders.depths) <= 12
            assert folders.watches <= folder_watch.MAX_WATCHES + 1  # merged before the next change is handled
        assert known(catalog) == [database(project) for project in projects]
        assert sorted(folders.depths) == sorted([tmp_path, *(tmp_path / f'old{n}' for n in range(4)),
                                                 *projects[:3], *(p / '.eyelet-logging' for p in projects[:3]),
                                                 projects[3]])
    shutil.rmtree(elsewhere)


async def test_an_open_page_shows_a_new_project(tmp_path: Path) -> None:
    existing = tmp_path / 'old-app'
    create_modern_database(_eyelet_folder(existing) / 'eyelet.db')
    async with simulated_user(Settings(show=False, search_roots=(tmp_path,), poll_interval=60)) as user:
        await user.open('/')
        await user.should_see('old-app', retries=150)
        new = tmp_path / 'code' / 'new-app'
        await asyncio.to_thread(start_project, new, 0.3)
        await user.should_see(str(database(new)), retries=150)


def _eyelet_folder(project: Path) -> Path:
    folder = project / '.eyelet-logging'
    folder.mkdir(parents=True)
    return folder


async def test_commits_to_a_known_database_are_no_news(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """eyelet commits many times a second; only the checkpoints touch eyelet.db itself, and each one is a
    `modified` event that must not cost a trip to a thread and a look at the file."""
    looked_at: list[set[tuple[Change, str]]] = []
    read_changes = folder_watch._read_changes

    def counted(changes: set[tuple[Change, str]]) -> tuple[list[Path], list[Path], list[Path]]:
        looked_at.append(changes)
        return read_changes(changes)

    monkeypatch.setattr(folder_watch, '_read_changes', counted)
    existing = tmp_path / 'old-app'
    create_modern_database(_eyelet_folder(existing) / 'eyelet.db')
    async with discovering(tmp_path) as (_, catalog):
        await _eventually(lambda: known(catalog) == [database(existing)])
        await asyncio.to_thread(write, database(existing), INSERT_ROW, 'PRAGMA wal_checkpoint(TRUNCATE)', repeat=5,
                                pause=0.3)
        new = tmp_path / 'new-app'
        await asyncio.to_thread(start_project, new, 0.0)
        await _eventually(lambda: database(new) in known(catalog))  # every change before it was handled, in order
    assert [change for changes in looked_at for change in changes if Path(change[1]) == database(existing)] == []
