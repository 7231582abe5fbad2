"""``make demo``: a small study repository in a temporary folder, checked by repo-check.

It holds a few plan folders, a PDF stand-in, a committed ``.zip`` and one
missing plan folder, so the findings show what repo-check is for. The exit
code is 0 when the demo ran: the findings are the point.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
PLAN = HERE.parent / "rules" / "ai-papers-plan.plan.md"
ENV = {
    **os.environ,
    "GIT_AUTHOR_NAME": "Demo",
    "GIT_AUTHOR_EMAIL": "demo@example.org",
    "GIT_COMMITTER_NAME": "Demo",
    "GIT_COMMITTER_EMAIL": "demo@example.org",
}


def build(root: Path) -> None:
    files: dict[str, bytes] = {
        "00_The_Guidebook_&_Roadmap/README_Reading_Order.md": PLAN.read_bytes(),
        "00_The_Guidebook_&_Roadmap/AI Engineering Guidebook.pdf": b"%PDF-1.4 stand-in\n",
        "01_Data_Centric_AI/02_Data_Filtering_Quality/Quality is All You Need.pdf": b"%PDF-1.4\n",
        "01_Data_Centric_AI/03_Synthetic_Data/Textbooks Are All You Need.pdf": b"%PDF-1.4\n",
        "01_Data_Centric_AI/04_Instruction_Tuning_Data/UltraChat/requirements.txt": b"torch\n",
        "02_Model_Backbones/01_Transformer_Evolution/Attention is all you need.pdf": b"%PDF\n",
        "02_Model_Backbones/02_Post_Transformer_&_SSM/Mamba-1.pdf": b"%PDF-1.4\n",
        "03_Reasoning_Architectures/DeepSeek-R1.pdf": b"%PDF-1.4\n",
        "06_Engineering_&_Tuning/LoRA.pdf": b"%PDF-1.4\n",
        "xx_prompting/Chain-of-Thought Prompting.pdf": b"%PDF-1.4\n",
    }
    for relative, content in files.items():
        if relative.endswith(".pdf"):  # one stand-in per paper: different papers, different bytes
            files[relative] = content + relative.rpartition("/")[2].encode() + b"\n"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("Разработка LLM с нуля/Лекция 1.md", "# Лекция 1\n")
    files["06_Engineering_&_Tuning/Разработка LLM с нуля.zip"] = buffer.getvalue()
    for relative, content in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    for command in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "my study repository"]):
        subprocess.run(["git", *command], cwd=root, check=True, env=ENV)


def main() -> int:
    root = Path(tempfile.mkdtemp(prefix="papershelf-demo-")) / "study"
    root.mkdir()
    try:
        build(root)
        print(f"demo study repository: {root}")
        print("(04_Agentic_Systems_&_MCP is missing, an archive is committed, a paper misplaced)\n")
        print(f"$ repo-check {root}")
        sys.stdout.flush()
        from papershelf.cli import repo_check_main

        code = repo_check_main([str(root)])
        print(f"\nrepo-check exited {code} (1 = errors found, as intended here)")
        return 0
    finally:
        shutil.rmtree(root.parent, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
