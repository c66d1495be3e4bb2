"""Every class our components and pages use is defined: by the compiled Tailwind sheet, Quasar or NiceGUI.

NiceGUI's in-browser Tailwind is off (components/styles.py), so a Tailwind class added to the code does
nothing until scripts/tailwind compiles it; this test says so instead of a page quietly losing its layout.
"""

from __future__ import annotations

import re
from pathlib import Path

import nicegui

ROOT = Path(__file__).resolve().parents[1]
STATIC = Path(nicegui.__file__).parent / 'static'
MARKERS = {'eyelet-grid', 'sql-editor', 'sql-run', 'sql-live', 'sql-json', 'sql-status', 'sql-cancel', 'sql-page',
           'row-detail'}
"""Classes that only name an element for our scripts and tests."""


def used_classes() -> set[str]:
    sources = [*ROOT.glob('components/*.py'), *ROOT.glob('pages/*.py')]
    strings = (match.group(1) for path in sources
               for match in re.finditer(r"\.classes\('([^']*)'\)", path.read_text()))
    return {name for string in strings for name in string.split()}


def defined_classes(*sheets: Path) -> set[str]:
    css = ''.join(sheet.read_text() for sheet in sheets)
    return {re.sub(r'\\(.)', r'\1', name) for name in re.findall(r'\.((?:\\.|[\w-])+)', css)}


def test_every_class_used_is_defined() -> None:
    defined = defined_classes(ROOT / 'components' / 'static' / 'tailwind.css', STATIC / 'quasar.unimportant.prod.css',
                              STATIC / 'quasar.important.prod.css', STATIC / 'nicegui.css')
    used = used_classes()
    assert len(used) > 40  # the scan finds the code's classes
    assert used - defined - MARKERS == set(), 'run scripts/tailwind to compile the new classes'
