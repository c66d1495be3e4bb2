"""Secrets never leave the server: every value read from SQLite is redacted before anything else sees it.

Redaction happens in `Reader.fetch` (sources/sqlite/reader.py), in the connection's thread: every grid, row detail,
"what" line, chart label, session page and export reads through it, so no value reaches the browser without
passing here, and the cost is paid once per read, off the event loop, for all tabs that share the read.

Two rules:
(a) values under keys that name a secret (`api_key`, `GITHUB_TOKEN`, `Authorization`, …): JSON `"key": "value"`
    pairs, `NAME=value` pairs in commands and URLs, and whole columns so named; in eyelet's `env_vars`, every
    `CLAUDE*`/`ANTHROPIC*`/`EYELET*` value but a few harmless ones;
(b) strings shaped like credentials anywhere: provider key formats, JWTs, `Bearer …`, PEM private keys,
    `scheme://user:password@host`.

The patterns are written here rather than taken from a detector library: detect-secrets and its kin scan files
line by line with dozens of plugins and entropy checks (milliseconds per value, a dependency tree), while this
runs per cell on every read and must replace spans inside JSON text without breaking it. Speed comes from C-speed
literal tests (`in`, `str.find`) that pick the few patterns a value may hold; most values hold none.
"""

from __future__ import annotations

import functools
import re
from typing import Any

MARK = '…[redacted, {} chars]'
"""What replaces a secret: the characters before the mark (`sk-ant-`, `password=`) stay, so the shape shows."""

SHORTEST_SECRET = 7
"""Characters in the shortest text redacted (`pwd=abc`)."""
REMEMBERED_CHARACTERS = 8_000_000
"""Characters of values, and as many of pieces, a Redactor remembers (with their redacted copies: ~32 MB at most)."""
REMEMBERED_PIECE = 8_000
"""Characters up to which a piece is remembered: the ones that repeat (environment, metadata, `tool_input`) are
short; a long tool response is seldom seen twice."""

_SECRET_WORD_SET = frozenset({'key', 'apikey', 'token', 'secret', 'password', 'passwd', 'pwd', 'credential',
                              'credentials', 'auth', 'authorization', 'cookie', 'passphrase'})
_SECRET_SUFFIXES = ('password', 'passwd', 'secret', 'token', 'passphrase')  # PGPASSWORD, CLIENTSECRET
_CAMEL = re.compile(r'(?<=[a-z0-9])(?=[A-Z])')
_WORD_SPLIT = re.compile(r'[^a-z0-9]+')

HARMLESS_ENV = frozenset({
    'CLAUDECODE', 'CLAUDE_CODE_ENTRYPOINT', 'CLAUDE_PROJECT_DIR', 'CLAUDE_CODE_SSE_PORT', 'CLAUDE_CONFIG_DIR',
    'CLAUDE_CODE_USE_BEDROCK', 'CLAUDE_CODE_USE_VERTEX', 'ANTHROPIC_MODEL', 'ANTHROPIC_SMALL_FAST_MODEL',
    'EYELET_DB_PATH', 'EYELET_LOG_LEVEL',
})
"""Variables eyelet records whose values say nothing secret and that people read; every other one is redacted."""
ENV_NAME = re.compile(r'(?:CLAUDE|ANTHROPIC|EYELET)[A-Z0-9_]*')

# Each pattern starts with a literal, which the engine finds at C speed; the name in `NAME=value` is checked by
# lookbehinds from the `=`.
_PAIR_ENDS = [case(word) for word in ('key', 'token', 'secret', 'password', 'passwd', 'pwd', 'credentials', 'auth',
                                      'cookie', 'passphrase') for case in (str.lower, str.upper, str.title)]
