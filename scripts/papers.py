#!/usr/bin/env python3
"""Command line of the archive: `python scripts/papers.py --help`."""

import sys
from pathlib import Path

# Run from a checkout without installing the package.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from dailypapers.cli import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
