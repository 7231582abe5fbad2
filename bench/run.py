"""``make bench``: every side-by-side benchmark, one after another (BENCH=check,markdown)."""

from __future__ import annotations

import importlib
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

ALL = ("check", "collection", "extract", "zip_names", "fetch", "mkexp", "papers", "markdown")


def main() -> int:
    chosen = [name for name in os.environ.get("BENCH", ",".join(ALL)).split(",") if name]
    status = 0
    for name in chosen:
        print(f"\n## bench_{name}\n", flush=True)
        module = importlib.import_module(f"bench_{name}")
        sys.argv = [f"bench_{name}.py"]
        status |= int(module.main() or 0)
    return status


if __name__ == "__main__":
    sys.exit(main())