_PATTERNS = {
    'pem': r'-----BEGIN [A-Z ]*PRIVATE KEY-----(?!…)(?:.*?-----END [A-Z ]*PRIVATE KEY-----|[^"]*)',
    # `(?<!…)` after each literal: a key starts a word (`task-runner-…` holds no `sk-` key); `(?=…[0-9])`: keys
    # hold a digit, kebab-case names do not.
    'anthropic': r'(?P<anthropic>sk-ant-)(?<![A-Za-z0-9]sk-ant-)[A-Za-z0-9_-]{8,}',
    'openai': r'(?P<openai>sk-)(?<![A-Za-z0-9]sk-)(?=[A-Za-z_-]*[0-9])(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}',
    'github': r'(?P<github>gh[pousr]_|github_pat_)(?<![A-Za-z0-9]gh._)(?<![A-Za-z0-9]github_pat_)[A-Za-z0-9_]{20,}',
    'aws': r'(?P<aws>AKIA|ASIA)(?<![A-Za-z0-9]....)[A-Z0-9]{16}(?![A-Za-z0-9])',
    'slack': r'(?P<slack>xox[abprs]-)(?<![A-Za-z0-9]xox.-)[A-Za-z0-9-]{10,}',
    'google': r'(?P<google>AIza)(?<![A-Za-z0-9]AIza)[0-9A-Za-z_-]{30,}',
    'jwt': r'(?P<jwt>eyJ)(?<![A-Za-z0-9]eyJ)[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*',
    'bearer': r'(?P<bearer>(?:Bearer|Authorization:\s*Basic)\s+)(?!…)(?=[A-Za-z._~+/=-]*[0-9])[A-Za-z0-9._~+/=-]{8,}',
    'url': r'(?P<url>://[^/\s:@"\'<>]+:)(?!…)[^@\s/"\'<>]+(?=@)',
    # NAME=value in commands and URLs, the name ending in a secret word: `AWS_SECRET_ACCESS_KEY=…`, `?token=…`.
    # The value may be quoted, also inside JSON text (`--password=\"…\"`).
    'pair': (r'(?P<pair>=(?:' + '|'.join(f'(?<={word}=)' for word in _PAIR_ENDS) + r')(?:\\?["\'])?)(?![$…])'
             r'(?![^\s"\'\\&;,<>]*…\[redacted, )[^\s"\'\\&;,<>]{3,}'),  # a key redacted already keeps its mark whole
}
_TRIGGERS = {'pem': ('PRIVATE KEY',), 'anthropic': ('sk-ant-',), 'openai': ('sk-',), 'github': ('gh',),
             'aws': ('AKIA', 'ASIA'), 'slack': ('xox',), 'google': ('AIza',), 'jwt': ('eyJ',),
             'bearer': ('Bearer', 'Basic'), 'url': ('@',), 'pair': ('=',)}
"""Literals without which a pattern cannot match: `in` tests them at C speed, and only the patterns whose literal a
value holds run on it. (One regex of every pattern would try its alternatives at nearly every character: ten times
slower.)"""
_SINGLE = {kind: re.compile(f'(?P<_{kind}>{pattern})', re.DOTALL) for kind, pattern in _PATTERNS.items()}
_LITERALS = tuple((literal, kind) for kind, literals in _TRIGGERS.items() for literal in literals)


def _redact_patterns(text: str) -> str:
    for kind in dict.fromkeys([kind for literal, kind in _LITERALS if literal in text]):
        text = _SINGLE[kind].sub(_replace, text)  # marks match no pattern: applying them in turn is one pass each
    return text


_NAME_BEFORE = re.compile(r'[A-Za-z0-9_.-]*$')
# JSON pairs under secret keys are found from the key words, by str.find (C speed), not by a regex over each quote.
_KEY_NEEDLES = ('key', 'token', 'secret', 'pass', 'pwd', 'credential', 'auth', 'cookie', '"claude', '"anthropic',
                '"eyelet')
"""In lower case, what every secret-named key holds (is_secret_name's words, ENV_NAME's prefixes)."""
MAX_KEY = 100
_JSON_VALUE = re.compile(r'"\s*:\s*("[^"\\]*(?:\\.[^"\\]*)*")')
"""From a key's closing quote: the string value after it (the loop unrolled: `(a|b)*` is slow in `re`)."""


def is_secret_name(name: str) -> bool:
    """Whether a column or JSON key names a secret (`api_key`, `GITHUB_TOKEN`, `apiKey`, `x-auth-token`); by whole
    words, so that `author`, `input_tokens` and `monkey` do not."""
    words = _WORD_SPLIT.split(_CAMEL.sub('_', name).lower())
    return not _SECRET_WORD_SET.isdisjoint(words) or any(word.endswith(_SECRET_SUFFIXES) for word in words)


