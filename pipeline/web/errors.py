"""Exceptions of the library as German messages for a page, as the CLI words them (no traceback)."""

from __future__ import annotations

from ..errors import Problem, Severity, failure


def problem_row(p: Problem) -> dict:
    """One row of the Prüfen table."""
    loc = p.location
    message = p.message
    suggestion = ""
    if "Meinten Sie" in message:
        message, _, rest = message.partition("Meinten Sie")
        suggestion = "Meinten Sie" + rest
    value = "" if p.value is None else str(p.value)
    return {
        "severity": p.severity.value,
        "error": p.severity is Severity.ERROR,
        "sheet": loc.sheet or "",
        "cell": loc.cell or "",
        "column": loc.column or "",
        "message": message.strip(),
        "value": value,
        "allowed": p.allowed or "",
        "suggestion": suggestion.strip(),
        "text": str(p),
    }


def problem_rows(problems) -> list[dict]:
    rows = [problem_row(p) for p in problems]
    return [r for r in rows if r["error"]] + [r for r in rows if not r["error"]]


def german_message(exc: BaseException) -> tuple[str, list[dict]]:
    """(message, problem rows) for any failure of a library call, worded by `errors.failure` as for the CLI."""
    f = failure(exc)
    if f.problems:
        return f"{f.message} Die Fehler stehen unten und auf der Seite »Prüfen«.", problem_rows(f.problems)
    if not f.expected:  # no detail of a bug on a page: its type only
        return (f"Unerwarteter Fehler ({type(exc).__name__}). Bisherige Ausgaben sind unverändert. Bitte der IT "
                "melden; im Protokoll des Servers steht nichts Geheimes.", [])
    return f.message, []
