"""A started Python that runs `python -m pipeline …` commands for the tests, one forked child per command.

A command of the program spends most of a small run importing its libraries (pyHanko, matplotlib, openpyxl,
docxtpl, pikepdf: 0.6–1 s of CPU per process; a tenth of the suite's CPU time). This process imports them once
and then forks a child for each command: the child takes the command's standard streams, environment, working
folder and arguments, runs the package's `__main__` as `python -m` does, and ends as the interpreter ends (exit
code, traceback of an uncaught exception, exit handlers, waiting for threads). The program runs unchanged; what the
child does not share with a fresh `python -m pipeline` is the import itself, which the README's commands (real
`make`, real processes) and the web tests' server still cover. `IKZ_TEST_FRESH_INTERPRETER=1` runs every command
in a fresh interpreter instead (`tests/helpers_run.cli`).

Protocol, over a Unix socket pair made by the test process: a request is a length-prefixed JSON object
{module, args, env, cwd} with the child's stdin, stdout and stderr as passed file descriptors; the answers are
{"pid": …} once the child runs and {"status": …} (as `os.waitpid` gives it) once it ended. An empty request
(the test process closed its end) ends this process.

Run as `python -m tests.launcher FD` (FD: this side of the socket pair). The module imports nothing of the
tests, so nothing of them is in the children."""

from __future__ import annotations

import json
import os
import runpy
import socket
import struct
import sys
from collections.abc import Sequence

_HEADER = struct.Struct("!I")


def send(sock: socket.socket, message: dict, fds: Sequence[int] = ()) -> None:
    data = json.dumps(message).encode()
    payload = _HEADER.pack(len(data)) + data
    if fds:
        socket.send_fds(sock, [payload], fds)
    else:
        sock.sendall(payload)


def receive(sock: socket.socket, nfds: int = 0) -> tuple[dict | None, list[int]]:
    """The next message and the descriptors sent with it; (None, []) when the other side closed."""
    fds: list[int] = []
    head = b""
    while len(head) < _HEADER.size:
        if nfds and not fds:
            chunk, got, _, _ = socket.recv_fds(sock, _HEADER.size - len(head), nfds)
            fds.extend(got)
        else:
            chunk = sock.recv(_HEADER.size - len(head))
        if not chunk:
            for fd in fds:
                os.close(fd)
            return None, []
        head += chunk
    (size,) = _HEADER.unpack(head)
    body = b""
    while len(body) < size:
        chunk = sock.recv(size - len(body))
        if not chunk:
            raise EOFError("message cut short")
        body += chunk
    return json.loads(body), fds


def _preload() -> None:
    """What the commands import, and what a run loads on first use (matplotlib set up, hyphenation patterns,
    the bundle package)."""
    import pipeline.blank  # noqa: F401
    import pipeline.cli  # noqa: F401
    import pipeline.newyear  # noqa: F401
    import pipeline.render  # noqa: F401
    import pipeline.ruecklauf  # noqa: F401
    import pipeline.run  # noqa: F401
    import pipeline.sign  # noqa: F401
    import pipeline.template_check  # noqa: F401
    import pipeline.validate  # noqa: F401
    import pipeline.versand  # noqa: F401
    from pipeline import work

    work.preload()
    work.preload_delivery()


def _child(request: dict, fds: list[int]) -> None:
    """In the forked child: become the command. Does not return: SystemExit (or any exception) ends the
    interpreter as it ends `python -m pipeline`."""
    for target, fd in enumerate(fds):
        os.dup2(fd, target)
    for fd in fds:
        if fd > 2:
            os.close(fd)
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    sys.argv = ["-m", *request["args"]]  # runpy puts the module's file first, as `python -m` does
    sys.path[0] = request["cwd"]  # as `python -m` puts the working folder first
    runpy._run_module_as_main(request["module"])  # what `python -m MODULE` runs
    raise SystemExit(0)


def serve(sock: socket.socket) -> None:
    while True:
        request, fds = receive(sock, nfds=3)
        if request is None:
            return
        pid = os.fork()
        if pid == 0:
            sock.close()
            _child(request, fds)
        for fd in fds:
            os.close(fd)
        send(sock, {"pid": pid})
        _, status = os.waitpid(pid, 0)
        send(sock, {"status": status})


if __name__ == "__main__":
    _preload()
    serve(socket.socket(fileno=int(sys.argv[1])))
