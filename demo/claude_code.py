"""Claude Code's hook payloads, exactly as Claude Code sends them on a hook's stdin, and simulated agents sending them.

The builders give one event's JSON; `session_payloads` plays one agent session and `agent_payloads` several agents
at once, so that the demo and the tests feed eyelet what a real user's Claude Code feeds it.
"""

from __future__ import annotations

import heapq
import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from eyelet_gui.demo import claude_code_tools as tools

CLAUDE_HOME = '/home/dev/.claude'
"""The simulated user's Claude Code folder, where transcripts live."""
INTERRUPTED = '[Request interrupted by user for tool use]'

Payload = dict[str, Any]
Timed = tuple[float, Payload]


def _base(hook_event_name: str, session_id: str, cwd: str) -> Payload:
    """The fields every hook gets, in Claude Code's order (transcripts live under the project's dashed path)."""
    transcript = f'{CLAUDE_HOME}/projects/{cwd.replace("/", "-")}/{session_id}.jsonl'
    return {'session_id': session_id, 'transcript_path': transcript, 'cwd': cwd, 'permission_mode': 'default',
            'hook_event_name': hook_event_name}


def hook_payload(hook_event_name: str, session_id: str, cwd: str, **fields: Any) -> Payload:
    """Any event's payload, the event's own fields given (for events the builders below do not name)."""
    return {**_base(hook_event_name, session_id, cwd), **fields}


def session_start(session_id: str, cwd: str, source: str = 'startup') -> Payload:
    return {**_base('SessionStart', session_id, cwd), 'source': source}


def user_prompt(session_id: str, cwd: str, prompt: str) -> Payload:
    return {**_base('UserPromptSubmit', session_id, cwd), 'prompt': prompt}


def pre_tool_use(session_id: str, cwd: str, tool_name: str, tool_input: dict[str, Any], tool_use_id: str) -> Payload:
    return {**_base('PreToolUse', session_id, cwd), 'tool_name': tool_name, 'tool_input': tool_input,
            'tool_use_id': tool_use_id}


def post_tool_use(session_id: str, cwd: str, tool_name: str, tool_input: dict[str, Any], tool_use_id: str,  # noqa: PLR0917
                  tool_response: Any) -> Payload:
    return {**_base('PostToolUse', session_id, cwd), 'tool_name': tool_name, 'tool_input': tool_input,
            'tool_response': tool_response, 'tool_use_id': tool_use_id}


def post_tool_use_failure(  # noqa: PLR0917 (positional, like the other builders: the payload's fields in order)
        session_id: str, cwd: str, tool_name: str, tool_input: dict[str, Any], tool_use_id: str, error: str,
        is_interrupt: bool = False) -> Payload:
    return {**_base('PostToolUseFailure', session_id, cwd), 'tool_name': tool_name, 'tool_input': tool_input,
            'tool_use_id': tool_use_id, 'error': error, 'is_interrupt': is_interrupt}


def notification(session_id: str, cwd: str, message: str, notification_type: str | None = None) -> Payload:
    """`notification_type` (`permission_prompt`, `idle_prompt`, `elicitation_dialog` …) is sent by current Claude
    Code; older versions sent the message alone."""
    typed = {} if notification_type is None else {'notification_type': notification_type}
    return {**_base('Notification', session_id, cwd), 'message': message, **typed}


def permission_request(session_id: str, cwd: str, tool_name: str, tool_input: dict[str, Any],
                       permission_suggestions: list[dict[str, Any]] | None = None) -> Payload:
    """Sent (by newer Claude Code) when the permission dialog shows for a tool call; the suggestions are the
    dialog's "always allow" choices."""
    suggestions = permission_suggestions if permission_suggestions is not None else [
        {'type': 'addRules', 'rules': [{'toolName': tool_name, 'ruleContent': _rule_content(tool_input)}],
         'behavior': 'allow', 'destination': 'localSettings'}]
    return {**_base('PermissionRequest', session_id, cwd), 'tool_name': tool_name, 'tool_input': tool_input,
            'permission_suggestions': suggestions}


def _rule_content(tool_input: dict[str, Any]) -> str:
    """What an "always allow" rule names: a command's first word with `:*`, else the file or address."""
    if 'command' in tool_input:
        return str(tool_input['command']).split(' ', 1)[0] + ':*'
    return str(tool_input.get('file_path') or tool_input.get('url') or '')


def stop(session_id: str, cwd: str, subagent: bool = False) -> Payload:
    return {**_base('SubagentStop' if subagent else 'Stop', session_id, cwd), 'stop_hook_active': False}


def pre_compact(session_id: str, cwd: str, trigger: str = 'auto', custom_instructions: str = '') -> Payload:
    return {**_base('PreCompact', session_id, cwd), 'trigger': trigger, 'custom_instructions': custom_instructions}


def session_end(session_id: str, cwd: str, reason: str = 'other') -> Payload:
    return {**_base('SessionEnd', session_id, cwd), 'reason': reason}


