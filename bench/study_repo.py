"""Build a large study repository for benchmarks: numbered sections, Cyrillic names, mixed files."""

from __future__ import annotations

import io
import os
import random
import subprocess
import sys
import zipfile
from pathlib import Path

SECTIONS = [
    "00_The_Guidebook_&_Roadmap",
    "01_Data_Centric_AI",
    "02_Model_Backbones",
    "03_Reasoning_Architectures",
    "04_Agentic_Systems_&_MCP",
    "05_Alignment",
    "06_Engineering_&_Tuning",
    "07_Evaluation",
    "xx_prompting",
]
KINDS = (".pdf", ".md", ".py", ".json", ".txt", " Статья.pdf", ".ipynb", ".png")


def build(root: Path, files: int, seed: int = 7) -> Path:
    """Write ``files`` tracked files under ``root`` and commit them; return ``root``."""
    rng = random.Random(seed)
    root.mkdir(parents=True)
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    per_topic = 50
    topics_per_section = max(1, files // per_topic // len(SECTIONS) + 1)
    written = 0
    for topic in range(topics_per_section):
        for section in SECTIONS:
            if written >= files:
                break
            folder = root / section / f"{topic + 1:03d}_Тема {topic} & notes" / "papers"
            folder.mkdir(parents=True, exist_ok=True)
            for index in range(min(per_topic, files - written)):
                kind = KINDS[(written + index) % len(KINDS)]
                body = b"%PDF-1.5\n" + rng.randbytes(64 + rng.randrange(512))
                (folder / f"paper {written + index}{kind}").write_bytes(body)
            written += min(per_topic, files - written)
    guide = root / SECTIONS[0]
    guide.mkdir(exist_ok=True)
    (guide / "README_Reading_Order.md").write_text("# Reading order\n\n1. `01_Data_Centric_AI`\n")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("lecture.txt", "Разработка LLM с нуля\n" * 100)
    (root / SECTIONS[6]).mkdir(exist_ok=True)
    (root / SECTIONS[6] / "Разработка LLM с нуля.zip").write_bytes(buffer.getvalue())
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "bench",
        "GIT_AUTHOR_EMAIL": "bench@example.org",
        "GIT_COMMITTER_NAME": "bench",
        "GIT_COMMITTER_EMAIL": "bench@example.org",
    }
    subprocess.run(["git", "-C", str(root), "add", "-A"], check=True)
    subprocess.run(["git", "-C", str(root), "commit", "-qm", "study material"], check=True, env=env)
    return root


if __name__ == "__main__":
    build(Path(sys.argv[1]), int(sys.argv[2]))
