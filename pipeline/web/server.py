"""`python -m pipeline serve` and `python -m pipeline benutzer …`: start the web application, manage users."""

from __future__ import annotations

import errno
import getpass
import socket
import sys
from pathlib import Path

from .config import MB, WebConfig, is_loopback


def config_from_args(args) -> WebConfig:
    return WebConfig(
        root=Path(args.ordner), data_name=args.daten, host=args.host, port=args.port,
        tls_cert=Path(args.tls_zertifikat) if args.tls_zertifikat else None,
        tls_key=Path(args.tls_schluessel) if args.tls_schluessel else None,
        behind_proxy=args.hinter_proxy, proxies=tuple(args.proxy or ()), sso_header=args.sso_header,
        max_workbook=int(args.max_arbeitsmappe * MB), max_pdf=int(args.max_pdf * MB),
        max_template=int(args.max_vorlage * MB), jobs=max(1, args.jobs))


def serve(args) -> int:
    """Start the server; 2 for a refused configuration, 3 when the port cannot be had."""
    config = config_from_args(args)
    if not is_loopback(config.host) and not config.secure:
        print(f"Fehler: Auf »{config.host}« (nicht nur auf diesem Rechner erreichbar) startet die Anwendung nur mit "
              "TLS: entweder --tls-zertifikat und --tls-schluessel angeben, oder mit --hinter-proxy erklären, dass "
              "ein Reverse Proxy davor TLS übernimmt (docs/BETRIEB.md).", file=sys.stderr)
        return 2
    if (config.tls_cert is None) != (config.tls_key is None):
        print("Fehler: Für TLS braucht es beides: --tls-zertifikat und --tls-schluessel.", file=sys.stderr)
        return 2
    if config.sso_header and not config.proxies:
        print("Fehler: Single Sign-on (--sso-header) gilt nur für Anfragen vom Reverse Proxy: bitte dessen "
              "Adresse mit --proxy angeben.", file=sys.stderr)
        return 2
    if not (config.root / "templates").is_dir():
        print(f"Fehler: Im Ordner »{config.root}« gibt es keinen Ordner »templates«. Die Anwendung im Ordner des "
              "Programms starten oder ihn mit --ordner angeben.", file=sys.stderr)
        return 2
    try:
        probe = socket.create_server((config.host, config.port), reuse_port=False)
        probe.close()
    except OSError as exc:
        why = "ist schon belegt (läuft die Anwendung schon?)" if exc.errno == errno.EADDRINUSE else f"geht nicht ({exc.strerror})"
        print(f"Fehler: Der Port {config.port} auf {config.host} {why}. Einen anderen mit --port wählen.",
              file=sys.stderr)
        return 3

    import uvicorn

    from . import auth
    from .application import create_app

    app = create_app(config)
    office = app.state.office
    scheme = "https" if config.tls_cert or config.behind_proxy else "http"
    host = f"[{config.host}]" if ":" in config.host else config.host
    base = f"{scheme}://{host}:{config.port}"
    token = auth.setup_token(office.db)
    print(f"Daten (Benutzer, Verlauf, hochgeladene Versionen): {config.data}/", flush=True)
    if token:
        print(f"Es gibt noch keinen Benutzer. Ersten Benutzer anlegen (Rolle Verwalten, der Link gilt einmal): "
              f"{base}/einrichten/{token}", flush=True)
    print(f"IKZ-Geschäftsstelle im Browser: {base}/  (beenden mit Strg+C)", flush=True)
    server = uvicorn.Server(uvicorn.Config(
        app, host=config.host, port=config.port, log_config=None, log_level="critical", access_log=False,
        server_header=False, date_header=True, proxy_headers=config.behind_proxy,
        forwarded_allow_ips=",".join(config.proxies) or None,
        ssl_certfile=str(config.tls_cert) if config.tls_cert else None,
        ssl_keyfile=str(config.tls_key) if config.tls_key else None, timeout_graceful_shutdown=5))
    server.run()
    print("Die Anwendung ist beendet.", flush=True)
    return 0


# -- benutzer -------------------------------------------------------------------------

def _password(prompt: str) -> str:
    if sys.stdin.isatty():
        first = getpass.getpass(f"{prompt}: ")
        if getpass.getpass("Noch einmal: ") != first:
            raise SystemExit("Fehler: Die beiden Passwörter stimmen nicht überein; nichts wurde verändert.")
        return first
    return sys.stdin.readline().rstrip("\r\n")