@dataclass(frozen=True, slots=True)
class Project:
    """Where a simulated agent works: its folder (the hooks' `cwd`) and its git branch."""

    directory: str
    branch: str


PROMPTS = ('Add rate limiting to the public API', 'Why does test_backfill fail on CI?',
           'Refactor the table component so the sort state lives in the URL', 'Write tests for the user model',
           'Fix the flaky websocket test', 'Update the README with the new setup steps')
PLANS = (['Read the current routes', 'Add the limiter dependency', 'Write tests for the limits', 'Run the tests'],
         ['Reproduce the failure', 'Find the cause', 'Fix it', 'Run the full suite'])
SUBAGENT_TASKS = (('Find where rate limits are enforced', 'Explore'),
                  ('Investigate the failing test', 'general-purpose'))
ENDINGS = ('prompt_input_exit', 'clear', 'logout', 'other')
PERMISSION_ODDS = 0.25
"""How often a Bash or WebFetch call waits for the user's permission: often, so that the demo shows the strip."""
AWAY_ODDS = 0.3
"""How often the user is away when a turn ends, so that the session waits for input a while."""
IDLE_NOTICE = 60.0
"""Seconds after a Stop at which Claude Code sends its idle notice, as it does."""
LOOP_ODDS = 0.08
"""How often a turn has the agent fail the same command several times in a row (a loop)."""


class _Session:
    """Collects one session's events with their times; calls may overlap, so the events are sorted at the end."""

    def __init__(self, rng: random.Random, start: float, project: Project) -> None:
        self.rng, self.clock, self.cwd = rng, start, project.directory
        self.id = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        self.events: list[Timed] = []

    def emit(self, at: float, payload: Payload) -> None:
        self.events.append((round(at, 6), payload))

    def tool_use_id(self) -> str:
        alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'
        return 'toolu_01' + ''.join(self.rng.choice(alphabet) for _ in range(22))

    def call(self, at: float, call: tools.Call, *, waits: float = 0.0, interrupt: bool = False) -> float:
        """Emit the call's PreToolUse at `at` and its end; return when it ended. `waits`: for the user's permission."""
        name, tool_input, use_id = call.tool_name, call.tool_input, self.tool_use_id()
        self.emit(at, pre_tool_use(self.id, self.cwd, name, tool_input, use_id))
        if waits:  # the dialog shows: newer Claude Code sends both, older only the notice
            self.emit(at + 0.02, permission_request(self.id, self.cwd, name, tool_input))
            self.emit(at + 0.05, notification(self.id, self.cwd, f'Claude needs your permission to use {name}',
                                              'permission_prompt'))
        end = at + waits + call.seconds
        if interrupt:
            end = at + waits + self.rng.uniform(0.5, 4.0)
            self.emit(end, post_tool_use_failure(self.id, self.cwd, name, tool_input, use_id, INTERRUPTED, True))
        elif call.error is not None:
            self.emit(end, post_tool_use_failure(self.id, self.cwd, name, tool_input, use_id, call.error))
        else:
            self.emit(end, post_tool_use(self.id, self.cwd, name, tool_input, use_id, call.response))
        return end

    def single(self) -> bool:
        """One call; False when the user interrupted it (the turn ends there, with no Stop)."""
        rng = self.rng
        make = rng.choices([tool for tool, _ in tools.SINGLE], weights=[weight for _, weight in tools.SINGLE])[0]
        call = make(rng, self.cwd)
        asks = call.tool_name in {'Bash', 'WebFetch'} and rng.random() < PERMISSION_ODDS
        waits = rng.uniform(5.0, 25.0) if asks else 0.0
        interrupt = call.tool_name == 'Bash' and rng.random() < 0.04
        self.clock = self.call(self.clock, call, waits=waits, interrupt=interrupt)
        return not interrupt

    def batch(self, at: float) -> float:
        """Several read-only calls at once, as Claude Code runs them: every PreToolUse before the first end."""
        ends = [self.call(at + index * 0.004, self.rng.choice(tools.READ_ONLY)(self.rng, self.cwd))
                for index in range(self.rng.randint(2, 4))]
        return max(ends)

    def task(self) -> None:
        """A subagent: its own calls (same session) inside the Task call, its SubagentStop, then the Task's end."""
        rng, start = self.rng, self.clock
        description, kind = rng.choice(SUBAGENT_TASKS)
        clock, first = start + rng.uniform(1.0, 3.0), len(self.events)
        for _ in range(rng.randint(2, 4)):
            if rng.random() < 0.5:
                clock = self.batch(clock)
            else:
                clock = self.call(clock, rng.choice((*tools.READ_ONLY, tools.bash))(rng, self.cwd))
            clock += rng.uniform(0.5, 3.0)
        self.emit(clock, stop(self.id, self.cwd, subagent=True))
        calls = sum(payload['hook_event_name'] == 'PreToolUse' for _, payload in self.events[first:])
        task = tools.task_call(rng, description, kind, calls, clock + 0.2 - start)
        self.clock = self.call(start, task)

    def loop(self) -> None:
        """The same failing command run again and again: 3 to 5 failures in a row, then it passes."""
        rng = self.rng
        command, description, typical, stdout, _, failure = rng.choice([c for c in tools.COMMANDS if c[5]])
        tool_input = {'command': command, 'description': description}
        for _ in range(rng.randint(3, 5)):
            self.clock = self.call(self.clock, tools.Call('Bash', tool_input, typical, None, failure))
            self.clock += rng.uniform(2.0, 6.0)  # the model edits something and tries again
        self.clock = self.call(self.clock, tools.Call('Bash', tool_input, typical, {
            'stdout': stdout, 'stderr': '', 'interrupted': False, 'isImage': False}))

    def turn(self, prompt: str) -> None:
        """A prompt and the agent's work on it; Stop when it is done (an interrupt ends the turn without one)."""
        rng = self.rng
        self.clock += rng.uniform(2.0, 10.0)  # the user reads, thinks and types (briskly: a demo is watched live)
        if rng.random() < 0.08:
            self.emit(self.clock - 0.5, pre_compact(self.id, self.cwd))
        self.emit(self.clock, user_prompt(self.id, self.cwd, prompt))
        plan, done = rng.choice(PLANS), 0
        if rng.random() < 0.5:
            self.clock = self.call(self.clock + rng.uniform(1.0, 4.0), tools.todo_write(plan, done))
        steps = (['single'] * rng.randint(3, 9) + ['batch'] * rng.randint(0, 1) + ['task'] * (rng.random() < 0.25)
                 + ['loop'] * (rng.random() < LOOP_ODDS))
        rng.shuffle(steps)
        for step in steps:
            self.clock += rng.uniform(0.8, 6.0)  # the model thinks
            if step == 'single' and not self.single():
                return
            if step == 'batch':
                self.clock = self.batch(self.clock)
            if step == 'task':
                self.task()
            if step == 'loop':
                self.loop()
            if rng.random() < 0.1 and done < len(plan):
                done += 1
                self.clock = self.call(self.clock + rng.uniform(0.5, 2.0), tools.todo_write(plan, done))
        self.clock += rng.uniform(1.0, 5.0)
        self.emit(self.clock, stop(self.id, self.cwd))
        if rng.random() < AWAY_ODDS:  # the user is away: the session waits for input, noticed after a minute
            away = rng.uniform(20.0, 120.0)
            if away > IDLE_NOTICE:
                self.emit(self.clock + IDLE_NOTICE, notification(self.id, self.cwd, 'Claude is waiting for your input',
                                                                 'idle_prompt'))
            self.clock += away


