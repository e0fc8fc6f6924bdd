"""The overlapped stages' process handling (the stages themselves run in tests/test_run.py)."""

from __future__ import annotations

import gc
import multiprocessing

import pytest

from pipeline.schedule import heap_frozen, libreoffice_processes


def _report_freeze_count(conn) -> None:
    conn.send(gc.get_freeze_count())
    conn.close()


def test_a_worker_forked_while_the_heap_is_frozen_never_collects_what_it_inherits() -> None:
    ctx = multiprocessing.get_context("fork")
    here, there = ctx.Pipe()
    inherited = [{"zeile": i} for i in range(1000)]  # objects the worker inherits
    with heap_frozen():
        assert gc.get_freeze_count() >= len(inherited)
        worker = ctx.Process(target=_report_freeze_count, args=(there,))
        worker.start()
    assert here.recv() >= len(inherited)
    worker.join()
    assert worker.exitcode == 0
    # this process collects as before (the web application's run worker lives on after a run)
    assert gc.get_freeze_count() == 0


def test_the_heap_is_unfrozen_after_an_error() -> None:
    with pytest.raises(RuntimeError), heap_frozen():
        raise RuntimeError("Abbruch")
    assert gc.get_freeze_count() == 0


def test_half_as_many_libreoffice_processes_as_workers_and_at_least_one() -> None:
    assert [libreoffice_processes(jobs) for jobs in (1, 2, 3, 4, 8)] == [1, 1, 2, 2, 4]
