"""pyHanko's synchronous API in any thread.

pyHanko's synchronous functions (signing, validation, a timestamp request) run their coroutines with
`asyncio.run`, which refuses to start in a thread whose event loop is running: an ASGI server's, or a
test browser's (Playwright's synchronous API keeps its loop running in the thread that uses it). There a
call would fail with »asyncio.run() cannot be called from a running event loop«, and verify would report
every signature as »kann nicht geprüft werden«. `outside_event_loop` runs such a call in a thread of its
own when the current thread has a running loop, and directly otherwise.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

__all__ = ["outside_event_loop"]


def outside_event_loop(call: Callable[[], T]) -> T:
    """`call()`, in a separate thread when this thread's event loop is running; its exception is raised here."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return call()
    with concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="pyhanko") as pool:
        return pool.submit(call).result()
