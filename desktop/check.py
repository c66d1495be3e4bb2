"""Whether `--native` can open a window here, and if not, why, in one sentence a person can act on.

Each platform draws with pywebview's own backend: Cocoa's WebKit on macOS, Edge WebView2 on Windows, Qt WebEngine
(or GTK's WebKit) on Linux. A backend that cannot load fails only in the window's process, after the server has
started; so whatever can be checked is checked here, before anything starts.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

from eyelet_gui.desktop.window import QT_BINDINGS, linux_toolkit

INSTALL = '`uv tool install "eyelet-gui[native]"` or `pip install "eyelet-gui[native]"`'
WEBVIEW2_RUNTIME = '{F3017226-FE2A-4295-8BDF-00C3A9A7E4C5}'
"""The Edge WebView2 Runtime's id in the registry (pywebview's `winforms._is_chromium` reads the same key)."""

QT_MODULES = ('QtCore', 'QtGui', 'QtWidgets', 'QtNetwork', 'QtPrintSupport', 'QtWebChannel', 'QtWebEngineCore',
              'QtWebEngineWidgets')
"""The binding's modules that pywebview's Qt backend imports."""
PLATFORM_HELPERS = {'xcb': '**/plugins/xcbglintegrations/*.so'}
"""Plugins a platform plugin loads in turn: xcb draws through its GLX or EGL integration."""

# Debian names a library's package after its soname (libxcb-icccm.so.4 → libxcb-icccm4, libX11.so.6 → libx11-6);
# these are the sonames Qt WebEngine needs whose package is named otherwise.
DEBIAN_PACKAGE_OF = {
    'libglib-2.0.so.0': 'libglib2.0-0',
    'libgobject-2.0.so.0': 'libglib2.0-0',
    'libgio-2.0.so.0': 'libglib2.0-0',
    'libgthread-2.0.so.0': 'libglib2.0-0',
    'libnss3.so': 'libnss3',
    'libnssutil3.so': 'libnss3',
    'libsmime3.so': 'libnss3',
    'libnspr4.so': 'libnspr4',
    'libplc4.so': 'libnspr4',
    'libplds4.so': 'libnspr4',
    'libz.so.1': 'zlib1g',
    'libbrotlidec.so.1': 'libbrotli1',
    'libgssapi_krb5.so.2': 'libgssapi-krb5-2',
}


def native_problem(platform: str | None = None) -> str | None:
    """Why a native window cannot open on `platform` (this one by default), in a sentence, or None when it can."""
    platform = platform or sys.platform
    if importlib.util.find_spec('webview') is None:
        return f'--native needs pywebview: install it with {INSTALL}.'
    if platform == 'darwin':
        return _cocoa_problem()
    if platform == 'win32':
        return _edge_problem()
    return _linux_problem()


def _cocoa_problem() -> str | None:
    if importlib.util.find_spec('WebKit') is None or importlib.util.find_spec('AppKit') is None:
        return ('--native needs PyObjC\'s WebKit and AppKit for pywebview\'s Cocoa window, and they are not '
                f'installed: install them with {INSTALL}.')
    return None


def _edge_problem() -> str | None:
    if importlib.util.find_spec('clr') is None:
        return ('--native needs pythonnet for pywebview\'s Edge WebView2 window, and it is not installed: '
                f'install it with {INSTALL}.')
    if not _webview2_installed():
        # Without it pywebview falls back to Internet Explorer's engine, which cannot run the page (no import maps).
        return ('--native needs the Microsoft Edge WebView2 Runtime, which Windows 11 has and Windows 10 may not: '
                'install it from https://developer.microsoft.com/microsoft-edge/webview2/ or leave out --native.')
    return None


def _webview2_installed() -> bool:
    if sys.platform != 'win32':  # never, but it tells mypy on other systems that the rest is Windows only
        return False
    import winreg

    for hive, folder in ((winreg.HKEY_LOCAL_MACHINE, r'SOFTWARE\WOW6432Node'), (winreg.HKEY_LOCAL_MACHINE, 'SOFTWARE'),
                         (winreg.HKEY_CURRENT_USER, 'SOFTWARE')):
        try:
            with winreg.OpenKey(hive, rf'{folder}\Microsoft\EdgeUpdate\Clients\{WEBVIEW2_RUNTIME}') as key:
                version, _ = winreg.QueryValueEx(key, 'pv')
        except OSError:
            continue
        if str(version) not in ('', '0.0.0.0'):
            return True
    return False


def _linux_problem() -> str | None:
    toolkit = linux_toolkit()
    if toolkit is None:
        return f'--native needs Qt or GTK for pywebview: {INSTALL} brings Qt.'
    if not (os.environ.get('DISPLAY') or os.environ.get('WAYLAND_DISPLAY') or os.environ.get('QT_QPA_PLATFORM')):
        return ('--native needs a desktop session, and neither DISPLAY nor WAYLAND_DISPLAY is set: '
                'leave out --native and open the address in a browser.')
    missing = missing_qt_libraries() if toolkit == 'qt' else []
    if missing:
        return missing_libraries_sentence(missing)
    # Anything else that keeps the toolkit from loading: load it here first (half a second), where a failure can
    # still be said.
    probe = subprocess.run([sys.executable, '-c', f'from webview.guilib import initialize; initialize({toolkit!r})'],
                           capture_output=True, text=True, timeout=60, check=False)
    if probe.returncode != 0:
        reason = next((line for line in probe.stderr.splitlines() if line.strip()), 'no reason given').strip()
        return f'--native could not load pywebview\'s {toolkit} window ({reason}); leave out --native to use a browser.'
    return None


def missing_qt_libraries() -> list[str]:
    """The system libraries (sonames) that Qt WebEngine and its platform plugin need and the system lacks.

    Read from the binaries' own dependencies, as the dynamic loader resolves them (`ldd`): Qt itself, when its xcb
    plugin fails, names only xcb-cursor, even when that is installed and another library is missing.
    """
    qt = _qt_folder()
    ldd = shutil.which('ldd')
    if qt is None or ldd is None:
        return []  # the probe in _linux_problem still catches a toolkit that cannot load
    engine = [*(qt / f'{module}.abi3.so' for module in QT_MODULES), *_first(qt, '**/lib/libQt*WebEngineCore.so.*'),
              *_first(qt, '**/libexec/QtWebEngineProcess')]
    plugins = [_first(qt, f'**/plugins/platforms/libq{name}.so') + sorted(qt.glob(PLATFORM_HELPERS.get(name, '-')))
               for name in _qt_platforms()]
    # Qt tries its platforms in order and uses the first that loads: one complete plugin is enough.
    missing_by_plugin = [_unresolved(ldd, binaries) for binaries in plugins if binaries]
    missing = _unresolved(ldd, [path for path in engine if path.exists()])
    return list(dict.fromkeys(missing + min(missing_by_plugin, key=len, default=[])))


def _first(folder: Path, pattern: str) -> list[Path]:
    return sorted(folder.glob(pattern))[:1]


def _qt_folder() -> Path | None:
    """The installed folder of the Qt binding qtpy picks (its QT_API, else its own order of preference)."""
    wanted = os.environ.get('QT_API', '').lower()
    for api in ([wanted] if wanted in QT_BINDINGS else []) + list(QT_BINDINGS):
        spec = importlib.util.find_spec(QT_BINDINGS[api])
        if spec is not None and spec.submodule_search_locations:
            return Path(next(iter(spec.submodule_search_locations)))
    return None


def _qt_platforms() -> list[str]:
    """The platform plugins Qt will try, in its order."""
    chosen = os.environ.get('QT_QPA_PLATFORM')
    if chosen:
        return [name.split(':')[0] for name in chosen.split(';') if name]
    wayland = os.environ.get('WAYLAND_DISPLAY') and os.environ.get('XDG_SESSION_TYPE') == 'wayland'
    return ['wayland', 'xcb'] if wayland else ['xcb']


def _unresolved(ldd: str, binaries: list[Path]) -> list[str]:
    if not binaries:
        return []
    listing = subprocess.run([ldd, *map(str, binaries)], capture_output=True, text=True, timeout=30, check=False)
    return [line.split()[0] for line in listing.stdout.splitlines() if line.rstrip().endswith('=> not found')]


def missing_libraries_sentence(sonames: list[str]) -> str:
    sentence = f'--native needs system libraries that Qt\'s window loads and this system lacks: {", ".join(sonames)}'
    if shutil.which('apt-get') is None:
        return f'{sentence}; install the packages that provide them, or leave out --native to use a browser.'
    packages = ' '.join(dict.fromkeys(debian_package(soname) for soname in sonames))
    sudo = '' if os.geteuid() == 0 else 'sudo '
    return f'{sentence}; install them with `{sudo}apt-get install {packages}`, or leave out --native to use a browser.'


def debian_package(soname: str) -> str:
    """The Debian (and Ubuntu) package that holds the library `soname`."""
    if soname in DEBIAN_PACKAGE_OF:
        return DEBIAN_PACKAGE_OF[soname]
    name, _, version = soname.partition('.so')
    name, version = name.lower().replace('_', '-'), version.lstrip('.').split('.')[0]
    return f'{name}-{version}' if name[-1].isdigit() else f'{name}{version}'
