"""Command line: subcommands; the only place that prints or exits."""

from __future__ import annotations

import argparse
import enum
import os
import re
import sys
from pathlib import Path

from . import __version__
from .errors import Failure, PipelineError, Problem, Severity, failure
from .german import datum, zahl

DEFAULT_WORKBOOK = Path("inputs/ikz-2025.xlsx")


class Exit(enum.IntEnum):
    """Exit statuses of ``python -m pipeline``."""

    OK = 0
    ERRORS = 1  # the input has errors (workbook, templates, broken signature)
    USAGE = 2  # wrong command line
    FAILED = 3  # a tool or the environment failed (LibreOffice, disk, certificate)
    INTERRUPTED = 130


def _print_problems(problems: list[Problem], out=sys.stdout, every: bool = False) -> None:
    """Errors, then warnings; warnings of one kind as one line with their cells (`every`: each on its own);
    when both, the errors once more at the end, where they are not buried."""
    from .errors import group_problems

    errors = [p for p in problems if p.severity is Severity.ERROR]
    warnings = [p for p in problems if p.severity is Severity.WARNING]
    for p in errors:
        print(str(p), file=out)
    shown = [str(p) for p in warnings] if every else [str(g) for g in group_problems(warnings)]
    for line in shown:
        print(line, file=out)
    if errors and warnings:
        print(file=out)
        print(f"Zu beheben ({_count(len(errors), 'Fehler', 'Fehler')}):", file=out)
        for p in errors:
            print(str(p), file=out)
    if problems:
        print(file=out)
    print(f"{len(errors)} Fehler, {len(warnings)} Warnungen."
          + (" Jede Warnung einzeln: make check ARGS=--alle" if len(shown) < len(warnings) else ""), file=out)


def cmd_check(args) -> Exit:
    from . import render
    from .validate import load

    data, warnings = load(args.workbook)
    from .template_check import accessibility_warnings

    problems: list[Problem] = list(warnings) + accessibility_warnings(Path(args.templates))
    template_problems = render.check_templates(data, Path(args.templates))
    _print_problems(problems, every=args.alle)
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
    from .fsutil import backup

    path = Path(args.path)
    if path.exists() and not args.force:
        print(f"Fehler: {path} gibt es schon; nichts wurde verändert. Einen anderen Namen wählen oder mit "
              "ARGS=--force überschreiben (die bisherige Datei bleibt als Sicherungskopie erhalten).", file=sys.stderr)
        return Exit.USAGE
    saved = backup(path) if path.exists() else None
    write_workbook(path)
    print(f"Leere Arbeitsmappe angelegt: {path}")
    if saved is not None:
        print(f"Die bisherige Datei liegt als Sicherungskopie daneben: {saved.name}")
    print("So geht es weiter:")
    print("  1. Die Arbeitsmappe in Excel öffnen und das Blatt »Anleitung« lesen.")
    print("  2. Die Blätter ausfüllen (Bericht, Kommunen, Projekte, Beteiligung, …), speichern, Excel schließen.")
    print(f"  3. Prüfen:   make check WORKBOOK=\"{path}\"")
    print(f"  4. Erzeugen: make report WORKBOOK=\"{path}\"")
    return Exit.OK


def cmd_neues_jahr(args) -> Exit:
    from .newyear import NewYearError, roll_over

    try:
        result = roll_over(Path(args.vorjahr), Path(args.neu))
    except NewYearError as exc:
        if args.traceback:
            raise
        print(f"Fehler: {exc.message}", file=sys.stderr)
        return Exit.USAGE
    print(f"Neue Arbeitsmappe für den {result.nummer}. Bericht: {result.path}")
    print(f"  Berichtszeitraum {datum(result.von)} – {datum(result.bis)}, Stand {datum(result.stand)} "
          f"(aus {Path(args.vorjahr).name}; diese Datei bleibt unverändert)")
    if result.fields:
        print(f"  {_count(result.fields, 'Berichtstext nennt', 'Berichtstexte nennen')} Nummer und Zeitraum jetzt als "
              "Felder ({Berichtsnummer}, {Berichtszeitraum} …), die jedes Jahr stimmen")
    if result.removed:
        print("  Entfernt, weil sie zum Vorjahr gehören: "
              + ", ".join(f"{sheet} {_count(n, 'Zeile', 'Zeilen')}" for sheet, n in result.removed.items()))
    if result.review:
        print("Bitte prüfen:")
        for item in result.review:
            print(f"  - {item}")
    print("So geht es weiter:")
    print("  1. Die Arbeitsmappe in Excel öffnen, die Punkte oben durchgehen, speichern, Excel schließen.")
    print(f"  2. Prüfen:   make check WORKBOOK=\"{result.path}\"")
    print(f"  3. Erzeugen: make report WORKBOOK=\"{result.path}\"")
    return Exit.OK