@functools.lru_cache(maxsize=4096)
def _is_secret_key(key: str) -> bool:
    if ENV_NAME.fullmatch(key):
        return key not in HARMLESS_ENV
    return is_secret_name(key)


_KEPT_APART = frozenset({'_pair', '_bearer', '_url'})
"""Kinds whose kept text (`password=`, `Bearer `) is not part of the secret: the mark counts the value alone."""


def _mark(kind: str, kept: str, secret: str) -> str:
    return kept + MARK.format(len(secret) if kind in _KEPT_APART else len(kept) + len(secret))


def _replace(match: re.Match[str]) -> str:
    kind = match.lastgroup
    if kind == '_pem':
        return '-----BEGIN PRIVATE KEY-----' + MARK.format(len(match[0]))
    assert kind is not None
    kept = match[kind[1:]] or ''
    if kind == '_pair':
        name = _NAME_BEFORE.search(match.string, max(0, match.start() - 80), match.start())
        if name is None or not is_secret_name(name[0]):  # `monkey=…`: only the name's end looked like one
            return kept + _redact_patterns(match[0][len(kept):])
    return _mark(kind, kept, match[0][len(kept):])


def _secret_json_values(text: str) -> list[tuple[int, int]]:
    """Where the JSON string values under secret keys are in `text` (quotes included), in order."""
    lower = text.lower()
    needles = [needle for needle in _KEY_NEEDLES if needle in lower]  # most pieces of text hold none
    starts = set()
    for needle in needles:
        at = lower.find(needle)
        while at != -1:
            starts.add(text.rfind('"', 0, at + 1))  # the opening quote of the key, if the word is in one
            at = lower.find(needle, at + 1)
    spans: list[tuple[int, int]] = []
    for start in sorted(starts):
        end = text.find('"', start + 1)
        if start < 0 or end - start > MAX_KEY or not _is_secret_key(text[start + 1:end]):
            continue
        value = _JSON_VALUE.match(text, end)
        if value and len(value[1]) > 2 and (not spans or start >= spans[-1][1]):
            spans.append((value.start(1), value.end(1)))
    return spans


def _redact_json_pairs(text: str) -> str:
    spans = _secret_json_values(text)
    if not spans:
        return text
    parts, done = [], 0
    for start, end in spans:
        parts += [text[done:start], '"', MARK.format(end - start - 2), '"']
        done = end
    parts.append(text[done:])
    return ''.join(parts)


def redact_text(text: str) -> str:
    """`text` with every credential-looking span and every secret-named value replaced by a mark."""
    if len(text) < SHORTEST_SECRET:
        return text
    if '"' in text:
        text = _redact_json_pairs(text)
    return _redact_patterns(text)


_PRINTABLE = bytes(range(32, 127)) + b'\t\n\r'


def _looks_like_text(value: bytes) -> bool:
    """Whether a BLOB holds text (eyelet declares its `data` column BLOB), even with a few stray bytes, rather than
    binary data (an image, random bytes), of which a tenth or less is not printable ASCII only by accident."""
    try:
        value.decode('utf-8')
        return True
    except UnicodeDecodeError:
        return len(value.translate(None, _PRINTABLE)) * 10 <= len(value)


def redact_value(value: Any, *, secret_column: bool = False) -> Any:
    """One SQLite value as it may leave the server: text and BLOBs redacted, numbers and NULL as they are; the text
    of a column named like a secret replaced whole."""
    if isinstance(value, str):
        return MARK.format(len(value)) if secret_column else redact_text(value)
    if isinstance(value, bytes):
        if secret_column:
            return MARK.format(len(value)).encode()
        if not _looks_like_text(value):
            return value  # binary data matches a pattern only by chance: it stays byte for byte
        # surrogateescape: a BLOB that is not UTF-8 round-trips byte for byte, its ASCII secrets redacted.
        text = value.decode('utf-8', 'surrogateescape')
        redacted = redact_text(text)
        return value if redacted == text else redacted.encode('utf-8', 'surrogateescape')
    return value


