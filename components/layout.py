"""The frame every page shares: a header with the product's name and a content column."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from nicegui import ui

from eyelet_gui import __version__
from eyelet_gui.components.eyelet.attention_strip import AttentionBell, AttentionStrip
from eyelet_gui.state.eyelet.attention import Attention


@contextmanager
def frame(title: str, attention: Attention) -> Iterator[None]:
    """Header plus a padded column; the page's content goes inside the `with` block, below the sessions that need
    you (which also put their count in the tab's title)."""
    page_title = f'{title} · eyelet-gui'
    ui.page_title(page_title)
    with ui.header().classes('items-center justify-between px-4 py-2'):
        with ui.row().classes('items-center gap-2'):
            ui.icon('visibility', size='sm')
            ui.link('eyelet-gui', '/').classes('text-white text-h6 no-underline')
        with ui.row().classes('items-center gap-3'):
            ui.link('Sessions', '/sessions').classes('text-white')
            ui.label(f'v{__version__}').classes('text-caption opacity-70')
            AttentionBell()
            _colour_toggle()
    with ui.column().classes('w-full max-w-screen-2xl mx-auto p-4 gap-4'):
        AttentionStrip(attention, page_title)
        yield


COLOUR_MODES: dict[bool | None, tuple[str, str]] = {None: ('brightness_auto', 'as the system'),
                                                    True: ('dark_mode', 'dark'), False: ('light_mode', 'light')}
NEXT_MODE: dict[bool | None, bool | None] = {None: True, True: False, False: None}


def _colour_toggle() -> None:
    """A header button that goes system → dark → light → system; it shows the mode in force."""
    dark = ui.dark_mode(None)  # None: follow the system's setting

    def show() -> None:
        icon, name = COLOUR_MODES[dark.value]
        button.props(f'icon={icon}')
        tip.set_text(f'Colours: {name} (click to change)')

    def cycle() -> None:
        dark.value = NEXT_MODE[dark.value]
        show()

    with ui.button(on_click=cycle).props('flat round dense color=white').mark('colour-mode') as button:
        tip = ui.tooltip()
    show()


def problem_card(title: str, sentence: str, status: int = 200) -> None:
    """What a page shows instead of its content when it cannot show it: a title and one sentence, no traceback;
    `status` is the page's HTTP status (400 for a link that describes no view)."""
    ui.context.client.status_code = status
    with ui.card().classes('w-full max-w-2xl'):
        ui.label(title).classes('text-h6')
        ui.label(sentence).mark('problem')
        ui.link('Back to the databases', '/')


def no_such_database() -> None:
    """What every page under `/db/<id>` and `/sessions/<id>` shows for an id that names no watched database: one
    card, 404 as the API answers the same id (an old link, a database no longer watched)."""
    problem_card('No such database', 'This link names a database that eyelet-gui is not watching.', status=404)


def breadcrumbs(*steps: tuple[str, str | None]) -> None:
    """Where this page sits: links for the steps above it, plain text for itself (the step without a link)."""
    with ui.row().classes('items-center gap-1 text-sm'):
        for position, (text, target) in enumerate(steps):
            if position:
                ui.icon('chevron_right', size='xs')
            if target is None:
                ui.label(text).classes('text-weight-medium break-all')
            else:
                ui.link(text, target)