def _trust_roots(args) -> tuple[list[Path], list[Path]]:
    """Trust roots from the command line and the signing configuration; the local demo CAs apart
    (signatures under them are checked, but never called trusted)."""
    from . import sign

    roots: list[Path] = list(args.vertrauen or [])
    config = sign.load_config(Path(args.config), os.environ)
    if config is not None:
        roots.extend(config.trust_roots)
    demo = sorted((Path(args.state) / "demo").glob(f"**/{sign.DEMO_CA_FILE}"))
    return roots, demo


def _runs(outputs: Path, workbook: Path | None) -> list[Path]:
    """The run folders to verify: the workbook's, or every one in `outputs` (those with a manifest)."""
    if workbook is not None:
        return [outputs / workbook.stem]
    return [m.parent for m in sorted(outputs.glob("*/manifest.json"))]


def cmd_verify(args) -> Exit:
    from .sign import overview, verification
    from .store import Manifest

    roots, demo_roots = _trust_roots(args)
    if not roots and not demo_roots:
        print("Hinweis: Keine Vertrauensanker eingerichtet; keine Signatur kann als vertrauenswürdig gelten.")
    if args.pdf:  # the files named: every field of each
        reports = [verification.verify(Path(f), roots, demo_roots) for f in args.pdf]
        for report in reports:
            for line in overview.file_lines(report, str(report.file), every_field=True):
                print(line)
        return _verify_summary(reports, ok=all(r.ok for r in reports))

    outputs = Path(args.outputs)
    workbook = Path(args.arbeitsmappe) if args.arbeitsmappe else None
    runs = [r for r in _runs(outputs, workbook) if (r / "manifest.json").is_file()]
    if not runs:
        where = f"{outputs / workbook.stem}/" if workbook else f"{outputs}/"
        print(f"Keine Ausgaben gefunden (in {where}). Zuerst »make report« ausführen.", file=sys.stderr)
        return Exit.USAGE
    reports, ok = [], True
    for run_folder in runs:
        manifest = Manifest.load(run_folder / "manifest.json")
        if manifest is None:
            print(f"Lauf »{run_folder.name}« ({run_folder}/): manifest.json ist nicht lesbar; »make report« "
                  "erneut ausführen.")
            ok = False
            continue
        print(f"Lauf »{run_folder.name}« ({run_folder}/, Arbeitsmappe {manifest.workbook}):")
        run_reports = []
        for entry in manifest.entries:
            if entry.path.endswith(".pdf") and (run_folder / entry.path).is_file():
                report = verification.verify(run_folder / entry.path, roots, demo_roots)
                run_reports.append(report)
                lines = (overview.file_lines(report, str(report.file), every_field=True) if args.alle
                         else overview.problem_lines(report, str(report.file)))
                for line in lines:
                    print(f"  {line}")
        reports.extend(run_reports)
        ok &= all(r.ok for r in run_reports)
        ok &= _verify_signatures(workbook or Path(manifest.workbook), run_folder, outputs, roots, demo_roots, args)
        print()
    code = _verify_summary(reports, ok=ok)
    if not args.alle:
        print("Jedes Unterschriftsfeld einzeln: make verify ARGS=--alle")
    return code


def _verify_signatures(workbook: Path, run_folder: Path, outputs: Path, roots, demo_roots, args) -> bool:
    """The Dienststellenleitungen's signatures of one run, counted as the Rücklauf counts them (all copies
    of the same content, kept ones too). False when an invalid signature is among them."""
    from . import ruecklauf
    from .validate import load

    try:
        data, _ = load(workbook)
    except (PipelineError, OSError):
        print(f"  Die Arbeitsmappe {workbook} ist nicht lesbar; die Unterschriften werden nicht gezählt "
              "(»make check« nennt den Grund).")
        return True
    result = ruecklauf.collect(data, run_folder, [], roots, demo_roots, outputs=outputs, every=args.alle)
    _print_states(result, indent="  ")
    return result.ok


