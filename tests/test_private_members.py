"""No private member of a dependency: a library may rename its `_internals` in any release, and our ranges
(pyproject.toml) would let that release in. Checked from the source, as the layers are (tests/test_layers.py)."""

from __future__ import annotations

import ast

from .test_layers import modules

ALLOWED = {
    'super()._handle_delete': "NiceGUI's hook for an element's deletion, which has no public one; nicegui is held "
                              'to one major version (<4) and tests/test_lifetime.py runs it',
    'os._exit': 'public, documented as the exit without cleanup',
    'self.notifier._backend': "desktop-notifier's backend holds its D-Bus connection and the library has no public "
                              'close; held to one major version (<7) and tests/test_desktop_notifications.py runs it',
    'multiprocessing.util._run_finalizers': "the standard library's, which moves only with Python itself",
}
"""`obj._name` outside the object's own class, each with why it stays."""


def foreign_private_members() -> set[str]:
    """Every `obj._name` whose `obj` is not `self` or `cls`, as written."""
    return {ast.unparse(node) for tree in modules().values() for node in ast.walk(tree)
            if isinstance(node, ast.Attribute) and node.attr.startswith('_') and not node.attr.startswith('__')
            and not (isinstance(node.value, ast.Name) and node.value.id in ('self', 'cls'))}


def test_no_private_member_of_a_dependency_is_used() -> None:
    assert foreign_private_members() - set(ALLOWED) == set()
