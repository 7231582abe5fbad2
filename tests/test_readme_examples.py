"""Every example block of the README works as written.

A ``sh`` block is a command to type: the slow test runs them all, in the README's
order, as one shell session of a newcomer (install from a clone, run in a study
repository, add the hook). A ``sh`` block right after ``<!-- synopsis -->`` shows a
command's forms, with placeholders: its commands and options must exist. ``toml``
blocks must load as a papershelf configuration; ``yaml`` blocks must parse, name
hooks that exist and install papershelf from a checkout, never from a package index.
``text`` and ``markdown`` blocks are output and documents, not commands.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from markdown_it import MarkdownIt

from gitrepo import GIT_ENV, git, make_repo
from papershelf.check.rules import known_options
from papershelf.cli import main, mkexp_main, repo_check_main
from papershelf.config import load

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

PROJECT = Path(__file__).resolve().parents[1]
README = (PROJECT / "README.md").read_text(encoding="utf-8")
SYNOPSIS = "<!-- synopsis -->"
KINDS = {"sh", "toml", "yaml", "text", "markdown"}
HOOK_IDS = [hook["id"] for hook in yaml.safe_load((PROJECT / ".pre-commit-hooks.yaml").read_text())]
ACTION_INPUTS = set(yaml.safe_load((PROJECT / "action.yml").read_text())["inputs"])


@dataclass(frozen=True)
class Block:
    kind: str
    line: int  # of the opening fence, counted from 1
    text: str
    synopsis: bool


def blocks() -> list[Block]:
    tokens = MarkdownIt("commonmark").parse(README)
    found = []
    for index, token in enumerate(tokens):
        if token.type != "fence" or token.map is None:
            continue
        before = tokens[index - 1] if index else None
        marked = before is not None and before.type == "html_block"
        found.append(
            Block(
                token.info.strip(),
                token.map[0] + 1,
                token.content,
                marked and before is not None and before.content.strip() == SYNOPSIS,
            )
        )
    return found


def headings(level: str = "h2") -> list[tuple[int, str]]:
    """Each heading of that level: its line (from 0) and text, as the parser reads them
    (a ``## Week 1`` inside an example block is no heading)."""
    tokens = MarkdownIt("commonmark").parse(README)
    return [
        (token.map[0], tokens[index + 1].content)
        for index, token in enumerate(tokens)
        if token.type == "heading_open" and token.tag == level and token.map is not None
    ]


def section(title: str) -> str:
    """The text under a heading, up to the next heading of its level or above."""
    lines = README.splitlines(keepends=True)
    level = next(h for h in ("h2", "h3") if any(text == title for _, text in headings(h)))
    starts = sorted(line for h in ("h2", "h3")[: int(level[1]) - 1] for line, _ in headings(h))
    start = next(line for line, text in headings(level) if text == title)
    end = next((line for line in starts if line > start), len(lines))
    return "".join(lines[start + 1 : end])


def of_kind(kind: str, synopsis: bool = False) -> list[Block]:
    return [b for b in blocks() if b.kind == kind and b.synopsis == synopsis]


def test_every_block_says_what_it_is() -> None:
    unknown = [(b.line, b.kind) for b in blocks() if b.kind not in KINDS]
    assert unknown == []
    assert [b.line for b in blocks() if b.synopsis and b.kind != "sh"] == []


def test_the_readme_starts_with_install_run_and_the_two_settings() -> None:
    assert [text for _, text in headings()][:5] == [
        "Install",
        "Run it in your repository",
        "The two settings most people need: `plan` and `root`",
        "Check on every commit: pre-commit",
        "Check in CI",
    ]
    install = section("Install")
    assert "not on a package index" in install
    assert "pipx install" in install and "wheel" in install


def _command_words(line: str) -> list[str]:
    words = shlex.split(line, comments=True)
    return [word.strip("[]") for word in words if word not in ("|", "[", "]")]


def _refusal(words: list[str]) -> str:
    """Why one papershelf command line's command refuses its options ('' when it takes them):
    parsed by the command itself with ``--help`` added, which stops it before it runs."""
    run = {"papershelf": main, "repo-check": repo_check_main, "mkexp": mkexp_main}[words[0]]
    errors = io.StringIO()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(errors):
        code = run([*words[1:], "--help"])
    return "" if code == 0 else errors.getvalue()


def _make_targets() -> set[str]:
    makefile = (PROJECT / "Makefile").read_text(encoding="utf-8")
    return set(re.findall(r"^([a-z][\w-]*):", makefile, re.M))


def test_synopses_name_commands_and_options_that_exist() -> None:
    synopses = of_kind("sh", synopsis=True)
    assert synopses, "the Development section shows `make demo` and `make test`"
    checked = 0
    for block in synopses:
        for line in block.text.splitlines():
            words = _command_words(line)
            if not words:
                continue
            if words[0] == "make":
                assert set(words[1:]) <= _make_targets(), (block.line, line)
                checked += 1
            elif words[0] in ("papershelf", "repo-check", "mkexp"):
                assert _refusal(words) == "", (block.line, line)
                checked += 1
    assert checked >= 2


def test_runnable_shell_blocks_use_only_options_that_exist() -> None:
    for block in of_kind("sh"):
        for line in block.text.splitlines():
            words = _command_words(line) if not line.startswith(" ") else []
            if words and words[0] in ("papershelf", "repo-check", "mkexp"):
                assert _refusal(words) == "", (block.line, line)


def _write_named_rulesets(repo: Path, config: dict[str, Any]) -> None:
    """Rule sets an example's ``extends`` names by path, so it loads as written."""
    for name in config.get("extends", []):
        if name.endswith(".toml"):
            (repo / name).parent.mkdir(parents=True, exist_ok=True)
            (repo / name).write_text(f'[ruleset]\nname = "{Path(name).stem}"\n', encoding="utf-8")


@pytest.mark.parametrize("block", of_kind("toml"), ids=lambda b: f"line-{b.line}")
def test_toml_examples_load_as_a_configuration(tmp_path: Path, block: Block) -> None:
    config = tomllib.loads(block.text)
    repo = make_repo(tmp_path / "repo", {"notes.md": "# notes\n"})
    _write_named_rulesets(repo, config)
    (repo / ".papershelf.toml").write_text(block.text, encoding="utf-8")
    loaded = load(repo, known_options())
    assert loaded.config_file == ".papershelf.toml"
    assert set(loaded.plan) == set(
        [config["plan"]] if isinstance(config.get("plan"), str) else config.get("plan", [])
    )


def _hooks(document: Any) -> list[dict[str, Any]]:
    if "repos" in document:
        return [hook for repo in document["repos"] for hook in repo["hooks"]]
    return list(document.get("hooks", []))


def _run_lines(document: Any) -> list[str]:
    steps = document.get("steps") or [
        step for job in document.get("jobs", {}).values() for step in job["steps"]
    ]
    return [line for step in steps for line in str(step.get("run", "")).splitlines()]


@pytest.mark.parametrize("block", of_kind("yaml"), ids=lambda b: f"line-{b.line}")
def test_yaml_examples_parse_and_install_papershelf_from_a_checkout(block: Block) -> None:
    document = yaml.safe_load(block.text)
    assert isinstance(document, dict)
    for hook in _hooks(document):
        assert hook["id"] in HOOK_IDS
        assert _refusal(["papershelf", "plan", *hook.get("args", [])]) == ""
    for repo in document.get("repos", []):
        assert repo["repo"] == "local" or not str(repo.get("rev", "")).startswith("v")
    for line in _run_lines(document):
        words = _command_words(line)
        if words[:2] == ["pip", "install"]:
            assert all(w.startswith((".", "/", "~")) for w in words[2:]), line
        if words and words[0] in ("papershelf", "repo-check", "mkexp"):
            assert _refusal(words) == "", line
    for step in document.get("steps") or []:
        if str(step.get("uses", "")).startswith("papershelf/papershelf@"):
            assert set(step.get("with", {})) <= ACTION_INPUTS


def test_the_ci_example_annotates_and_uploads_sarif() -> None:
    workflow = next(yaml.safe_load(b.text) for b in of_kind("yaml") if "jobs:" in b.text)
    runs = _run_lines(workflow)
    assert "repo-check --format github" in runs
    assert any("--format sarif" in run for run in runs)
    assert any(run.startswith("pip install ./") for run in runs)
    assert workflow["permissions"]["security-events"] == "write"
    steps = workflow["jobs"]["repo-check"]["steps"]
    assert steps[-1]["uses"].startswith("github/codeql-action/upload-sarif@")


def test_the_first_output_is_what_papershelf_prints(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The plan and files "What the first output means" describes give its output exactly."""
    text = section("What the first output means")
    plan = next(b for b in of_kind("markdown") if b.text in text).text
    shown = next(b for b in of_kind("text") if b.text in text).text
    files = re.findall(r"`([^`]+\.(?:pdf|zip))`", text.split("```text", 1)[0])
    assert files == ["week1/Attention Is All You Need.pdf", "week2/slides.zip"]
    archive = b"PK\x03\x04" + b"\0" * 26
    repo = make_repo(
        tmp_path / "r",
        {"READING_PLAN.md": plan, files[0]: b"%PDF-1.4\n", files[1]: archive},
    )
    outputs = []
    for command, run in (("repo-check", repo_check_main), ("papershelf plan", main)):
        code = run([str(repo)] if command == "repo-check" else ["plan", str(repo)])
        assert code == (1 if command == "repo-check" else 0)
        outputs.append(f"$ {command}\n{capsys.readouterr().out}")
    assert "".join(outputs) == shown


STUDY: dict[str, str | bytes] = {
    "READING_PLAN.md": (
        "# Deep learning, the classics\n\n"
        "## Week 1: `week1`\n"
        '- [x] **"Attention Is All You Need"** [[pdf]](https://arxiv.org/abs/1706.03762)\n'
        "- [ ] [Deep Residual Learning](https://arxiv.org/abs/1512.03385)\n"
    ),
    "week1/Attention Is All You Need.pdf": b"%PDF-1.4\n",
}


@pytest.mark.slow
def test_shell_examples_run_as_one_newcomers_session(tmp_path: Path) -> None:
    """Install from a clone, check a study repository, add the hook: as the README says."""
    home = tmp_path / "home"
    (home / "src").mkdir(parents=True)
    git(home / "src", "clone", "--quiet", str(PROJECT), "papershelf")
    study = make_repo(home / "my-papers", STUDY)
    ours = {str(Path(sys.executable).parent), os.environ.get("VIRTUAL_ENV", "") + "/bin"}
    path = [p for p in os.environ["PATH"].split(os.pathsep) if p not in ours]
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")},
        **GIT_ENV,
        "HOME": str(home),
        "PATH": os.pathsep.join(path),
        "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"),
        "NO_COLOR": "1",
    }
    script = "set -euo pipefail\n" + "\n".join(b.text for b in of_kind("sh"))
    done = subprocess.run(
        ["bash", "-c", script], cwd=home, env=env, capture_output=True, text=True, timeout=900
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "\nno findings\n" in done.stdout.lower()
    assert "3 items: 2 present, 1 online; 1 read, 1 unread" in done.stdout
    config = yaml.safe_load((study / ".pre-commit-config.yaml").read_text())
    head = git(home / "src" / "papershelf", "rev-parse", "HEAD").strip()
    assert config["repos"][0]["rev"] == head
    assert (study / ".git" / "hooks" / "pre-commit").is_file()
    assert shutil.which("papershelf", path=str(home / ".papershelf" / "bin"))
