"""Users, passwords (argon2), sessions, CSRF tokens, login throttling, the first user's setup link."""

from __future__ import annotations

import hmac
import secrets
import time
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from .db import ROLES, Database, now_iso, token_sha

SESSION_IDLE_S = 8 * 3600
"""A session ends after this many seconds without a request."""

SETUP_TOKEN_S = 24 * 3600
"""The first user's link is valid this long (a restart prints a new one while there is no user)."""

FAILURE_WINDOW_S = 15 * 60
MAX_FAILURES = 5
"""After this many failed logins within the window for one user name from one address, that name is refused there."""
MAX_FAILURES_ADDRESS = 30
"""After this many failed logins within the window from one address (any names), every login from it is refused."""

MIN_PASSWORD = 10

_hasher = PasswordHasher()


class AuthError(Exception):
    """A German message for the person at the form."""


@dataclass(frozen=True)
class User:
    id: int
    name: str
    role: str

    def may(self, role: str) -> bool:
        return ROLES.index(self.role) >= ROLES.index(role)


@dataclass(frozen=True)
class Session:
    token: str  # only ever in the cookie; the database has its SHA-256
    csrf: str
    user: User | None


def check_name(name: str) -> str:
    name = (name or "").strip()
    if not (2 <= len(name) <= 64) or not all(c.isalnum() or c in "._-@" for c in name):
        raise AuthError("Der Benutzername muss 2 bis 64 Zeichen lang sein: Buchstaben, Ziffern, Punkt, "
                        "Bindestrich, Unterstrich oder @.")
    return name


def check_role(role: str) -> str:
    role = (role or "").strip().lower()
    if role not in ROLES:
        raise AuthError("Unbekannte Rolle. Erlaubt: lesen, bearbeiten, verwalten.")
    return role


def check_password(password: str) -> str:
    if len(password or "") < MIN_PASSWORD:
        raise AuthError(f"Das Passwort muss mindestens {MIN_PASSWORD} Zeichen lang sein.")
    return password


def create_user(db: Database, name: str, role: str, password: str) -> User:
    name, role = check_name(name), check_role(role)
    check_password(password)
    if db.user(name) is not None:
        raise AuthError(f"Den Benutzer »{name}« gibt es schon.")
    uid = db.execute("INSERT INTO users (name, role, password, created) VALUES (?, ?, ?, ?)",
                     (name, role, _hasher.hash(password), now_iso()))
    return User(uid, name, role)


def set_password(db: Database, name: str, password: str) -> None:
    row = db.user(name)
    if row is None:
        raise AuthError(f"Den Benutzer »{name}« gibt es nicht.")
    check_password(password)
    with db.connect() as con:
        con.execute("UPDATE users SET password = ?, locked = 0 WHERE id = ?", (_hasher.hash(password), row["id"]))
        con.execute("DELETE FROM sessions WHERE user_id = ?", (row["id"],))


def set_locked(db: Database, name: str, locked: bool) -> None:
    row = db.user(name)
    if row is None:
        raise AuthError(f"Den Benutzer »{name}« gibt es nicht.")
    with db.connect() as con:
        con.execute("UPDATE users SET locked = ? WHERE id = ?", (1 if locked else 0, row["id"]))
        if locked:
            con.execute("DELETE FROM sessions WHERE user_id = ?", (row["id"],))


def set_role(db: Database, name: str, role: str) -> None:
    role = check_role(role)
    row = db.user(name)
    if row is None:
        raise AuthError(f"Den Benutzer »{name}« gibt es nicht.")
    db.execute("UPDATE users SET role = ? WHERE id = ?", (role, row["id"]))


# -- login --------------------------------------------------------------------

def _failure_keys(name: str, address: str) -> list[str]:
    return [f"name:{name.strip().lower()}@{address}", f"addr:{address}"]


def throttled(db: Database, name: str, address: str) -> bool:
    since = time.time() - FAILURE_WINDOW_S
    for key, limit in zip(_failure_keys(name, address), (MAX_FAILURES, MAX_FAILURES_ADDRESS)):
        n = db.count("SELECT count(*) FROM login_failures WHERE key = ? AND at > ?", (key, since))
        if n >= limit:
            return True
    return False