def _print_states(result, indent: str = "") -> None:
    """The documents to sign, all copies combined (the Rücklauf's and verify's lines)."""
    from .kinds import DOCUMENT_KINDS

    for kind in (k for k in DOCUMENT_KINDS if k.signing is not None):
        states = [s for s in result.projects if s.target.entry.kind == kind.name]
        print(f"{indent}{kind.plural} zur Unterschrift (alle Exemplare zusammen):")
        for state in states:
            print(f"{indent}  {state.line()}")
        if not states:
            print(f"{indent}  keiner ist zur Unterschrift offen")
    if result.hidden:
        print(f"{indent}{_count(result.hidden, 'weiteres Dokument ist', 'weitere Dokumente sind')} nicht mehr zur "
              "Unterschrift offen (alle zeigen: ARGS=--alle).")


def _verify_summary(reports, *, ok: bool) -> Exit:
    from .sign import overview

    print(overview.office_line(reports))
    broken = [r for r in reports if not r.ok]
    untrusted = sum(1 for r in reports for f in r.fields if f.signed and f.intact and not f.trusted)
    print(f"{_count(len(reports), 'Datei', 'Dateien')} geprüft, {len(broken)} mit ungültiger Signatur"
          + (f", {_count(untrusted, 'Signatur', 'Signaturen')} nicht vertrauenswürdig (Warnung)." if untrusted else "."))
    return Exit.OK if ok and not broken else Exit.ERRORS


def cmd_ruecklauf(args) -> Exit:
    import datetime as dt

    from . import ruecklauf
    from .store import ARCHIVE
    from .validate import load
    from .workbook import require_closed

    folder = Path(args.ordner)
    if not folder.is_dir():
        print(f"Fehler: Der Ordner »{folder}« existiert nicht. Die zurückgekommenen PDF-Dateien in einen Ordner "
              "legen und ihn angeben: make ruecklauf ORDNER=…", file=sys.stderr)
        return Exit.USAGE
    workbook = Path(args.workbook)
    data, _ = load(workbook)
    outputs = Path(args.outputs)
    run_folder = outputs / workbook.stem
    manifest = ruecklauf.load_run(run_folder)
    roots, demo_roots = _trust_roots(args)
    result = ruecklauf.collect(data, run_folder, [folder], roots, demo_roots, outputs=outputs, every=args.alle)
    kept = outputs / ARCHIVE / workbook.stem
    archived = ruecklauf.archive(result, kept / ruecklauf.INBOX)

    print(f"Rücklauf aus {folder}/:")
    for r in result.files:
        print(f"  {r.file.name}: {r.describe()}")
        if r.match in (ruecklauf.CURRENT, ruecklauf.OLDER, ruecklauf.OTHER):
            for f in r.report.persons:
                if f.signed:
                    print(f"    {f.label}: {f.status}")
    if not result.files:
        print("  keine PDF-Dateien gefunden")
    if archived:
        print(f"  {_count(len(archived), 'unterschriebenes Exemplar', 'unterschriebene Exemplare')} gesichert in "
              f"{kept / ruecklauf.INBOX}/ (zählt auch künftig mit, wenn der Eingangsordner geleert wird)")
    if result.counted:
        counted = _count(result.counted, "früher eingegangenes oder gesichertes Exemplar",
                         "früher eingegangene oder gesicherte Exemplare")
        print(f"  Mitgezählt: {counted} "
              f"(aus {outputs / ARCHIVE}/ und den Ausgaben)")
    if manifest.workbook_sha256 != data.sha256:
        print(f"  Hinweis: {workbook.name} wurde nach dem letzten »make report« geändert. Gezählt wird gegen die "
              "zuletzt ausgegebenen Dokumente; nach »make report« zählen die Unterschriften weiter, solange sich "
              "der Inhalt eines Dokuments nicht ändert.")
    print()
    _print_states(result)
    elsewhere = [r for r in result.files if r.match == ruecklauf.OTHER
                 or (r.match == ruecklauf.CURRENT and r.target is not None and not r.target.open)]
    if elsewhere and not args.alle:
        print("Eingegangen, aber nicht zur Unterschrift offen: " + ", ".join(r.file.name for r in elsewhere))
    overview = ruecklauf.record(kept, result)
    print(f"Übersicht: {overview}")
    if args.arbeitsmappe_kopie:
        require_closed(workbook)
        copy, filled = ruecklauf.workbook_copy(workbook, result, dt.date.today())
        print(f"Kopie der Arbeitsmappe mit {_count(filled, 'ergänztem Datum', 'ergänzten Daten')} in »Unterzeichnet am«: "
              f"{copy} (das Original ist unverändert)")
    foreign = sum(1 for r in result.files if r.match == ruecklauf.FOREIGN)
    older = sum(1 for r in result.files if r.match == ruecklauf.OLDER)
    if foreign or older:
        print(f"Hinweis: {_count(foreign, 'fremde Datei', 'fremde Dateien')} und "
              f"{_count(older, 'Exemplar einer älteren Ausgabe', 'Exemplare älterer Ausgaben')} wurden nicht gezählt.")
    if not result.ok:
        print("Fehler: Es gibt ungültige Signaturen (siehe »UNGÜLTIG« oben). Diese Exemplare zählen nicht.")
        return Exit.ERRORS
    return Exit.OK


