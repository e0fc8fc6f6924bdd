"""Command line: subcommands; the only place that prints or exits."""

from __future__ import annotations

import argparse
import enum
import sys
from pathlib import Path

from . import __version__
from .errors import PipelineError, Problem, Severity, ValidationError

DEFAULT_WORKBOOK = Path("inputs/ikz-2025.xlsx")


class Exit(enum.IntEnum):
    """Exit statuses of ``python -m pipeline``."""

    OK = 0
    ERRORS = 1  # the input has errors (workbook, templates, broken signature)
    USAGE = 2  # wrong command line
    FAILED = 3  # a tool or the environment failed (LibreOffice, disk, certificate)
    INTERRUPTED = 130


def _print_problems(problems: list[Problem], out=sys.stdout) -> None:
    errors = [p for p in problems if p.severity is Severity.ERROR]
    warnings = [p for p in problems if p.severity is Severity.WARNING]
    for p in errors + warnings:
        print(str(p), file=out)
    if problems:
        print(file=out)
    print(f"{len(errors)} Fehler, {len(warnings)} Warnungen.", file=out)


def cmd_check(args) -> Exit:
    from .validate import load

    try:
        data, warnings = load(args.workbook)
    except ValidationError as exc:
        _print_problems(exc.problems)
        print("Die Arbeitsmappe hat Fehler; es wurden keine Dokumente erzeugt.")
        return Exit.ERRORS
    problems: list[Problem] = list(warnings)
    template_problems: list[str] = []
    try:
        from . import render

        template_problems = render.check_templates(data, Path(args.templates))
    except ImportError:
        template_problems = []
    _print_problems(problems)
    for line in template_problems:
        print(line)
    print(f"{Path(args.workbook).name}: {len(data.kommunen)} Kommunen, {len(data.projekte)} Projekte "
          f"({sum(1 for p in data.projekte if p.aktuell)} im Jahresbericht {data.bericht.jahr}).")
    if template_problems:
        print(f"{len(template_problems)} Fehler in den Vorlagen.")
        return Exit.ERRORS
    print("Die Arbeitsmappe ist in Ordnung." if not problems else "Die Arbeitsmappe ist verwendbar (nur Warnungen).")
    return Exit.OK


def cmd_new_workbook(args) -> Exit:
    from .blank import write_workbook

    path = Path(args.path)
    if path.exists() and not args.force:
        print(f"{path} gibt es schon. Mit --force überschreiben.", file=sys.stderr)
        return Exit.USAGE
    write_workbook(path)
    print(f"Leere Arbeitsmappe angelegt: {path}")
    return Exit.OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m pipeline", description="IKZ-Dokumente aus der Arbeitsmappe erzeugen.")
    parser.add_argument("--version", action="version", version=__version__)
    parser.add_argument("--traceback", action="store_true", help="bei Fehlern den Python-Traceback zeigen (für Entwickler)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="BEFEHL")

    p = sub.add_parser("check", help="Arbeitsmappe und Vorlagen prüfen")
    p.add_argument("workbook", nargs="?", default=DEFAULT_WORKBOOK, type=Path, help="Arbeitsmappe (.xlsx)")
    p.add_argument("--templates", default="templates", help="Ordner der Word-Vorlagen")
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("new-workbook", help="leere Arbeitsmappe anlegen")
    p.add_argument("path", type=Path, help="Datei, die angelegt wird (.xlsx)")
    p.add_argument("--force", action="store_true", help="vorhandene Datei überschreiben")
    p.set_defaults(func=cmd_new_workbook)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0) and Exit.USAGE
    try:
        return int(args.func(args))
    except KeyboardInterrupt:
        print("Abgebrochen. Bisherige Ausgaben sind unverändert.", file=sys.stderr)
        return Exit.INTERRUPTED
    except PipelineError as exc:
        if args.traceback:
            raise
        print(f"Fehler: {exc}", file=sys.stderr)
        return Exit.ERRORS if isinstance(exc, ValidationError) else Exit.FAILED
    except Exception as exc:  # last line of defence: one readable line, no traceback
        if args.traceback:
            raise
        print(f"Unerwarteter Fehler ({type(exc).__name__}): {exc}. Mit --traceback erneut aufrufen und die Ausgabe an die Entwickler geben.",
              file=sys.stderr)
        return Exit.FAILED
