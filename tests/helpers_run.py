"""Running the program as staff do: `python -m pipeline …` in a subprocess, from the project folder."""

from __future__ import annotations

import os
import re
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


def shell_env() -> dict[str, str]:
    """The environment of a fresh shell, for running `make` as staff do: without the variables set on the
    command line of an outer make (`make test ARGS=-x` exports ARGS to the tests), without make's own
    variables and without the signing settings of the developer running the tests."""
    flags = os.environ.get("MAKEFLAGS", "")
    outer = set(re.findall(r"(?:^|\s)([A-Za-z_]\w*)=", flags.split("-- ", 1)[1])) if "-- " in flags else set()
    return {k: v for k, v in os.environ.items()
            if not k.startswith(("IKZ_", "MAKE", "MFLAGS")) and k not in outer}


def copy_project(target: Path) -> list[str]:
    """Copy the checked-in project (the files `git ls-files` names, as after `git clone`) to `target`;
    returns their names."""
    files = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    for name in files:
        if (ROOT / name).is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, target / name)
    return files
