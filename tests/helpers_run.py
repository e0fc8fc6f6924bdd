"""Running the program as staff do: `python -m pipeline …` in a subprocess, from the project folder."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "inputs" / "ikz-2025.xlsx"


def cli(*args, env=None, timeout=900, python_only=False):
    """`python -m pipeline ARGS` (with `python_only`: `python ARGS`, for interpreter options)."""
    full_env = dict(os.environ, PYTHONPATH=str(ROOT))
    full_env.pop("IKZ_SIGNATUR_ZERTIFIKAT", None)
    full_env.pop("IKZ_SIGNATUR_PASSWORT", None)
    full_env.update(env or {})
    command = [sys.executable, *map(str, args)] if python_only else [sys.executable, "-m", "pipeline", *map(str, args)]
    return subprocess.run(command, cwd=ROOT, env=full_env, capture_output=True, text=True, timeout=timeout,
                          stdin=subprocess.DEVNULL)


def copy_project(target: Path) -> list[str]:
    """Copy the checked-in project (the files `git ls-files` names, as after `git clone`) to `target`;
    returns their names."""
    files = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    for name in files:
        if (ROOT / name).is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, target / name)
    return files
