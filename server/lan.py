"""What the terminal says when the dashboard starts: where it serves, and beyond this machine its URLs with the
token and a QR code of the first one for a phone. Only links that work are printed: NiceGUI's own start banner
is off, as its links carry no token and lead to the token page."""

from __future__ import annotations

import contextlib
import io
import ipaddress
import socket

import segno

ALL_INTERFACES = frozenset({'0.0.0.0', '::', ''})


def addresses(host: str) -> list[str]:
    """The addresses other devices reach this server at: `host` itself, or this machine's non-loopback
    IPv4 addresses when it serves on every interface (the one with the default route first)."""
    if host not in ALL_INTERFACES:
        return [host]
    found: list[str] = []
    with contextlib.suppress(OSError), socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.connect(('192.0.2.1', 9))  # a documentation address: picks the outgoing interface, sends nothing
        found.append(probe.getsockname()[0])
    with contextlib.suppress(OSError):
        for *_, (address, *_) in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET):
            found.append(str(address))
    usable = [a for a in dict.fromkeys(found) if not ipaddress.ip_address(a).is_loopback]
    return usable or ['127.0.0.1']  # no network: only this machine can connect anyway


def url(address: str, port: int, token: str | None = None) -> str:
    host = f'[{address}]' if ':' in address else address  # an IPv6 literal
    return f'http://{host}:{port}/' + (f'?token={token}' if token else '')


def qr_code(text: str) -> str:
    """`text` as a QR code drawn with block characters, two rows of modules per line."""
    out = io.StringIO()
    segno.make(text, error='l').terminal(out=out, compact=True, border=2)
    return out.getvalue()


def announcement(host: str, port: int, token: str | None) -> str:
    """The lines printed at start: without a token, where it serves; with one, every URL, then the QR code of the
    first."""
    if token is None:
        return f'eyelet-gui serves on {url(host, port)} (this machine only; --host 0.0.0.0 serves the network too)'
    urls = [url(address, port, token) for address in addresses(host)]
    lines = ['Open eyelet-gui from another device (the token keeps everyone else out):', *(f'  {u}' for u in urls),
             'or scan this with a phone:', qr_code(urls[0])]
    return '\n'.join(lines)