class _ProgressDisplay:
    """A bar that fits the terminal on a terminal; plain log lines otherwise (CI, a pipe).

    Terminal: one line, redrawn in place, never wider than the terminal (so it never wraps):
    ``PDF signieren und Mappen bilden [########------]  12/31  mappe-Raunheim.pdf``.
    Otherwise: a line when a step starts, then one per item for short steps and one per
    tenth for long ones.
    """

    def __init__(self, stream=sys.stderr):
        self.stream = stream
        self.tty = stream.isatty()
        self.last_step = None
        self.last_tenth = -1
        self.drawn = 0

    def __call__(self, step: str, item: str, done: int, total: int) -> None:
        count = max(0, done + 1)
        if self.tty:
            self._draw(step, item, count, total)
        else:
            tenth = count * 10 // total if total else 10
            if step != self.last_step:
                print(f"{step}: {item}" + (f" ({count}/{total})" if total > 1 and done >= 0 else ""),
                      file=self.stream, flush=True)
                self.last_tenth = tenth
            elif total <= 20 or tenth != self.last_tenth:
                print(f"{step}: {item} ({count}/{total})", file=self.stream, flush=True)
                self.last_tenth = tenth
        self.last_step = step

    def _draw(self, step: str, item: str, count: int, total: int) -> None:
        width = max(20, self._columns() - 1)
        counter = f" {count}/{total} " if total > 1 else " "
        bar_width = max(5, min(30, width // 5))
        filled = bar_width * count // total if total else bar_width
        bar = f"[{'#' * filled}{'-' * (bar_width - filled)}]"
        line = f"{step} {bar}{counter}{item}"
        if len(line) > width:
            line = line[:width - 1] + "…"
        self.stream.write("\r" + line.ljust(self.drawn))
        self.stream.flush()
        self.drawn = len(line)

    def _columns(self) -> int:
        """The terminal's width: $COLUMNS, else the size of the terminal we draw on, else 80."""
        try:
            return int(os.environ["COLUMNS"])
        except (KeyError, ValueError):
            pass
        try:
            return os.get_terminal_size(self.stream.fileno()).columns
        except (OSError, ValueError, AttributeError):
            return 80

    def close(self) -> None:
        if self.tty and self.drawn:
            self.stream.write("\r" + " " * self.drawn + "\r")
            self.stream.flush()


def _signing_config(args):
    """The configured certificate (asking for the passphrase on a terminal), or None for the demo."""
    import getpass
    import os

    from . import sign

    config = sign.load_config(Path(args.config), os.environ)
    if config is not None and config.passphrase is None and sys.stdin.isatty():
        config = config.with_passphrase(getpass.getpass(f"Passwort für {config.pkcs12.name}: "))
    return config


def _config_file(args) -> Path | None:
    """The signing configuration file when it exists (its bytes are part of the outputs' fingerprint)."""
    path = Path(args.config)
    return path if path.is_file() else None


def _run_options(args):
    from .run import Options

    return Options(workbook=Path(args.workbook), outputs=Path(args.outputs), templates=Path(args.templates),
                   state=Path(args.state), jobs=max(1, args.jobs), force=args.force, signing=_signing_config(args),
                   wait=args.wait, allow_open=args.allow_open, config_file=_config_file(args))


_LISTED = 10  # changed files named in the summary before »und N weitere«


def _count(n: int, singular: str, plural: str) -> str:
    return f"{n} {singular if n == 1 else plural}"


def cmd_report(args) -> Exit:
    from .store import VERSAND
    from .uptodate import current_outputs
    from .workbook import excel_lock

    versand = Path(args.outputs) / Path(args.workbook).stem / VERSAND
    had_versand = versand.is_dir()
    result = None
    if not args.force and (args.allow_open or excel_lock(Path(args.workbook)) is None):
        # Nothing changed since the last run: decided from the manifest, without reading the workbook.
        result = current_outputs(Path(args.workbook), Path(args.outputs), Path(args.templates), _config_file(args),
                                 wait=args.wait)
    if result is None:
        from .run import run

        display = _ProgressDisplay()
        try:
            result = run(_run_options(args), progress=display)
        finally:
            display.close()
    from .kinds import BUNDLE_KINDS, DOCUMENT_KINDS

    m = result.manifest
    kinds: dict[str, int] = {}
    for e in m.entries:
        kinds[e.kind] = kinds.get(e.kind, 0) + 1
    secs = zahl(result.seconds, 1)
    print(f"Fertig in {secs} s. Ausgaben: {result.folder}/")
    docs = ", ".join(_count(kinds.get(k.name, 0), k.label, k.plural) for k in DOCUMENT_KINDS)
    mappen = ", ".join(_count(kinds.get(k.name, 0), k.label, k.plural) for k in BUNDLE_KINDS)
    print(f"  Dokumente: {result.built} neu erzeugt, {result.reused} unverändert übernommen ({docs}) – Word und PDF/A")
    print(f"  Mappen: {result.bundles_built} neu erzeugt, {result.bundles_reused} unverändert ({mappen}), alle signiert")
    new = [Path(e.path).name for e in m.entries if not e.reused]
    if new:
        shown = ", ".join(new[:_LISTED]) + (f" und {len(new) - _LISTED} weitere" if len(new) > _LISTED else "")
        print(f"  Neu erzeugt: {shown}")
    print(f"  Übersicht aller Dateien: {result.folder}/manifest.json")
    if result.kept:
        print(f"  Nachträglich unterschrieben und gesichert (nichts geht verloren): "
              f"{', '.join(str(p) for p in result.kept)}")
    if had_versand and not versand.is_dir():
        print(f"  Der Ordner {versand}/ des letzten Versands wurde mit den Ausgaben ersetzt: vor dem Versenden "
              "»make versand« erneut ausführen.")
    if result.warnings:
        print(f"  {len(result.warnings)} Warnungen zur Arbeitsmappe (»make check« zeigt sie).")
    if result.demo_certificate:
        print("ACHTUNG: Signiert mit einem Demonstrationszertifikat, dem kein Empfänger vertraut. "
              "Für den Versand ein echtes Zertifikat einrichten (siehe README, Abschnitt »Signatur«).")
    return Exit.OK


def cmd_render(args) -> Exit:
    from . import render
    from .validate import load

    if not args.allow_open:
        from .workbook import require_closed

        require_closed(Path(args.workbook))
    data, _ = load(args.workbook)
    out = Path(args.outputs) / f"{Path(args.workbook).stem}-word"
    docs = render.render_all_atomic(data, Path(args.templates), out)
    print(f"{len(docs)} Word-Dokumente erzeugt in {out}/")
    return Exit.OK


def _megabytes(text: str) -> float:
    """Value of --max-anhang: a number of MB above 0; a German decimal comma is fine (7,5)."""
    try:
        value = float(text.replace(",", "."))
    except ValueError:
        value = 0.0
    if not 0 < value < float("inf"):
        raise argparse.ArgumentTypeError(f"erwartet eine Zahl größer als 0 (z. B. 10 oder 7,5), gefunden: »{text}«")
    return value


def cmd_versand(args) -> Exit:
    from .german import dateigroesse
    from .versand import DEFAULT_MAX_MB, ReportMissing, VersandOptions, run_versand

    try:
        result = run_versand(VersandOptions(
            workbook=Path(args.workbook), outputs=Path(args.outputs), templates=Path(args.templates),
            max_mb=args.max_anhang or DEFAULT_MAX_MB, wait=args.wait, allow_open=args.allow_open,
            sender=args.absender))
    except ReportMissing as exc:
        if args.traceback:
            raise
        print(f"Fehler: {exc}", file=sys.stderr)
        return Exit.USAGE
    missing, big = result.without_address, result.not_attached
    print(f"Versand vorbereitet in {result.folder}/")
    print(f"  {_count(len(result.plan.mailings), 'Ordner', 'Ordner')} (je Kommune einer), "
          f"{_count(len(result.drafts), 'E-Mail-Entwurf', 'E-Mail-Entwürfe')} (.eml)")
    print(f"  Ohne E-Mail-Adresse: {_count(len(missing), 'Kommune', 'Kommunen')}"
          + (f" ({', '.join(m.kommune.key for m in missing)}) – kein Entwurf, bitte auf anderem Weg versenden"
             if missing else ""))
    print(f"  Nicht angehängt (größer als {dateigroesse(result.plan.max_bytes)}): {_count(len(big), 'Datei', 'Dateien')}"
          + (" – die E-Mail nennt stattdessen den Ablageort" if big else ""))
    print(f"  Versandliste: {result.liste}")
    if result.warnings:
        print(f"  {len(result.warnings)} Warnungen zur Arbeitsmappe (»make check« zeigt sie).")
    if result.demo_certificate:
        print("ACHTUNG: Die Dokumente sind mit dem Demonstrationszertifikat signiert, dem kein Empfänger vertraut. "
              "Vor dem Versand ein echtes Zertifikat einrichten und »make report« erneut ausführen.")
    return Exit.OK


_HELP_DE = (
    ("usage: ", "Aufruf: "),
    ("positional arguments:", "Argumente:"),
    ("options:", "Optionen:"),
    ("show this help message and exit", "diese Hilfe zeigen und beenden"),
    ("show program's version number and exit", "Programmversion zeigen und beenden"),
)
"""argparse's own words in usage and help, and their German (the output is translated, argparse is not patched)."""

_ERRORS_DE = (
    (re.compile(r"the following arguments are required: (.*)", re.S), r"diese Angaben fehlen: \1"),
    (re.compile(r"unrecognized arguments: (.*)", re.S), r"unbekannte Angaben: \1"),
    (re.compile(r"argument (.+?): invalid choice: (.*) \(choose from (.*)\)", re.S),
     r"Angabe \1: unbekannter Befehl: \2 (möglich: \3)"),
    (re.compile(r"argument (.+?): expected one argument", re.S), r"Angabe \1: erwartet einen Wert"),
    (re.compile(r"argument (.+?): invalid \S+ value: (.*)", re.S), r"Angabe \1: ungültiger Wert: \2"),
    (re.compile(r"argument (.+?): (.*)", re.S), r"Angabe \1: \2"),
)
"""argparse's error messages and their German, first match wins."""


class GermanArgumentParser(argparse.ArgumentParser):
    """argparse with German usage, help and errors, through its public methods only."""

    def format_usage(self) -> str:
        return _german_help(super().format_usage())

    def format_help(self) -> str:
        return _german_help(super().format_help())

    def error(self, message: str):
        for pattern, german in _ERRORS_DE:
            if pattern.fullmatch(message):
                message = pattern.sub(german, message)
                break
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: Fehler: {message}\n")


def _german_help(text: str) -> str:
    for english, german in _HELP_DE:
        text = text.replace(english, german)
    return text


def build_parser() -> argparse.ArgumentParser:
    parser = GermanArgumentParser(prog="python -m pipeline", description="IKZ-Dokumente aus der Arbeitsmappe erzeugen.")
    parser.add_argument("--version", action="version", version=__version__)
    parser.add_argument("--traceback", action="store_true", help="bei Fehlern den Python-Traceback zeigen (für Entwickler)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="BEFEHL")

    p = sub.add_parser("check", help="Arbeitsmappe und Vorlagen prüfen")
    p.add_argument("workbook", nargs="?", default=DEFAULT_WORKBOOK, type=Path, metavar="ARBEITSMAPPE", help="Arbeitsmappe (.xlsx)")
    p.add_argument("--templates", default="templates", metavar="ORDNER", help="Ordner der Word-Vorlagen")
    p.add_argument("--alle", action="store_true", help="jede Warnung einzeln zeigen (sonst gleiche zusammengefasst)")
    p.set_defaults(func=cmd_check)

    for name, helptext in (("report", "alles erzeugen: Word, PDF/A, Mappen, Signaturen"),):
        p = sub.add_parser(name, help=helptext)
        p.add_argument("workbook", nargs="?", default=DEFAULT_WORKBOOK, type=Path, metavar="ARBEITSMAPPE", help="Arbeitsmappe (.xlsx)")
        p.add_argument("--outputs", default="outputs", help="Ausgabeordner")
        p.add_argument("--templates", default="templates", metavar="ORDNER", help="Ordner der Word-Vorlagen")
        p.add_argument("--state", default=".ikz", help="Ordner für Zwischenstände und das Demonstrationszertifikat")
        p.add_argument("--config", default="ikz-signatur.toml", help="Signatur-Konfiguration (TOML)")
        p.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1,
                       help="parallele Prozesse eines Laufs (Word, Signatur, Mappen; LibreOffice mit halb so vielen)")
        p.add_argument("--force", action="store_true", help="alles neu erzeugen, auch Unverändertes")
        p.add_argument("--wait", type=float, default=0.0, help="Sekunden, die auf einen anderen Lauf gewartet wird")
        p.add_argument("--trotz-sperrdatei", dest="allow_open", action="store_true",
                       help="auch erzeugen, wenn die Arbeitsmappe in Excel geöffnet ist (zuletzt gespeicherter Stand)")
        p.set_defaults(func=cmd_report)

    p = sub.add_parser("render", help="nur die Word-Dokumente erzeugen")
    p.add_argument("workbook", nargs="?", default=DEFAULT_WORKBOOK, type=Path, metavar="ARBEITSMAPPE", help="Arbeitsmappe (.xlsx)")
    p.add_argument("--outputs", default="outputs", help="Ausgabeordner")
    p.add_argument("--templates", default="templates", metavar="ORDNER", help="Ordner der Word-Vorlagen")
    p.add_argument("--trotz-sperrdatei", dest="allow_open", action="store_true",
                   help="auch erzeugen, wenn die Arbeitsmappe in Excel geöffnet ist (zuletzt gespeicherter Stand)")
    p.set_defaults(func=cmd_render)

    p = sub.add_parser("versand", help="je Kommune einen Ordner mit Mappe, Projektaufträgen und E-Mail-Entwurf anlegen")
    p.add_argument("workbook", nargs="?", default=DEFAULT_WORKBOOK, type=Path, metavar="ARBEITSMAPPE", help="Arbeitsmappe (.xlsx)")
    p.add_argument("--outputs", default="outputs", help="Ausgabeordner (der letzte »report« liegt darin)")
    p.add_argument("--templates", default="templates", metavar="ORDNER",
                   help="Ordner der Vorlagen (mit versand-anschreiben.txt)")
    p.add_argument("--max-anhang", type=_megabytes, metavar="MB",
                   help="größere Dateien werden nicht angehängt (Standard: 10 MB)")
    p.add_argument("--absender", metavar="ADRESSE",
                   help="Absender der E-Mail-Entwürfe, z. B. \"Marion Götz <m.goetz@raunheim.de>\" (ohne Angabe setzt "
                        "das E-Mail-Programm des Versendenden den Absender)")
    p.add_argument("--wait", type=float, default=0.0, help="Sekunden, die auf einen laufenden »report« gewartet wird")
    p.add_argument("--trotz-sperrdatei", dest="allow_open", action="store_true",
                   help="auch ausführen, wenn die Arbeitsmappe in Excel geöffnet ist (zuletzt gespeicherter Stand)")
    p.set_defaults(func=cmd_versand)

    _add_signature_parsers(sub)
    _add_workbook_parsers(sub)
    _add_web_parsers(sub)
    return parser


def _add_signature_parsers(sub) -> None:
    """`verify` and `ruecklauf`: the signatures of the issued documents and of the copies that came back."""
    p = sub.add_parser("verify", help="Signaturen von PDF-Dateien prüfen")
    p.add_argument("pdf", nargs="*", help="PDF-Dateien (ohne Angabe: alle PDFs in outputs/ laut manifest.json)")
    p.add_argument("--arbeitsmappe", type=Path, metavar="ARBEITSMAPPE",
                   help="nur die Ausgaben dieser Arbeitsmappe prüfen; Unterschriften zählen wie im Rücklauf")
    p.add_argument("--outputs", default="outputs", help="Ausgabeordner")
    p.add_argument("--vertrauen", action="append", type=Path, help="zusätzlicher Vertrauensanker (Zertifikat, PEM/DER)")
    p.add_argument("--config", default="ikz-signatur.toml", help="Signatur-Konfiguration (TOML)")
    p.add_argument("--state", default=".ikz", help="Ordner für das Demonstrationszertifikat")
    p.add_argument("--alle", action="store_true",
                   help="jedes Unterschriftsfeld einzeln zeigen, auch nicht mehr offene Projektaufträge")
    p.set_defaults(func=cmd_verify)

    p = sub.add_parser("ruecklauf", help="zurückgekommene, unterschriebene PDFs zuordnen und zählen")
    p.add_argument("ordner", metavar="ORDNER", help="Ordner mit den zurückgekommenen PDF-Dateien (beliebige Namen)")
    p.add_argument("workbook", nargs="?", default=DEFAULT_WORKBOOK, type=Path, metavar="ARBEITSMAPPE",
                   help="Arbeitsmappe (.xlsx)")
    p.add_argument("--outputs", default="outputs", help="Ausgabeordner")
    p.add_argument("--vertrauen", action="append", type=Path, help="zusätzlicher Vertrauensanker (Zertifikat, PEM/DER)")
    p.add_argument("--config", default="ikz-signatur.toml", help="Signatur-Konfiguration (TOML)")
    p.add_argument("--state", default=".ikz", help="Ordner für das Demonstrationszertifikat")
    p.add_argument("--arbeitsmappe-kopie", action="store_true",
                   help="eine Kopie der Arbeitsmappe mit ausgefülltem »Unterzeichnet am« anlegen (das Original bleibt)")
    p.add_argument("--alle", action="store_true",
                   help="auch die Dokumente zeigen, die nicht mehr zur Unterschrift offen sind")
    p.set_defaults(func=cmd_ruecklauf)


def _add_workbook_parsers(sub) -> None:
    """`neues-jahr` and `new-workbook`: workbooks to start from."""
    p = sub.add_parser("neues-jahr", help="Arbeitsmappe für das nächste Jahr aus der des Vorjahres anlegen")
    p.add_argument("vorjahr", type=Path, metavar="VORJAHR", help="Arbeitsmappe des Vorjahres (.xlsx), bleibt unverändert")
    p.add_argument("neu", type=Path, metavar="NEU", help="neue Arbeitsmappe (.xlsx), wird nie überschrieben")
    p.set_defaults(func=cmd_neues_jahr)

    p = sub.add_parser("new-workbook", help="leere Arbeitsmappe anlegen")
    p.add_argument("path", type=Path, help="Datei, die angelegt wird (.xlsx)")
    p.add_argument("--force", action="store_true", help="vorhandene Datei überschreiben")
    p.set_defaults(func=cmd_new_workbook)


def _add_web_parsers(sub) -> None:
    """`serve` (the web application) and `benutzer` (its users); kept in pipeline/web/server.py."""
    from .web.server import add_parsers

    add_parsers(sub)


def _quiet_libraries(show: bool) -> None:
    """No library log line reaches the terminal unless --traceback is given.

    pyHanko and others log warnings (with tracebacks) through `logging`, others
    through `warnings`; without a handler Python prints them to stderr.
    Everything a user needs is in our own messages.
    """
    import logging
    import warnings

    if show:
        logging.basicConfig(level=logging.WARNING, format="%(name)s: %(message)s")
    else:
        logging.getLogger().addHandler(logging.NullHandler())
        logging.getLogger().setLevel(logging.CRITICAL + 1)
        warnings.simplefilter("ignore")  # libraries' UserWarnings and the like: not for staff


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0) and Exit.USAGE
    _quiet_libraries(args.traceback)
    try:
        return int(args.func(args))
    except KeyboardInterrupt:
        print("Abgebrochen. Bisherige Ausgaben sind unverändert.", file=sys.stderr)
        return Exit.INTERRUPTED
    except Exception as exc:  # one readable account (errors.failure), no traceback
        if args.traceback:
            raise
        return _report_failure(failure(exc), args.command)


def _report_failure(f: Failure, command: str) -> Exit:
    """Print a failure as the command line shows it and return its exit status."""
    if f.problems:
        _print_problems(list(f.problems))
        print("Die Arbeitsmappe hat Fehler. Bitte die Zellen oben korrigieren, speichern und »make check« "
              "erneut ausführen." if command == "check" else f.message)
        return Exit.ERRORS
    if not f.expected:
        print(f"{f.message} Mit --traceback erneut aufrufen und die Ausgabe an die Entwickler geben.", file=sys.stderr)
        return Exit.FAILED
    print(f"Fehler: {f.message}", file=sys.stderr)
    return Exit.ERRORS if f.input_error else Exit.FAILED
