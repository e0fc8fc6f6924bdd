"""The web application's state in one embedded SQLite database: users, sessions, audit log, uploads, runs.

The database lives in the data folder (`WebConfig.data`), which is never a cache: `make clean` and
deleting `.ikz/` leave it alone. Every connection uses WAL and a busy timeout, so two server
instances on the same folder can share it. Secrets are never stored: passwords as argon2 hashes,
session and setup tokens as their SHA-256.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import sqlite3
import threading
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE,
    role TEXT NOT NULL,
    password TEXT NOT NULL,
    locked INTEGER NOT NULL DEFAULT 0,
    created TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS sessions (
    token_sha TEXT PRIMARY KEY,
    user_id INTEGER REFERENCES users(id),
    csrf TEXT NOT NULL,
    created REAL NOT NULL,
    last_seen REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS setup_tokens (
    token_sha TEXT PRIMARY KEY,
    created REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS login_failures (
    key TEXT NOT NULL,
    at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS login_failures_key ON login_failures(key, at);
CREATE TABLE IF NOT EXISTS audit (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    user TEXT,
    address TEXT,
    action TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS uploads (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    target TEXT NOT NULL,
    name TEXT NOT NULL,
    stored TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    size INTEGER NOT NULL,
    user TEXT NOT NULL,
    at TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS checks (
    id INTEGER PRIMARY KEY,
    workbook TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    user TEXT NOT NULL,
    at TEXT NOT NULL,
    errors INTEGER NOT NULL,
    warnings INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY,
    workbook TEXT NOT NULL,
    user TEXT NOT NULL,
    started TEXT NOT NULL,
    finished TEXT,
    status TEXT NOT NULL,
    summary TEXT NOT NULL DEFAULT '',
    built TEXT NOT NULL DEFAULT ''
);
"""

ROLES = ("lesen", "bearbeiten", "verwalten")
"""Roles in increasing order: each includes the ones before it."""

ROLE_LABELS = {"lesen": "Lesen", "bearbeiten": "Bearbeiten", "verwalten": "Verwalten"}


def now_iso() -> str:
    return dt.datetime.now().astimezone().isoformat(timespec="seconds")


def token_sha(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class Database:
    """One SQLite file; a connection per thread."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        self._connection().executescript(SCHEMA)

    def _connection(self) -> sqlite3.Connection:
        con = getattr(self._local, "con", None)
        if con is None:
            con = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=True)
            con.row_factory = sqlite3.Row
            con.execute("PRAGMA journal_mode=WAL")
            con.execute("PRAGMA busy_timeout=30000")
            con.execute("PRAGMA foreign_keys=ON")
            self._local.con = con
        return con

    @contextlib.contextmanager
    def connect(self):
        """A transaction (BEGIN IMMEDIATE … COMMIT) on this thread's connection."""
        con = self._connection()
        con.execute("BEGIN IMMEDIATE")
        try:
            yield con
        except BaseException:
            con.execute("ROLLBACK")
            raise
        else:
            con.execute("COMMIT")

    def query(self, sql: str, params=()) -> list[sqlite3.Row]:
        return self._connection().execute(sql, params).fetchall()

    def one(self, sql: str, params=()) -> sqlite3.Row | None:
        return self._connection().execute(sql, params).fetchone()

    def execute(self, sql: str, params=()) -> int:
        with self.connect() as con:
            return con.execute(sql, params).lastrowid

    # -- users ----------------------------------------------------------------
    def count(self, sql: str, params=()) -> int:
        """The first column of the first row of a ``SELECT count(*) …``."""
        row = self._connection().execute(sql, params).fetchone()
        return int(row[0]) if row is not None else 0

    def user_count(self) -> int:
        return self.count("SELECT count(*) FROM users")

    def user(self, name: str) -> sqlite3.Row | None:
        return self.one("SELECT * FROM users WHERE name = ?", (name,))

    def user_by_id(self, user_id: int) -> sqlite3.Row | None:
        return self.one("SELECT * FROM users WHERE id = ?", (user_id,))

    def users(self) -> list[sqlite3.Row]:
        return self.query("SELECT * FROM users ORDER BY name")

    # -- audit ----------------------------------------------------------------
    def audit(self, user: str | None, address: str | None, action: str, detail: str = "") -> None:
        self.execute("INSERT INTO audit (at, user, address, action, detail) VALUES (?, ?, ?, ?, ?)",
                     (now_iso(), user, address, action, detail))
