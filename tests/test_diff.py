"""The key diff: applying a delta to the old window gives exactly the new one, with as little as possible moved."""

from __future__ import annotations

import random

from eyelet_gui.state.live.diff import apply, diff
from eyelet_gui.state.live.values import byte_size, cell_text


def window(*rows: tuple[str, int]) -> list[tuple[str, tuple[object, ...]]]:
    return [(key, (key, value)) for key, value in rows]


def test_tail_insert_is_one_add_at_the_top() -> None:
    old = window(('3', 30), ('2', 20), ('1', 10))
    new = window(('4', 40), ('3', 30), ('2', 20))
    assert diff(old, new) == (((0, '4', ('4', 40)),), (), ('1',))


def test_update_sends_only_changed_columns() -> None:
    assert diff(window(('1', 10), ('2', 20)), window(('1', 10), ('2', 21))) == ((), (('2', {1: 21}),), ())


def test_type_change_counts_as_a_change() -> None:
    assert diff([('1', (1,))], [('1', (1.0,))]) == ((), (('1', {0: 1.0}),), ())


def test_moved_row_is_removed_and_added_at_its_new_place() -> None:
    old = window(('a', 1), ('b', 2), ('c', 3))
    new = window(('b', 2), ('c', 3), ('a', 4))
    assert diff(old, new) == (((2, 'a', ('a', 4)),), (), ('a',))


def test_random_windows_round_trip() -> None:
    rng = random.Random(7)
    for _ in range(500):
        keys = rng.sample(range(40), rng.randint(0, 20))
        old = [(str(k), (k, rng.randint(0, 3))) for k in keys]
        survivors = [row for row in old if rng.random() > 0.2]
        changed = [(key, (row[0], row[1] + 1)) if rng.random() < 0.2 else (key, row) for key, row in survivors]
        fresh = [(str(k), (k, 0)) for k in rng.sample(range(40, 80), rng.randint(0, 5))]
        new = changed + fresh
        if rng.random() < 0.3:
            rng.shuffle(new)
        added, updated, removed = diff(old, new)
        assert apply(old, added, updated, removed) == new
        assert len(added) <= len(new)


def test_cell_text() -> None:
    assert [cell_text(None), cell_text(5), cell_text('<b>x</b>'), cell_text('x' * 100, limit=10)] == [
        '', '5', '<b>x</b>', 'xxxxxxxxx…']
    # A long path keeps its end, the folder or file it names; long text keeps its first words.
    long_path = '/home/dev/work/clients/some-company/repositories/services/internal/billing/acme-api'
    assert (cell_text(long_path, limit=40), cell_text(f'{long_path} and more', limit=40)) == (
        '/home/dev/wor…/internal/billing/acme-api', '/home/dev/work/clients/some-company/rep…')
    assert cell_text(bytes(range(20))) == 'BLOB 20 bytes: 00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f …'


def test_byte_size() -> None:
    assert [byte_size(None), byte_size(812), byte_size(4_404_019), byte_size(3 * 1024**4)] == [
        'missing', '812 B', '4.2 MB', '3072.0 GB']
