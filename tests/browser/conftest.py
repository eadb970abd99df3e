"""Servers for the real-browser tests: started by the tests, stopped by PID (their process group)."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
SCREENSHOTS = ROOT / "build" / "screenshots"
TOKEN = "course-browser-test"
ARGS = ["--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]


def chromium_or_skip() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path:
        return path
    reason = "Debian's chromium is not installed (make test installs it when run as root)"
    if os.environ.get("CI") == "true":
        pytest.fail(f"under CI the browser test must run: {reason}")
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.5)
    raise TimeoutError(f"server did not answer at {url} within {seconds} s")


class Server:
    """A server process in its own process group, stopped by killing that group."""

    def __init__(self, cmd: list[str], cwd: Path, env: dict, log: Path) -> None:
        self.log = open(log, "w")  # noqa: SIM115
        self.proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=self.log, stderr=subprocess.STDOUT,
                                     start_new_session=True)

    def stop(self) -> None:
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(timeout=15)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.log.close()


def lab_env(tmp: Path) -> dict:
    """Lab settings: no news toast, no notebook windowing (off-screen cells stay in the DOM)."""
    settings = tmp / "settings"
    (settings / "@jupyterlab" / "notebook-extension").mkdir(parents=True)
    (settings / "@jupyterlab" / "apputils-extension").mkdir(parents=True)
    (settings / "@jupyterlab" / "notebook-extension" / "tracker.jupyterlab-settings").write_text(
        '{"windowingMode": "none"}')
    (settings / "@jupyterlab" / "apputils-extension" / "notification.jupyterlab-settings").write_text(
        '{"fetchNews": "false", "checkForUpdates": false}')
    env = dict(os.environ, JUPYTERLAB_SETTINGS_DIR=str(settings),
               JUPYTERLAB_WORKSPACES_DIR=str(tmp / "workspaces"), PATH=f"{BIN}:{os.environ['PATH']}")
    return env


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    executable = chromium_or_skip()
    from playwright.sync_api import sync_playwright

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=executable, args=ARGS)
        yield b
        b.close()


@pytest.fixture(scope="session")
def notebooks(tmp_path_factory) -> Path:
    """Copies of the lectures: the browser runs them, and JupyterLab may autosave; the originals stay."""
    root = tmp_path_factory.mktemp("served")
    shutil.copy(ROOT / "lectures" / "00_welcome.ipynb", root / "00_welcome.ipynb")
    return root
