"""The built wheel carries the shipped rule sets, and an installed papershelf finds them."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_wheel_ships_rule_sets_that_the_installed_package_finds(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "UV_"))}
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "-w",
            str(tmp_path),
            str(PROJECT),
        ],
        check=True,
        capture_output=True,
        env=env,
    )
    wheel = next(tmp_path.glob("papershelf-*.whl"))
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    shipped = sorted(path.name for path in (PROJECT / "rules").iterdir())
    for name in shipped:
        assert f"papershelf/rulesets/{name}" in names
    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--target",
            str(target),
            str(wheel),
        ],
        check=True,
        capture_output=True,
        env=env,
    )
    found = subprocess.run(
        [
            sys.executable,
            "-I",
            "-c",
            f"import sys; sys.path.insert(0, {str(target)!r}); "
            "from papershelf.config import rulesets_dir, shipped_rulesets; "
            "print(rulesets_dir()); print(shipped_rulesets())",
        ],
        check=True,
        capture_output=True,
        text=True,
        cwd=tmp_path,
    ).stdout.splitlines()
    assert found[0] == str(target / "papershelf" / "rulesets")
    assert found[1] == "['ai-papers-plan', 'hygiene']"