EYELET_MEMBERS = tuple(f', "{name}": ' for name in (
    'session_id', 'environment', 'input_data', 'tool_input', 'tool_response', 'tool_use_id', 'metadata'))
"""Members of eyelet's `data` (its HookData with Claude Code's payload inside, in their order) before which a record
is cut into pieces: the environment, the git metadata, the session's paths and a call's `tool_input` repeat from
record to record, so only the pieces new to a read (time, prompt, tool response, …) are searched for secrets."""


_PLAIN_PIECE = re.compile(r'\{"timestamp": "[0-9T:.+-]*", "timestamp_unix": [0-9.e+-]*, "hook_type": "\w*", '
                          r'"tool_name": "\w*"|, "tool_use_id": "toolu_\w*"\}')
"""Pieces that change with every record but hold no secret: eyelet's times, Claude Code's call ids."""


def json_pieces(text: str) -> list[str]:
    """`text` cut before eyelet's members, where it has them. Every rule matches inside one member (a secret-named
    key with its value, a credential inside a string): in JSON, `, "name": ` is never inside a string, whose
    quotes are escaped."""
    pieces, done = [], 0
    for member in EYELET_MEMBERS:
        at = text.find(member, done)
        if at != -1:
            pieces.append(text[done:at])
            done = at
    pieces.append(text[done:])
    return pieces


class _Remembered:
    """Values and their redacted copies, up to a number of characters; forgotten all at once when full (simpler
    than an LRU, and safe across the connections' threads), to be refilled by the next reads."""

    def __init__(self, characters: int) -> None:
        self.redacted: dict[Any, Any] = {}
        self._characters = 0
        self._most = characters

    def keep(self, value: str | bytes, redacted: Any) -> Any:
        if self._characters > self._most:
            self.redacted.clear()
            self._characters = 0
        self._characters += len(value)
        self.redacted[value] = redacted
        return redacted


class Redactor:
    """Redacts the rows of every read of one database, remembering what it redacted.

    A live view reads its window again after every commit, and the same records come back each time: a value seen
    before costs one dictionary lookup (its hash), not the patterns again. A record never seen still shares most
    of its text with the records before it (eyelet's `data`): its pieces are remembered too."""

    def __init__(self) -> None:
        self._values = _Remembered(REMEMBERED_CHARACTERS)
        self._pieces = _Remembered(REMEMBERED_CHARACTERS)
        """Pieces of eyelet's `data` (json_pieces)."""

    def rows(self, columns: tuple[str, ...], rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
        """Every value of `rows` redacted; the key columns a query selects first (`__key0`, …) keep theirs: rows are
        found again by them, and a table keyed by a secret is beyond this rule."""
        secret = tuple(is_secret_name(name) and not name.startswith('__key') for name in columns)
        value = self.value
        return [tuple(map(value, row, secret)) for row in rows]

    def value(self, value: Any, secret_column: bool = False) -> Any:
        if secret_column or not isinstance(value, (str, bytes)):
            return redact_value(value, secret_column=secret_column)
        redacted = self._values.redacted.get(value)
        if redacted is None:
            fresh = self._piecewise(value) if isinstance(value, str) and value[:2] == '{"' else redact_value(value)
            redacted = self._values.keep(value, fresh)
        return redacted

    def visible(self, value: Any, secret_column: int) -> Any:
        """SQLite function `visible(x, secret_column)`: what the browser may see of `x`, for searches and filters to
        match on, so that none finds a row by a secret it does not show."""
        return self.value(value, bool(secret_column))

    def _piecewise(self, text: str) -> str:
        pieces = json_pieces(text)
        if len(pieces) == 1:
            return redact_text(text)
        remembered = self._pieces.redacted
        redacted = []
        for piece in pieces:
            done = remembered.get(piece)
            if done is None:
                done = piece if _PLAIN_PIECE.fullmatch(piece) else redact_text(piece)
                if len(piece) <= REMEMBERED_PIECE:
                    self._pieces.keep(piece, done)
            redacted.append(done)
        return ''.join(redacted)
