"""Build real git repositories in a temporary folder, the way a user would."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping
from pathlib import Path

GIT_ENV = {
    "GIT_AUTHOR_NAME": "Reader",
    "GIT_AUTHOR_EMAIL": "reader@example.org",
    "GIT_COMMITTER_NAME": "Reader",
    "GIT_COMMITTER_EMAIL": "reader@example.org",
    "GIT_CONFIG_NOSYSTEM": "1",
}
PLAN_TEXT = (Path(__file__).parent / "data" / "HOW_TO_READ.ru.md").read_text(encoding="utf-8")
GUIDE = "00_The_Guidebook_&_Roadmap"
PLAN_FILE = f"{GUIDE}/README_Reading_Order.md"

# A study repository with every folder and paper the shipped plan names.
COMPLETE_PLAN: dict[str, str | bytes] = {
    PLAN_FILE: PLAN_TEXT,
    f"{GUIDE}/AI Engineering Guidebook.pdf": b"%PDF-1.4 guide",
    "01_Data_Centric_AI/02_Data_Filtering_Quality/Quality is All You Need.pdf": b"%PDF q",
    "01_Data_Centric_AI/03_Synthetic_Data/Textbooks Are All You Need.pdf": b"%PDF t",
    "01_Data_Centric_AI/04_Instruction_Tuning_Data/UltraChat/requirements.txt": "torch\n",
    "02_Model_Backbones/01_Transformer_Evolution/Attention is all you need.pdf": b"%PDF a",
    "02_Model_Backbones/01_Transformer_Evolution/The Llama 3 Herd of Models.pdf": b"%PDF l",
    "02_Model_Backbones/02_Post_Transformer_&_SSM/Mamba-1.pdf": b"%PDF m1",
    "02_Model_Backbones/02_Post_Transformer_&_SSM/Transformers are SSMs (Mamba-2).pdf": b"%PDF",
    "03_Reasoning_Architectures/Chain-of-Thought Prompting.pdf": b"%PDF c",
    "03_Reasoning_Architectures/DeepSeek-R1.pdf": b"%PDF d",
    "04_Agentic_Systems_&_MCP/Voyager.pdf": b"%PDF v",
    "05_Alignment/notes.md": "# alignment\n",
    "06_Engineering_&_Tuning/LoRA.pdf": b"%PDF lora",
    "06_Engineering_&_Tuning/Разработка LLM с нуля/lecture 1.md": "# Лекция 1\n",
}


def git(root: Path, *args: str) -> str:
    completed = subprocess.run(
        ["git", "-c", "core.quotePath=false", *args],
        cwd=root,
        capture_output=True,
        check=True,
        env={**os.environ, **GIT_ENV},
    )
    return completed.stdout.decode("utf-8", "replace")


def write_files(root: Path, files: Mapping[str, str | bytes]) -> None:
    for relative, content in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")


def make_repo(root: Path, files: Mapping[str, str | bytes], commit: bool = True) -> Path:
    """A git repository at ``root`` holding ``files`` (staged, and committed unless told not)."""
    root.mkdir(parents=True, exist_ok=True)
    git(root, "init", "-q", "-b", "main")
    write_files(root, files)
    if files:
        git(root, "add", "-A")
    if commit and files:
        git(root, "commit", "-qm", "study material")
    return root
