"""A label for text that changes with every commit (row counts), at a fraction of a label's cost in the browser.

Every NiceGUI element update re-renders the page's whole element tree in the browser (one Vue render function
draws them all): at 10 commits/s a row count alone took 1.8 ms of main thread per commit on the table page. A
LiveText sends its new text to its own small component instead, which re-renders alone. Its text is kept on the
element too, without an update: a page built or re-sent later starts from it.
"""

from __future__ import annotations

from nicegui.elements.mixins.text_element import TextElement


class LiveText(TextElement, component='live_text.js'):

    def __init__(self, text: str = '') -> None:
        super().__init__(text=text)

    def _handle_text_change(self, text: str) -> None:
        self._text_to_model_text(text)
        self.run_method('show', text)
