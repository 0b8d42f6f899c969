"""Transaction statements: BEGIN, COMMIT/END, ROLLBACK [TO], SAVEPOINT, RELEASE.

The connection carries them out, because they change its own transaction tracking (in_transaction,
the implicit BEGIN of legacy mode) exactly as SQLite's do.
"""
from __future__ import annotations

from ..exceptions import OperationalError, make_error
from .lexer import Token, unquote
from .params import ParamSpec
from .plan import Plan

VERBS = frozenset(("BEGIN", "COMMIT", "END", "ROLLBACK", "SAVEPOINT", "RELEASE"))
_BEGIN_MODES = ("DEFERRED", "IMMEDIATE", "EXCLUSIVE")


def plan(verb: str, tokens: list[Token], params: ParamSpec, version: int) -> Plan:
    words = [t.text.upper() if t.kind == "word" else t.text for t in tokens[1:]]
    if verb == "BEGIN":
        mode = words.pop(0) if words and words[0] in _BEGIN_MODES else "DEFERRED"
        if words and words[0] == "TRANSACTION":
            words.pop(0)
        if len(words) > 1:
            raise _near(tokens[-1])
        return Plan("BEGIN", params, tx="begin", tx_arg=mode, schema_version=version)
    if verb in ("COMMIT", "END"):
        if words and words[0] == "TRANSACTION":
            words.pop(0)
        if len(words) > 1:
            raise _near(tokens[-1])
        return Plan("COMMIT", params, tx="commit", schema_version=version)
    if verb == "ROLLBACK":
        if words and words[0] == "TRANSACTION":
            words.pop(0)
        if words and words[0] == "TO":
            words.pop(0)
            if words and words[0] == "SAVEPOINT":
                words.pop(0)
            if len(words) != 1:
                raise _near(tokens[-1])
            return Plan("ROLLBACK", params, tx="rollback_to", tx_arg=_name(tokens[-1]),
                        schema_version=version)
        if len(words) > 1:
            raise _near(tokens[-1])
        return Plan("ROLLBACK", params, tx="rollback", schema_version=version)
    if verb == "SAVEPOINT":
        if len(tokens) != 2:
            raise _near(tokens[-1] if len(tokens) > 2 else tokens[0])
        return Plan("SAVEPOINT", params, tx="savepoint", tx_arg=_name(tokens[1]),
                    schema_version=version)
    # RELEASE [SAVEPOINT] name
    rest = tokens[1:]
    if rest and rest[0].text.upper() == "SAVEPOINT" and len(rest) == 2:
        rest = rest[1:]
    if len(rest) != 1:
        raise _near(tokens[-1])
    return Plan("RELEASE", params, tx="release", tx_arg=_name(rest[0]), schema_version=version)


def _name(tok: Token) -> str:
    return unquote(tok.text)


def _near(tok: Token) -> OperationalError:
    return make_error(OperationalError, f'near "{tok.text}": syntax error')
