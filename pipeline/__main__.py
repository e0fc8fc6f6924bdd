"""Entry point for ``python -m pipeline``."""

import gc

from .cli import main

code = main()
# What the command built (workbook, documents, templates, matplotlib, hyphenation patterns) is freed when the
# process ends; without this the interpreter's last garbage collection walks all of it first (0.2 s after a run).
gc.freeze()
raise SystemExit(code)
