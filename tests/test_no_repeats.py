"""One piece of code per idea: outside `bench/` and `tests/`, no run of six or more lines repeats the logic of
another place, even under other names and values. Only declarations (fields, signatures, imports, constants)
may look alike: a dataclass's fields beside another's are not logic written twice.

Lines are compared by shape — names, strings and numbers stand for any name, string, number — so a copy with
its variables renamed is found too. Comments, docstrings and blank lines do not count."""

from __future__ import annotations

import io
import itertools
import keyword
import subprocess
import tokenize
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RUN = 6
"""Lines alike in a row that make a repeat."""
LOGIC = frozenset({'if', 'elif', 'else', 'for', 'while', 'return', 'await', 'yield', 'with', 'try', 'except',
                   'finally', 'raise', 'lambda', 'del', 'assert', 'break', 'continue'})
"""Keywords that make a line logic: a run of assignments and calls with none of them declares parts (a
constructor wiring its fields, say), and looks alike by nature."""
ALIKE_BY_DESIGN = {
    ('sources/postgres/engine.py', 'sources/sqlite/engine.py'),
}
"""Pairs that declare one protocol twice, one per engine (sources/engine.py): the same method names each answered
in a line of that engine's own, which is the point of the engine object."""
FSTRING_START, FSTRING_END = getattr(tokenize, 'FSTRING_START', -1), getattr(tokenize, 'FSTRING_END', -1)
"""Python 3.12 splits an f-string into tokens, its fields' names included: its start stands for it, as the one
STRING token of Python 3.11 does, and everything up to its end is dropped, so both find the same repeats."""
STRINGS = frozenset({tokenize.STRING, FSTRING_START})


@dataclass(frozen=True, slots=True)
class Line:
    path: str
    number: int
    shape: tuple[str, ...]
    logic: bool


def shaped(source: str, path: str) -> list[Line]:
    """Each logical line of code as its shape; comments, docstrings and blank lines left out."""
    lines: list[Line] = []
    current: list[tokenize.TokenInfo] = []
    inside_fstring = 0  # nesting depth: an f-string's field may hold another
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        inside_fstring += (token.type == FSTRING_START) - (token.type == FSTRING_END)
        if token.type in (tokenize.COMMENT, tokenize.NL, tokenize.INDENT, tokenize.DEDENT, tokenize.ENCODING) \
                or (inside_fstring and not (token.type == FSTRING_START and inside_fstring == 1)) \
                or token.type == FSTRING_END:
            continue
        if token.type not in (tokenize.NEWLINE, tokenize.ENDMARKER):
            current.append(token)
            continue
        if current and not (len(current) == 1 and current[0].type == tokenize.STRING):  # a docstring
            shape = tuple(_shape(token) for token in current)
            logic = any(word in LOGIC for word in shape)
            lines.append(Line(path, current[0].start[0], shape, logic))
        current = []
    return lines


def _shape(token: tokenize.TokenInfo) -> str:
    if token.type == tokenize.NAME:
        return token.string if keyword.iskeyword(token.string) else 'N'
    if token.type in STRINGS:
        return 'S'
    if token.type == tokenize.NUMBER:
        return '0'
    return token.string


def repeats(files: dict[str, str]) -> list[str]:
    """Every pair of places that share RUN lines or more of the same shape, at least two of them logic; a longer
    shared run is named once, by where it starts."""
    lines = {path: shaped(source, path) for path, source in files.items()}
    starts: dict[tuple[tuple[str, ...], ...], list[tuple[str, int]]] = defaultdict(list)
    for path, path_lines in lines.items():
        for i in range(len(path_lines) - RUN + 1):
            window = path_lines[i:i + RUN]
            if sum(line.logic for line in window) >= 2:
                starts[tuple(line.shape for line in window)].append((path, i))
    pairs = {(a, b) for places in starts.values() for a, b in itertools.pairwise(places)}
    return sorted(f'{a}:{lines[a][i].number} ~ {b}:{lines[b][j].number}' for (a, i), (b, j) in pairs
                  if ((a, i - 1), (b, j - 1)) not in pairs and tuple(sorted((a, b))) not in ALIKE_BY_DESIGN)


def product_sources() -> dict[str, str]:
    tracked = subprocess.run(['git', 'ls-files', '*.py'], cwd=ROOT, capture_output=True, text=True,
                             check=True).stdout.split()
    return {name: (ROOT / name).read_text(encoding='utf-8') for name in tracked
            if name.split('/')[0] not in {'tests', 'bench', 'scripts'} and (ROOT / name).is_file()}


def test_no_logic_is_written_twice() -> None:
    assert repeats(product_sources()) == []


def test_a_renamed_copy_is_found_and_declarations_are_not() -> None:
    logic = '''
def first(rows, limit):
    kept = []
    for row in rows:
        if row.size > limit:
            continue
        kept.append(row.name)
    return kept
'''
    renamed = logic.replace('first', 'second').replace('rows', 'items').replace('limit', 'most').replace('kept', 'out')
    fields = '''
class Settings:
    host: str = '127.0.0.1'
    port: int = 8080
    token: str | None = None
    demo: bool = False
    native: bool = False
    show: bool = True
'''
    other_fields = fields.replace('Settings', 'Options').replace('8080', '9090')
    assert repeats({'a.py': logic, 'b.py': renamed}) == ['a.py:2 ~ b.py:2']
    assert repeats({'a.py': fields, 'b.py': other_fields}) == []