def benutzer(args) -> int:
    from . import auth
    from .db import ROLE_LABELS, Database

    db = Database(Path(args.ordner) / args.daten / "ikz-web.sqlite3")
    try:
        if args.aktion == "liste":
            for row in db.users():
                print(f"{row['name']}: {ROLE_LABELS[row['role']]}{' (gesperrt)' if row['locked'] else ''}")
            return 0
        if args.aktion == "anlegen":
            user = auth.create_user(db, args.name, args.rolle, _password(f"Passwort für {args.name}"))
            db.audit("(Kommandozeile)", None, "Benutzer angelegt", f"{user.name} ({user.role})")
            print(f"Benutzer »{user.name}« mit der Rolle {ROLE_LABELS[user.role]} angelegt.")
        elif args.aktion == "passwort":
            auth.set_password(db, args.name, _password(f"Neues Passwort für {args.name}"))
            db.audit("(Kommandozeile)", None, "Benutzer geändert", f"{args.name}: Passwort neu gesetzt")
            print(f"Passwort von »{args.name}« neu gesetzt (der Benutzer ist entsperrt, seine Sitzungen sind beendet).")
        elif args.aktion in ("sperren", "entsperren"):
            auth.set_locked(db, args.name, args.aktion == "sperren")
            db.audit("(Kommandozeile)", None, "Benutzer geändert", f"{args.name}: {args.aktion}")
            print(f"Benutzer »{args.name}« {'gesperrt (seine Sitzungen sind beendet)' if args.aktion == 'sperren' else 'entsperrt'}.")
    except auth.AuthError as exc:
        print(f"Fehler: {exc}", file=sys.stderr)
        return 1
    return 0


def add_parsers(sub) -> None:
    """The `serve` and `benutzer` subcommands (called at the end of cli.build_parser)."""
    import os

    p = sub.add_parser("serve", help="die Web-Anwendung starten (Browser)")
    p.add_argument("--host", default="127.0.0.1", help="Adresse (Standard: 127.0.0.1, nur dieser Rechner)")
    p.add_argument("--port", type=int, default=8000, help="Port (Standard: 8000)")
    p.add_argument("--ordner", default=".", help="Ordner des Programms (mit inputs/, templates/, outputs/)")
    p.add_argument("--daten", default="daten", metavar="NAME",
                   help="Datenordner darin: Benutzer, Verlauf, hochgeladene Versionen (nie ein Zwischenspeicher)")
    p.add_argument("--tls-zertifikat", metavar="PEM", help="TLS-Zertifikat (HTTPS direkt)")
    p.add_argument("--tls-schluessel", metavar="PEM", help="privater Schlüssel zum TLS-Zertifikat")
    p.add_argument("--hinter-proxy", action="store_true", help="ein Reverse Proxy davor übernimmt TLS")
    p.add_argument("--proxy", action="append", metavar="ADRESSE", help="Adresse des Reverse Proxys (mehrfach möglich)")
    p.add_argument("--sso-header", metavar="NAME", help="Kopfzeile, in der der Proxy den angemeldeten Benutzer nennt")
    p.add_argument("--max-arbeitsmappe", type=float, default=20, metavar="MB", help="größte Arbeitsmappe (20 MB)")
    p.add_argument("--max-pdf", type=float, default=50, metavar="MB", help="größte PDF-Datei (50 MB)")
    p.add_argument("--max-vorlage", type=float, default=20, metavar="MB", help="größte Vorlage (20 MB)")
    p.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1, help="parallele Prozesse eines Laufs")
    p.set_defaults(func=serve)

    p = sub.add_parser("benutzer", help="Benutzer der Web-Anwendung verwalten")
    p.add_argument("--ordner", default=".", help="Ordner des Programms")
    p.add_argument("--daten", default="daten", metavar="NAME", help="Datenordner darin")
    acts = p.add_subparsers(dest="aktion", required=True, metavar="AKTION")
    a = acts.add_parser("anlegen", help="Benutzer anlegen (fragt das Passwort)")
    a.add_argument("name", metavar="NAME")
    a.add_argument("--rolle", required=True, choices=["lesen", "bearbeiten", "verwalten"])
    for name, helptext in (("passwort", "Passwort neu setzen (fragt das Passwort)"), ("sperren", "Benutzer sperren"),
                           ("entsperren", "Benutzer entsperren")):
        a = acts.add_parser(name, help=helptext)
        a.add_argument("name", metavar="NAME")
    acts.add_parser("liste", help="alle Benutzer zeigen")
    p.set_defaults(func=benutzer)
