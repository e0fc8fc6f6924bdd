"""Running the program as staff do: `python -m pipeline …` in a process of its own, from the project folder."""

from __future__ import annotations

import atexit
import os
import re
import selectors
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from tests import launcher

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "inputs" / "ikz-2025.xlsx"


def cli(*args, env=None, timeout=900, python_only=False, fresh_interpreter=False) -> subprocess.CompletedProcess:
    """`python -m pipeline ARGS` (with `python_only`: `python ARGS`, for interpreter options), from the project
    folder, without the signing settings of the developer running the tests. The command runs in a child of the
    started interpreter of `tests/launcher.py` (its libraries imported once); with `python_only`,
    `fresh_interpreter`, or IKZ_TEST_FRESH_INTERPRETER=1 in the tests' environment, in a fresh interpreter."""
    full_env = dict(os.environ, PYTHONPATH=str(ROOT))
    full_env.pop("IKZ_SIGNATUR_ZERTIFIKAT", None)
    full_env.pop("IKZ_SIGNATUR_PASSWORT", None)
    full_env.update(env or {})
    fresh_interpreter = fresh_interpreter or bool(os.environ.get("IKZ_TEST_FRESH_INTERPRETER"))
    if not python_only and not fresh_interpreter and full_env["PYTHONPATH"] == str(ROOT):
        return _Launcher.get().run("pipeline", list(map(str, args)), env=full_env, cwd=ROOT, timeout=timeout)
    command = [sys.executable, *map(str, args)] if python_only else [sys.executable, "-m", "pipeline", *map(str, args)]
    return subprocess.run(command, cwd=ROOT, env=full_env, capture_output=True, text=True, timeout=timeout,
                          stdin=subprocess.DEVNULL)


class _Launcher:
    """The started interpreter of `tests/launcher.py`, one per test process, made on first use."""

    _instance: _Launcher | None = None

    @classmethod
    def get(cls) -> _Launcher:
        if cls._instance is None or cls._instance.proc.poll() is not None:
            cls._instance = cls()
        return cls._instance

    def __init__(self) -> None:
        self.sock, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        self.proc = subprocess.Popen([sys.executable, "-m", "tests.launcher", str(theirs.fileno())],
                                     cwd=ROOT, env=dict(os.environ, PYTHONPATH=str(ROOT)), pass_fds=[theirs.fileno()],
                                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
        theirs.close()
        atexit.register(self.close)

    def close(self) -> None:
        self.sock.close()  # the launcher ends when it reads the end of its socket
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()

    def run(self, module: str, args: list[str], *, env: dict[str, str], cwd: Path,
            timeout: float) -> subprocess.CompletedProcess:
        """As `subprocess.run([python, "-m", module, *args], capture_output=True, text=True, stdin=DEVNULL)`."""
        out_r, out_w = os.pipe()
        err_r, err_w = os.pipe()
        devnull = os.open(os.devnull, os.O_RDONLY)
        try:
            launcher.send(self.sock, {"module": module, "args": args, "env": env, "cwd": str(cwd)},
                          [devnull, out_w, err_w])
        finally:
            for fd in (devnull, out_w, err_w):
                os.close(fd)
        pid = self._answer()["pid"]
        output, timed_out = _read_until_closed((out_r, err_r), time.monotonic() + timeout, pid)
        status = self._answer()["status"]
        stdout, stderr = (_text(output[fd]) for fd in (out_r, err_r))
        command = [sys.executable, "-m", module, *args]
        if timed_out:
            raise subprocess.TimeoutExpired(command, timeout, stdout, stderr)
        return subprocess.CompletedProcess(command, os.waitstatus_to_exitcode(status), stdout, stderr)

    def _answer(self) -> dict:
        answer, _ = launcher.receive(self.sock)
        if answer is None:
            raise RuntimeError("tests/launcher.py ended (what it wrote is in the test process's stderr)")
        return answer


def _read_until_closed(fds: tuple[int, ...], deadline: float, pid: int) -> tuple[dict[int, bytes], bool]:
    """What was written to the pipes `fds` until every writer closed them (the child and whatever it started,
    as `communicate` does), and whether the deadline passed: then the child is killed and what it wrote is
    read for a while longer. The pipes are closed."""
    chunks: dict[int, list[bytes]] = {fd: [] for fd in fds}
    timed_out = False
    with selectors.DefaultSelector() as sel:
        for fd in fds:
            sel.register(fd, selectors.EVENT_READ)
        while sel.get_map():
            left = deadline - time.monotonic()
            if left <= 0:
                if timed_out:
                    break
                os.kill(pid, signal.SIGKILL)
                timed_out = True
                deadline = time.monotonic() + 30
                continue
            for key, _ in sel.select(left):
                data = os.read(key.fd, 65536)
                if data:
                    chunks[key.fd].append(data)
                else:
                    sel.unregister(key.fd)
    for fd in fds:
        os.close(fd)
    return {fd: b"".join(parts) for fd, parts in chunks.items()}, timed_out


def _text(data: bytes) -> str:
    """Bytes as `subprocess.run(text=True)` decodes them (locale encoding, universal newlines)."""
    import locale

    return data.decode(locale.getpreferredencoding(False)).replace("\r\n", "\n").replace("\r", "\n")


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