def session_payloads(rng: random.Random, start: float, project: Project, *, hang: bool = False) -> Iterator[Timed]:
    """One agent session in time order, SessionStart to SessionEnd. `hang`: its last call never ends (a dev server
    started in the foreground, say) and is abandoned when the user ends the session minutes later."""
    session = _Session(rng, start, project)
    session.emit(start, session_start(session.id, session.cwd))
    for prompt in rng.sample(PROMPTS, rng.randint(2, 4)):
        session.turn(prompt)
    if hang:
        session.clock += rng.uniform(5.0, 20.0)
        session.emit(session.clock, user_prompt(session.id, session.cwd, 'Start the dev server and check the page'))
        session.clock += rng.uniform(2.0, 6.0)
        forever = {'command': 'npm run dev', 'description': 'Start the development server'}
        session.emit(session.clock, pre_tool_use(session.id, session.cwd, 'Bash', forever, session.tool_use_id()))
        session.clock += rng.uniform(60.0, 180.0)
    session.emit(session.clock + rng.uniform(1.0, 10.0), session_end(session.id, session.cwd, rng.choice(ENDINGS)))
    session.events.sort(key=lambda event: event[0])  # stable: events at the same instant keep their order
    yield from session.events


def agent_payloads(rng: random.Random, start: float, projects: tuple[Project, ...] | list[Project]) -> Iterator[Timed]:
    """Endless: one agent per project at once, merged in time order; each ended session is followed by a new one
    a little later, and about one in eight leaves a call running until its SessionEnd abandons it."""
    queue: list[tuple[float, int, Payload, int, Iterator[Timed]]] = []
    order = 0

    def begin(project_index: int, at: float) -> None:
        nonlocal order
        stream = session_payloads(rng, at, projects[project_index], hang=rng.random() < 0.125)
        when, payload = next(stream)
        order += 1
        heapq.heappush(queue, (when, order, payload, project_index, stream))

    for index in range(len(projects)):
        begin(index, start + rng.uniform(0.0, 20.0))
    while True:
        when, _, payload, index, stream = heapq.heappop(queue)
        yield when, payload
        following = next(stream, None)
        if following is None:
            begin(index, when + rng.uniform(3.0, 20.0))
        else:
            order += 1
            heapq.heappush(queue, (following[0], order, following[1], index, stream))
