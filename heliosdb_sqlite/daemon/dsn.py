"""Daemon DSNs: `postgresql://user:pw@host:port/db?sslmode=...&connect_timeout=...`.

`postgres://` and `heliosdb://` mean the same. The password comes from the DSN or PGPASSWORD; the
database defaults to `heliosdb` (a Nano server serves that one name), the user to `postgres`.
"""
from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from urllib.parse import parse_qs, unquote, urlsplit

from ..exceptions import OperationalError, make_error

SCHEMES = ("postgresql", "postgres", "heliosdb")
SSL_MODES = ("disable", "allow", "prefer", "require", "verify-ca", "verify-full")
DEFAULT_DATABASE = "heliosdb"


@dataclass(frozen=True)
class Dsn:
    host: str
    port: int
    user: str
    password: str | None
    database: str
    sslmode: str = "disable"
    connect_timeout: float | None = None
    application_name: str | None = None

    @property
    def where(self) -> str:
        return f"{self.host}:{self.port}"

    @property
    def pool_key(self) -> tuple:
        return (self.host, self.port, self.user, self.password, self.database, self.sslmode,
                self.application_name)


def _bad(dsn: str, why: str) -> OperationalError:
    shown = dsn
    parts = urlsplit(dsn) if "://" in dsn else None
    if parts is not None and parts.password:
        shown = dsn.replace(":" + parts.password + "@", ":***@", 1)
    return make_error(OperationalError, f"invalid daemon DSN {shown!r}: {why}", "SQLITE_CANTOPEN")


def parse(dsn: str) -> Dsn:
    if not isinstance(dsn, str) or "://" not in dsn:
        raise _bad(str(dsn), "expected postgresql://user:password@host:port/database")
    # every connect() parses its DSN: a request loop's one is parsed once (PGPASSWORD included,
    # since a DSN without a password takes it from there)
    return _parse(dsn, os.environ.get("PGPASSWORD"))


@functools.lru_cache(maxsize=64)
def _parse(dsn: str, env_password: str | None) -> Dsn:
    parts = urlsplit(dsn)
    if parts.scheme.lower() not in SCHEMES:
        raise _bad(dsn, f"the scheme must be one of {', '.join(SCHEMES)}, not {parts.scheme!r}")
    try:
        port = parts.port or 5432
    except ValueError:
        raise _bad(dsn, "the port is not a number from 0 to 65535") from None
    host = parts.hostname or "localhost"
    options = {k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
    unknown = set(options) - {"sslmode", "connect_timeout", "application_name"}
    if unknown:
        raise _bad(dsn, f"unknown option {sorted(unknown)[0]!r} (accepted: sslmode, "
                   "connect_timeout, application_name)")
    sslmode = options.get("sslmode", "disable")
    if sslmode not in SSL_MODES:
        raise _bad(dsn, f"sslmode must be one of {', '.join(SSL_MODES)}")
    timeout = options.get("connect_timeout")
    if timeout is not None:
        try:
            timeout = float(timeout)
        except ValueError:
            raise _bad(dsn, "connect_timeout must be a number of seconds") from None
        timeout = timeout if timeout > 0 else None
    password = unquote(parts.password) if parts.password is not None else env_password
    database = unquote(parts.path.lstrip("/")) or DEFAULT_DATABASE
    return Dsn(host=host, port=port, user=unquote(parts.username or "") or "postgres",
               password=password, database=database, sslmode=sslmode, connect_timeout=timeout,
               application_name=options.get("application_name"))
