"""What one installation keeps between runs, in the user's config folder: the secret that signs cookies.

Random per installation, never a constant in the code: a cookie signed by one installation means nothing to
another, and a browser's token cookie stays valid across restarts as long as the token does.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import sys
from pathlib import Path


def config_folder() -> Path:
    """eyelet-gui's folder in the platform's place for per-user configuration."""
    if sys.platform == 'win32':
        base = Path(os.environ.get('APPDATA') or Path.home() / 'AppData' / 'Roaming')
    elif sys.platform == 'darwin':
        base = Path.home() / 'Library' / 'Application Support'
    else:
        base = Path(os.environ.get('XDG_CONFIG_HOME') or Path.home() / '.config')
    return base / 'eyelet-gui'


def installation_secret() -> str:
    """The installation's secret, created (readable by its owner only) on first use.

    Raises OSError when the config folder cannot be read or written.
    """
    path = config_folder() / 'secret'
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        draft = path.with_name(f'secret.{os.getpid()}')
        descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, 'w') as file:
            file.write(secrets.token_urlsafe(32))
        try:
            with contextlib.suppress(FileExistsError):  # another process made it first: theirs is kept
                os.link(draft, path)  # all at once, whole, never over an existing secret
        finally:
            draft.unlink()
    secret = path.read_text().strip()
    if len(secret) < 32:
        raise OSError(f'{path} holds no usable secret; delete it and a new one is made')
    return secret
