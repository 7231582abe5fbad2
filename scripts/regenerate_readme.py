"""Rewrite the README's generated blocks (the rule reference, the plan conventions) from
the code that defines them."""

from __future__ import annotations

import re
from pathlib import Path

from papershelf.cli.check import rules_markdown
from papershelf.plan.conventions import conventions_markdown

README = Path(__file__).resolve().parents[1] / "README.md"
BLOCKS = {"rules": rules_markdown, "conventions": conventions_markdown}


def main() -> int:
    text = README.read_text(encoding="utf-8")
    for name, markdown in BLOCKS.items():
        block = re.compile(rf"(<!-- {name}:begin -->\n).*?(<!-- {name}:end -->)", re.S)
        text = block.sub(lambda m, markdown=markdown: m[1] + markdown() + m[2], text)
    README.write_text(text, "utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
