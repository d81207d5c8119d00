"""Allow ``python -m plancheck``."""

from __future__ import annotations

from plancheck.cli import main

if __name__ == "__main__":
    main()
