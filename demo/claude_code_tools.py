"""What Claude Code's tools take and give back, for the simulated agents: `tool_input` and `tool_response` per tool.

Shapes follow Claude Code's own tool schemas (what its hooks receive verbatim): Bash answers `stdout, stderr,
interrupted, isImage`, Read a `file` with its content, Edit a `structuredPatch` … A call that fails carries the
`error` text Claude Code puts in PostToolUseFailure instead of a response.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Call:
    """One tool call as it will happen: what it takes, how long it runs, and what it gives back (or its error)."""

    tool_name: str
    tool_input: dict[str, Any]
    seconds: float
    response: dict[str, Any] | list[Any] | None
    error: str | None = None


FILES = ('src/app.py', 'src/api/routes.py', 'src/api/limits.py', 'tests/test_api.py', 'README.md', 'pyproject.toml',
         'src/models/user.py', 'src/pipeline/backfill.py', 'web/components/Table.tsx')
SOURCE = '''from fastapi import APIRouter, Depends, HTTPException

from .limits import RateLimiter

router = APIRouter(prefix="/v1")
limiter = RateLimiter(per_minute=60)


@router.get("/users/{user_id}")
async def get_user(user_id: int, _: None = Depends(limiter)) -> dict[str, object]:
    user = await users.get(user_id)
    if user is None:
        raise HTTPException(status_code=404, detail="user not found")
    return user.public()
'''
EDITS = (('limiter = RateLimiter(per_minute=60)', 'limiter = RateLimiter(per_minute=settings.rate_limit)'),
         ('raise HTTPException(status_code=404, detail="user not found")',
          'raise HTTPException(status_code=404, detail=f"user {user_id} not found")'),
         ('from .limits import RateLimiter', 'from .limits import RateLimiter\nfrom ..settings import settings'))
# (command, description, typical seconds, stdout, failure rate, what Claude Code reports when it exits non-zero)
COMMANDS = (
    ('uv run pytest -q', 'Run the test suite', 6.0, '........................................ [100%]\n'
     '42 passed in 5.81s', 0.3, 'Exit code 1\n....F................................... [100%]\n'
     'FAILED tests/test_api.py::test_rate_limit - assert 429 == 200\n1 failed, 41 passed in 5.93s'),
    ('git status --short', 'Show working tree status', 0.05, ' M src/api/routes.py\n?? src/api/limits.py', 0.0, ''),
    ('git diff --stat', 'Show what changed', 0.05, ' src/api/routes.py | 4 ++--\n 1 file changed, 2 insertions(+), '
     '2 deletions(-)', 0.0, ''),
    ('uv run ruff check .', 'Lint the code', 0.4, 'All checks passed!', 0.2,
     'Exit code 1\nsrc/api/limits.py:3:8: F401 [*] `time` imported but unused\nFound 1 error.'),
    ('uv run mypy src', 'Type-check the sources', 3.0, 'Success: no issues found in 24 source files', 0.15,
     'Exit code 1\nsrc/models/user.py:41: error: Incompatible return value type (got "None", expected "User")'
     '  [return-value]\nFound 1 error in 1 file (checked 24 source files)'),
    ('npm test -- --run', 'Run the frontend tests', 4.0, ' web/components/Table.test.tsx (12 tests) 412ms\n\n'
     ' Test Files  1 passed (1)\n      Tests  12 passed (12)', 0.15,
     'Exit code 1\n FAIL web/components/Table.test.tsx (12 tests | 1 failed) 430ms\n'
     '   FAIL sorts by the clicked column\n Test Files  1 failed (1)'),
    ('ls -la src', 'List the source folder', 0.02, 'total 24\ndrwxr-xr-x 5 dev dev 4096 api\n'
     '-rw-r--r-- 1 dev dev 1822 app.py\ndrwxr-xr-x 2 dev dev 4096 models', 0.0, ''),
)
PATTERNS = (('rate_limit', '*.py'), ('def test_', 'tests/**/*.py'), ('TODO|FIXME', None), ('class .*Limiter', None))
PAGES = (('https://docs.python.org/3/library/asyncio-task.html', 'How does asyncio.timeout behave on cancellation?'),
         ('https://fastapi.tiangolo.com/tutorial/dependencies/', 'How do dependencies with yield clean up?'),
         ('https://www.sqlite.org/wal.html', 'When does a WAL checkpoint block readers?'))
QUERIES = ('fastapi rate limiting middleware 2025', 'sqlite wal checkpoint starvation', 'pytest-asyncio strict mode')
ISSUES = ((212, 'Rate limits are not applied to batch endpoints'), (198, 'Backfill skips the last partition'))


def _later(rng: random.Random, typical: float) -> float:
    """A duration around `typical` seconds, with the long tail real tool calls have."""
    return round(typical * rng.lognormvariate(0, 0.5), 3)


def _path(rng: random.Random, root: str) -> str:
    return f'{root}/{rng.choice(FILES)}'


def read(rng: random.Random, root: str) -> Call:
    path = _path(rng, root)
    if rng.random() < 0.03:
        return Call('Read', {'file_path': path}, 0.01, None, f'File does not exist. Current working directory: {root}')
    lines = SOURCE.count('\n')
    file = {'filePath': path, 'content': SOURCE, 'numLines': lines, 'startLine': 1, 'totalLines': lines}
    return Call('Read', {'file_path': path}, _later(rng, 0.03), {'type': 'text', 'file': file})


def edit(rng: random.Random, root: str) -> Call:
    path, (old, new) = _path(rng, root), rng.choice(EDITS)
    tool_input = {'file_path': path, 'old_string': old, 'new_string': new, 'replace_all': False}
    if rng.random() < 0.08:
        return Call('Edit', tool_input, 0.02, None, f'String to replace not found in file.\nString: {old}')
    patch = [{'oldStart': 6, 'oldLines': 1, 'newStart': 6, 'newLines': new.count('\n') + 1,
              'lines': [f'-{old}', *(f'+{line}' for line in new.splitlines())]}]
    return Call('Edit', tool_input, _later(rng, 0.05), {
        'filePath': path, 'oldString': old, 'newString': new, 'originalFile': SOURCE, 'structuredPatch': patch,
        'userModified': False, 'replaceAll': False})


def write(rng: random.Random, root: str) -> Call:
    path = f'{root}/tests/test_limits.py'
    content = 'from src.api.limits import RateLimiter\n\n\ndef test_allows_the_first_request() -> None:\n' \
              '    assert RateLimiter(per_minute=1).allow("client")\n'
    return Call('Write', {'file_path': path, 'content': content}, _later(rng, 0.04),
                {'type': 'create', 'filePath': path, 'content': content, 'structuredPatch': [], 'originalFile': None})


def bash(rng: random.Random, root: str) -> Call:
    command, description, typical, stdout, failure_rate, failure = rng.choice(COMMANDS)
    tool_input = {'command': command, 'description': description}
    seconds = _later(rng, typical)
    if rng.random() < failure_rate:
        return Call('Bash', tool_input, seconds, None, failure)
    if rng.random() < 0.02:  # a command that outlives Bash's timeout ends interrupted, as Claude Code reports it
        return Call('Bash', {**tool_input, 'timeout': 120000}, 120.0, {
            'stdout': '', 'stderr': 'Command timed out after 2m 0.0s', 'interrupted': True, 'isImage': False})
    return Call('Bash', tool_input, seconds, {'stdout': stdout, 'stderr': '', 'interrupted': False, 'isImage': False})


def bash_without_matches(rng: random.Random, root: str) -> Call:
    """grep exits 1 when nothing matches: Claude Code reports it as a PostToolUse that says so, not as a failure."""
    return Call('Bash', {'command': 'grep -rn "legacy_limit" src', 'description': 'Look for the old setting'},
                _later(rng, 0.03), {'stdout': '', 'stderr': '', 'interrupted': False, 'isImage': False,
                                    'returnCodeInterpretation': 'No matches found', 'noOutputExpected': False})


def grep(rng: random.Random, root: str) -> Call:
    pattern, glob = rng.choice(PATTERNS)
    tool_input: dict[str, Any] = {'pattern': pattern, 'path': root, 'output_mode': 'files_with_matches'}
    if glob is not None:
        tool_input['glob'] = glob
    found = [f'{root}/{name}' for name in rng.sample(FILES, rng.randint(0, 4))]
    return Call('Grep', tool_input, _later(rng, 0.12),
                {'mode': 'files_with_matches', 'filenames': found, 'numFiles': len(found)})


def glob(rng: random.Random, root: str) -> Call:
    pattern = rng.choice(('**/*.py', 'tests/**/test_*.py', 'web/**/*.tsx'))
    found = [f'{root}/{name}' for name in rng.sample(FILES, rng.randint(1, 5))]
    seconds = _later(rng, 0.03)
    return Call('Glob', {'pattern': pattern, 'path': root}, seconds,
                {'filenames': found, 'durationMs': int(seconds * 1000), 'numFiles': len(found), 'truncated': False})


def web_fetch(rng: random.Random, root: str) -> Call:
    url, prompt = rng.choice(PAGES)
    seconds = _later(rng, 2.0)
    if rng.random() < 0.15:
        return Call('WebFetch', {'url': url, 'prompt': prompt}, seconds, None, 'Request failed with status code 404')
    return Call('WebFetch', {'url': url, 'prompt': prompt}, seconds, {
        'bytes': rng.randint(20_000, 200_000), 'code': 200, 'codeText': 'OK', 'url': url,
        'result': 'The page explains it in its second section: the timeout cancels the task and re-raises.',
        'durationMs': int(seconds * 1000)})


def web_search(rng: random.Random, root: str) -> Call:
    query = rng.choice(QUERIES)
    seconds = _later(rng, 3.0)
    links = [{'title': 'SQLite Write-Ahead Logging', 'url': 'https://www.sqlite.org/wal.html'},
             {'title': 'Rate limiting in FastAPI', 'url': 'https://fastapi.tiangolo.com/advanced/middleware/'}]
    return Call('WebSearch', {'query': query}, seconds, {
        'query': query, 'results': [{'tool_use_id': 'srvtoolu_01' + 'x' * 22, 'content': links},
                                    'Two sources cover this directly.'], 'durationSeconds': seconds})


def mcp_issue(rng: random.Random, root: str) -> Call:
    number, title = rng.choice(ISSUES)
    tool_input = {'owner': 'acme', 'repo': root.rsplit('/', 1)[-1], 'issue_number': number}
    if rng.random() < 0.1:
        return Call('mcp__github__get_issue', tool_input, _later(rng, 0.8), None, 'MCP error -32603: Not Found')
    text = f'{{"number": {number}, "title": "{title}", "state": "open", "labels": ["bug"]}}'
    return Call('mcp__github__get_issue', tool_input, _later(rng, 0.8), [{'type': 'text', 'text': text}])


def todo_write(plan: list[str], done: int) -> Call:
    """The agent's checklist after `done` items: those completed, the next one in progress, the rest pending."""
    def todos(finished: int) -> list[dict[str, str]]:
        states = (['completed'] * finished + ['in_progress'] + ['pending'] * len(plan))[:len(plan)]
        return [{'content': item, 'status': state, 'activeForm': item}
                for item, state in zip(plan, states, strict=True)]

    return Call('TodoWrite', {'todos': todos(done)}, 0.005,
                {'oldTodos': todos(done - 1) if done else [], 'newTodos': todos(done)})


def task_call(rng: random.Random, description: str, subagent_type: str, calls: int, seconds: float) -> Call:
    """The Task tool once its subagent is done: its report, and what it cost."""
    prompt = f'{description}. Report the files involved and the likely cause, with line numbers.'
    return Call('Task', {'description': description, 'prompt': prompt, 'subagent_type': subagent_type}, seconds, {
        'status': 'completed', 'prompt': prompt, 'agentId': f'{rng.getrandbits(32):08x}',
        'content': [{'type': 'text', 'text': 'The limiter is created once per process; batch routes bypass it '
                                             '(src/api/routes.py:6).'}],
        'totalDurationMs': int(seconds * 1000), 'totalTokens': rng.randint(8_000, 60_000),
        'totalToolUseCount': calls})


SINGLE = ((read, 20), (edit, 14), (bash, 18), (bash_without_matches, 2), (grep, 8), (glob, 5), (write, 4),
          (web_fetch, 2), (web_search, 2), (mcp_issue, 2))
"""Tools an agent calls one at a time, with how often."""
READ_ONLY = (read, grep, glob)
"""Tools Claude Code runs in parallel batches."""
