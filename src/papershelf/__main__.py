from __future__ import annotations

import sys

from papershelf.cli import main

sys.exit(main())
