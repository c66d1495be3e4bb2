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
        'main': 5, 'command_line': 5, '__main__': 5, 'server': 5, 'desktop': 5, 'forward': 5}
SHARED = {'', '__version__', 'settings'}
"""Importable from anywhere: the package itself (its version) and the frozen settings."""
GENERIC_OF = {'sources': ('sources.sqlite', 'sources.postgres'), 'state': ('state.live',)}
"""Per layer, the generic parts that must not import that layer's eyelet part."""
UI_ALLOWED = ('main', 'pages', 'components', 'desktop')
"""Only these draw: NiceGUI's `ui` stays out of state and sources."""


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


def imports(tree: ast.Module) -> set[str]:
    """First-party modules a module imports anywhere (lazy imports inside functions too), below the package."""
    named: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split('.')[0] == PACKAGE:
            base = node.module.removeprefix(PACKAGE).lstrip('.')
            named.update(f'{base}.{alias.name}'.lstrip('.') for alias in node.names)
        elif isinstance(node, ast.Import):
            named.update(alias.name.removeprefix(PACKAGE).lstrip('.') for alias in node.names
                         if alias.name.split('.')[0] == PACKAGE)
    return named


def top(dotted: str) -> str:
    return dotted.split('.', maxsplit=1)[0]


def test_imports_flow_one_way_through_the_layers() -> None:
    found = modules()
    assert {top(name) for name in found} - SHARED == set(RANK), 'every top-level part has a place in RANK'
    wrong = sorted(f'{name} imports {target}' for name, tree in found.items() for target in imports(tree)
                   if top(target) not in SHARED and top(name) not in SHARED and top(target) != top(name)
                   and RANK[top(target)] > RANK[top(name)])
    assert wrong == []


def test_the_generic_engine_never_imports_the_eyelet_product() -> None:
    wrong = sorted(f'{name} imports {target}' for name, tree in modules().items() for target in imports(tree)
                   for layer, generic in GENERIC_OF.items()
                   if name.startswith(generic) and target.startswith(f'{layer}.eyelet'))
    assert wrong == []


def test_only_the_ui_layers_import_nicegui_ui() -> None:
    drawing = sorted(name for name, tree in modules().items() if not name.startswith(UI_ALLOWED)
                     and any(isinstance(node, ast.ImportFrom) and node.module == 'nicegui'
                             and any(alias.name == 'ui' for alias in node.names) for node in ast.walk(tree)))
    assert drawing == []


def test_the_rank_check_sees_a_wrong_import() -> None:
    """The check itself can fail: a state module that imported a page would be named."""
    tree = ast.parse('from eyelet_gui.pages import overview\nfrom eyelet_gui.sources.query import Query\n')
    assert imports(tree) == {'pages.overview', 'sources.query.Query'}
    assert [target for target in imports(tree) if RANK[top(target)] > RANK['state']] == ['pages.overview']
