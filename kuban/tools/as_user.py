"""`--as USER` of the command line: the scope the access file gives a user, as the dashboard decides it for their
login or e-mail (`sql --as`, `report --as`)."""
from __future__ import annotations

from pathlib import Path

from kuban import texts as T
from kuban.access import policy
from kuban.access.scope import CLI, Scope


class NoScope(Exception):
    """The access file cannot be read, or gives the user nothing (Russian message)."""


def scope_as(folder: Path, db, user: str) -> Scope:
    pol = policy.load(folder, db.result.tables["municipalities"])
    if pol.error:
        raise NoScope(pol.error)
    s = pol.decide([user], source=CLI)
    if s is None:
        raise NoScope(T.CLI_AS_NO_ACCESS.format(user=user))
    return s
