"""What a notification says about an episode, the same for every channel: the project as its title; the state in
words, what it asks, when it began and a link to the session's page as its body."""

from __future__ import annotations

import ipaddress
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from eyelet_gui.server import lan
from eyelet_gui.sources.redaction import redact_text
from eyelet_gui.state.eyelet.attention import Episode


@dataclass(frozen=True, slots=True)
class Message:
    title: str
    text: str
    """The state in words, what it asks, when it began and where: what an OS notification shows."""
    link: str
    """The session's page, without the token: the token gate asks for it, so a forwarded message opens nothing."""
    page: str
    """The session's page as a path on the server (where a click on an OS notification leads the window)."""

    @property
    def body(self) -> str:
        """The text, then the link: what a phone or a chat shows."""
        return f'{self.text}\n{self.link}'


def server_address(host: str, port: int) -> str:
    """The address a notification links to: on every interface, this machine's LAN address (a phone follows it);
    else the host served on, loopback included."""
    return lan.url(lan.addresses(host)[0], port).rstrip('/')


def message_of(episode: Episode, address: str) -> Message:
    """The message of `episode`, linking to its page on `address`. Redacted again whatever `--show-secrets` says:
    it leaves this machine, for a service's servers and a phone's lock screen."""
    asks = redact_text(episode.asks)
    began = time.strftime('%H:%M:%S', time.localtime(episode.since))
    link = address + episode.page
    lines = [f'{episode.words}: {asks}' if asks else episode.words,
             f'Since {began}, in {redact_text(episode.project or episode.project_name)}']
    return Message(title=redact_text(episode.project_name), text='\n'.join(lines), link=link, page=episode.page)


def shown_url(url: str) -> str:
    """An Apprise URL as it may be printed: its scheme, and its host and port when they look like a server's. The
    rest may be secret, and so may a "host": slack://TokenA/…, tgram://BOT_TOKEN/…, ntfy://TOPIC."""
    if '://' not in url:
        return 'a URL without a scheme (such as ntfy://)'
    parts = urlsplit(url)
    try:
        host, port = parts.hostname or '', parts.port
    except ValueError:  # `host:token`, as Telegram's bot tokens are written
        host, port = '', None
    if not _looks_like_a_server(host):
        return f'{parts.scheme}://…'
    return f'{parts.scheme}://{host}' + (f':{port}' if port else '')


def _looks_like_a_server(host: str) -> bool:
    if host == 'localhost' or '.' in host.strip('.'):
        return True
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True
