"""Stopping a ``papershelf extract`` process mid-way, deterministically, for fault tests."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path


def _default_sigint() -> None:
    # A background job of a non-interactive shell starts with SIGINT ignored, and
    # Python then installs no KeyboardInterrupt handler: give the child the default.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def start_extract(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "papershelf", "extract", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=_default_sigint,
    )


def freeze_once_staging(
    process: subprocess.Popen[str], dest: Path, timeout: float = 60, writing: bool = False
) -> None:
    """SIGSTOP ``process`` as soon as its staging folder exists in ``dest``
    (with ``writing``, once a file is being written in it: the archive is open).

    A signal sent to a frozen process lands mid-extraction however loaded the
    machine is; polling then sleeping let a fast run finish first.
    """
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"finished before staging was seen: {process.communicate()}")
        names = os.listdir(dest) if dest.is_dir() else []
        staging = [dest / n for n in names if n.startswith(".papershelf-staging")]
        if staging and (not writing or any(files for _, _, files in os.walk(staging[0]))):
            process.send_signal(signal.SIGSTOP)
            return
        time.sleep(0.001)
    process.kill()
    raise AssertionError("no staging folder appeared")
