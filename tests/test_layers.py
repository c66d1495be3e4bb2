"""The house stands on its layers: imports flow one way, pages → components → state → sources, and inside each
layer the generic engine never reaches into the eyelet product. Checked by path, from each module's source, so
that a wrong import fails here before anyone has to find it by reading."""

from __future__ import annotations

import ast
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = 'eyelet_gui'

# Higher imports lower, never the other way. The programs' wiring sits on top; the demo is a program of its own
# that writes through the sources (the catalog starts it, so state may name it).
RANK = {'sources': 0, 'demo': 1, 'state': 2, 'components': 3, 'pages': 4,
        'main': 5, 'command_line': 5, '__main__': 5, 'server': 5, 'desktop': 5, 'forward': 5,
        'notify': 5}
SHARED = {'', '__version__', 'settings'}
"""Importable from anywhere: the package itself (its version) and the frozen settings."""
GENERIC_OF = {'sources': ('sources.sqlite', 'sources.postgres'), 'state': ('state.live',)}
"""Per layer, the generic parts that must not import that layer's eyelet part."""
UI_ALLOWED = ('main', 'pages', 'components', 'desktop')
"""Only these draw: NiceGUI's `ui` stays out of state and sources."""
ENGINE_NAMES = frozenset({'sqlite', 'postgresql'})
ENGINE_CLASSES = frozenset({'SqliteEngine', 'PostgresEngine', 'PostgresReader', 'PostgresChangeDetector'})
CHOOSES_ENGINES = ('state.catalog', 'sources')
"""Where an engine may be named: the catalog picks one when a database is added; sources/ holds them."""


def modules() -> dict[str, ast.Module]:
    """Every first-party module outside tests and benchmarks, by dotted name below the package."""
    tracked = subprocess.run(['git', 'ls-files', '*.py'], cwd=ROOT, capture_output=True, text=True,
                             check=True).stdout.split()
    found: dict[str, ast.Module] = {}
    for name in tracked:
        path = Path(name)
        if path.parts[0] in {'tests', 'bench', 'scripts'}:
            continue
        dotted = '.'.join(path.with_suffix('').parts).removesuffix('__init__').rstrip('.')
        found[dotted] = ast.parse((ROOT / path).read_text(encoding='utf-8'))
    return found


def imports(tree: ast.Module, package: str = '') -> set[str]:
    """First-party modules a module imports anywhere (lazy imports inside functions too), below the package;
    `package`: the dotted package the module is in, which its relative imports start from."""
    named: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level:  # `from ..pages import x`
            parts = package.split('.') if package else []
            base = '.'.join([*parts[:len(parts) - (node.level - 1)], *([node.module] if node.module else [])])
            named.update(f'{base}.{alias.name}'.lstrip('.') for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.split('.')[0] == PACKAGE:
            base = node.module.removeprefix(PACKAGE).lstrip('.')
            named.update(f'{base}.{alias.name}'.lstrip('.') for alias in node.names)
        elif isinstance(node, ast.Import):
            named.update(alias.name.removeprefix(PACKAGE).lstrip('.') for alias in node.names
                         if alias.name.split('.')[0] == PACKAGE)
    return named


def package_of(name: str, found: dict[str, ast.Module]) -> str:
    """The package a module is in: itself for a package's `__init__`, else its parent."""
    return name if any(other.startswith(f'{name}.') for other in found) else name.rpartition('.')[0]


def top(dotted: str) -> str:
    return dotted.split('.', maxsplit=1)[0]


def against_the_layers(found: dict[str, ast.Module]) -> list[str]:
    """Every import of a higher layer by a lower one."""
    return sorted(f'{name} imports {target}' for name, tree in found.items()
                  for target in imports(tree, package_of(name, found))
                  if top(target) not in SHARED and top(name) not in SHARED and top(target) != top(name)
                  and RANK[top(target)] > RANK[top(name)])


def test_imports_flow_one_way_through_the_layers() -> None:
    found = modules()
    assert {top(name) for name in found} - SHARED == set(RANK), 'every top-level part has a place in RANK'
    assert against_the_layers(found) == []


def test_the_generic_engine_never_imports_the_eyelet_product() -> None:
    found = modules()
    wrong = sorted(f'{name} imports {target}' for name, tree in found.items()
                   for target in imports(tree, package_of(name, found))
                   for layer, generic in GENERIC_OF.items()
                   if name.startswith(generic) and target.startswith(f'{layer}.eyelet'))
    assert wrong == []


def test_only_the_ui_layers_import_nicegui_ui() -> None:
    drawing = sorted(name for name, tree in modules().items() if not name.startswith(UI_ALLOWED)
                     and any(isinstance(node, ast.ImportFrom) and node.module == 'nicegui'
                             and any(alias.name == 'ui' for alias in node.names) for node in ast.walk(tree)))
    assert drawing == []


def engine_branches(name: str, tree: ast.Module) -> list[str]:
    """Where a module above sources/ asks which engine a database is: a comparison with an engine's name, a test
    of a database's `url`, or an engine's own class named outside the catalog."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare):
            operands = [node.left, *node.comparators]
            if any(isinstance(operand, ast.Constant) and operand.value in ENGINE_NAMES for operand in operands):
                found.append(f'{name}:{node.lineno} compares with an engine\'s name')
            if any(isinstance(operand, ast.Attribute) and operand.attr == 'url' for operand in operands) \
                    and any(isinstance(operand, ast.Constant) and operand.value is None for operand in operands):
                found.append(f'{name}:{node.lineno} tells the engine by its url')
        elif isinstance(node, ast.ImportFrom) and not name.startswith(CHOOSES_ENGINES):
            found.extend(f'{name}:{node.lineno} imports {alias.name}' for alias in node.names
                         if alias.name in ENGINE_CLASSES)
    return sorted(found, key=lambda said: int(said.split(':')[1].split()[0]))


def test_nothing_above_the_sources_asks_which_engine() -> None:
    """A database's engine is chosen once, when the catalog adds it; above sources/ it is asked for its reader, its
    changes, its dialect and what it can do (sources/engine.py), never which engine it is."""
    assert [found for name, tree in modules().items() if top(name) != 'sources'
            for found in engine_branches(name, tree)] == []


def test_the_engine_check_sees_a_branch() -> None:
    tree = ast.parse("if database.url is None:\n    pass\nok = relation.engine == 'sqlite'\n"
                     'from eyelet_gui.sources.postgres.reader import PostgresReader\n')
    assert engine_branches('state.live.watcher', tree) == [
        'state.live.watcher:1 tells the engine by its url', "state.live.watcher:3 compares with an engine's name",
        'state.live.watcher:4 imports PostgresReader']


def test_the_rank_check_sees_a_wrong_import() -> None:
    """The check itself can fail: a state module that imported a page, absolutely or relatively, is named; its
    imports of sources, of its own layer and of the settings are not."""
    found = {'state.live.watcher': ast.parse(
        'from eyelet_gui.pages import overview\nfrom ...pages.api import register\n'
        'from eyelet_gui.sources.query import Query\nfrom . import diff\nfrom eyelet_gui.settings import Settings\n')}
    assert against_the_layers(found) == ['state.live.watcher imports pages.api.register',
                                         'state.live.watcher imports pages.overview']