def authenticate(db: Database, name: str, password: str, address: str) -> User:
    """The user for name and password; AuthError (German) otherwise. Failures are counted."""
    if throttled(db, name, address):
        raise AuthError("Zu viele fehlgeschlagene Anmeldungen. Die Anmeldung ist für 15 Minuten gesperrt; "
                        "bitte später erneut versuchen oder die Verwaltung fragen.")
    row = db.user((name or "").strip())
    ok = False
    if row is not None:
        try:
            ok = _hasher.verify(row["password"], password or "")
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            ok = False
    else:
        _hasher.hash(password or "")  # the same time for an unknown name
    if row is None or not ok or row["locked"]:
        with db.connect() as con:
            for key in _failure_keys(name or "", address):
                con.execute("INSERT INTO login_failures (key, at) VALUES (?, ?)", (key, time.time()))
            con.execute("DELETE FROM login_failures WHERE at < ?", (time.time() - FAILURE_WINDOW_S,))
        if ok and row is not None and row["locked"]:
            raise AuthError("Dieser Benutzer ist gesperrt. Bitte die Verwaltung fragen.")
        raise AuthError("Benutzername oder Passwort ist falsch.")
    if _hasher.check_needs_rehash(row["password"]):
        db.execute("UPDATE users SET password = ? WHERE id = ?", (_hasher.hash(password), row["id"]))
    with db.connect() as con:
        for key in _failure_keys(name, address)[:1]:
            con.execute("DELETE FROM login_failures WHERE key = ?", (key,))
    return User(row["id"], row["name"], row["role"])


# -- sessions -----------------------------------------------------------------

def new_session(db: Database, user: User | None) -> Session:
    """A fresh session (a new token at every login: no session fixation)."""
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    now = time.time()
    with db.connect() as con:
        con.execute("INSERT INTO sessions (token_sha, user_id, csrf, created, last_seen) VALUES (?, ?, ?, ?, ?)",
                    (token_sha(token), user.id if user else None, csrf, now, now))
        con.execute("DELETE FROM sessions WHERE last_seen < ?", (now - SESSION_IDLE_S,))
    return Session(token, csrf, user)


def load_session(db: Database, token: str | None) -> Session | None:
    if not token or len(token) > 100:
        return None
    row = db.one("SELECT * FROM sessions WHERE token_sha = ?", (token_sha(token),))
    now = time.time()
    if row is None or row["last_seen"] < now - SESSION_IDLE_S:
        return None
    user = None
    if row["user_id"] is not None:
        u = db.user_by_id(row["user_id"])
        if u is None or u["locked"]:
            return None
        user = User(u["id"], u["name"], u["role"])
    if now - row["last_seen"] > 30:
        db.execute("UPDATE sessions SET last_seen = ? WHERE token_sha = ?", (now, row["token_sha"]))
    return Session(token, row["csrf"], user)


def end_session(db: Database, token: str) -> None:
    db.execute("DELETE FROM sessions WHERE token_sha = ?", (token_sha(token),))


def csrf_ok(session: Session | None, sent: object) -> bool:
    """The token sent with a form is this session's (compared in constant time)."""
    return session is not None and isinstance(sent, str) and bool(sent) and hmac.compare_digest(session.csrf, sent)


# -- the first user -----------------------------------------------------------

def setup_token(db: Database) -> str | None:
    """A new one-time token for creating the first user, or None when there is a user already."""
    if db.user_count():
        return None
    token = secrets.token_urlsafe(32)
    with db.connect() as con:
        con.execute("DELETE FROM setup_tokens")
        con.execute("INSERT INTO setup_tokens (token_sha, created) VALUES (?, ?)", (token_sha(token), time.time()))
    return token


def setup_valid(db: Database, token: str) -> bool:
    if db.user_count() or not token or len(token) > 100:
        return False
    row = db.one("SELECT * FROM setup_tokens WHERE token_sha = ?", (token_sha(token),))
    return row is not None and row["created"] > time.time() - SETUP_TOKEN_S


def create_first_user(db: Database, token: str, name: str, password: str) -> User:
    """The first user, role Verwalten; only with the valid setup token, and only while there is no user."""
    name = check_name(name)
    check_password(password)
    with db.connect() as con:
        if con.execute("SELECT count(*) FROM users").fetchone()[0]:
            raise AuthError("Es gibt schon einen Benutzer; dieser Link gilt nicht mehr.")
        row = con.execute("SELECT created FROM setup_tokens WHERE token_sha = ?", (token_sha(token),)).fetchone()
        if row is None or row[0] < time.time() - SETUP_TOKEN_S:
            raise AuthError("Dieser Link ist ungültig oder abgelaufen. Den Server neu starten: er zeigt einen neuen.")
        uid = con.execute("INSERT INTO users (name, role, password, created) VALUES (?, 'verwalten', ?, ?)",
                          (name, _hasher.hash(password), now_iso())).lastrowid
        con.execute("DELETE FROM setup_tokens")
    return User(uid, name, "verwalten")
