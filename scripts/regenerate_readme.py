"""Rewrite the README's generated blocks (plan conventions) from the code that defines them."""

from __future__ import annotations

import re
from pathlib import Path

from papershelf.plan.conventions import conventions_markdown

README = Path(__file__).resolve().parents[1] / "README.md"


def main() -> int:
    text = README.read_text(encoding="utf-8")
    block = re.compile(r"(<!-- conventions:begin -->\n).*?(<!-- conventions:end -->)", re.S)
    README.write_text(block.sub(lambda m: m[1] + conventions_markdown() + m[2], text), "utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
