"""Who sees what: the access file `<data folder>/access/access.toml`, and how a user's Scope is decided.

    # A user of the local list or of single sign-on (login, or the e-mail the provider gives)
    [users."ivanova"]
    role = "municipal"                       # municipal | krai | editor | admin
    municipalities = ["Кореновский район"]   # municipal only: names in any common spelling, or OKTMO codes
    detail = "aggregates"                    # optional: aggregates only, small cells hidden (default "full")

    # A group: its members by login or e-mail, and/or the provider's `groups` claim naming it
    [groups."minprom"]
    role = "krai"
    members = ["petrov", "sidorova@krasnodar.ru"]

Roles are in kuban/access/scope.py. A user's own `[users]` entry decides alone (one with a mistake gives them
nothing, not their groups' permissions instead); otherwise every group the user is in counts, and their
permissions add up (the strongest role, the municipalities of all, full detail if the groups giving it reach
every municipality seen — so no two groups together show enterprises where neither does). Nobody is let in
by default: a user named nowhere, an entry with a mistake (an unknown role or municipality, a municipal role
without municipalities), and everybody while the file cannot be read, get no data; administrators see the
reasons on «Данные». Russian role names (мо, край, редактор, администратор) are accepted too.
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from kuban import paths
from kuban import texts as T
from kuban.access import files
from kuban.access.scope import ADMIN, AGGREGATES, EDITOR, FULL, KRAI, MUNICIPAL, ROLES, Scope
from kuban.data.cluster_definitions import shown
from kuban.data.parse import MunicipalityMatcher

FILE = "access.toml"
MAX_BYTES = 1024 * 1024
ROLE_ALIASES = {"мо": MUNICIPAL, "муниципальный": MUNICIPAL, "край": KRAI, "редактор": EDITOR,
                "администратор": ADMIN, "админ": ADMIN}
DETAIL_ALIASES = {"сводные": AGGREGATES, "полные": FULL}
_RANK = {r: i for i, r in enumerate(ROLES)}


class AccessError(ValueError):
    """The access file as a whole cannot be used (Russian message)."""


@dataclass(frozen=True)
class Grant:
    """One entry of the access file, checked."""
    role: str
    munis: tuple[str, ...] | None
    detail: str


@dataclass
class Policy:
    users: dict[str, Grant] = field(default_factory=dict)
    groups: dict[str, Grant] = field(default_factory=dict)
    members: dict[str, set[str]] = field(default_factory=dict)    # identity -> group names
    void: set[str] = field(default_factory=set)                     # users whose own entry has a mistake
    problems: list[str] = field(default_factory=list)              # entries that give nothing, and why
    error: str | None = None                                        # the file as a whole is unusable

    def decide(self, identities, groups=(), source: str = "local") -> Scope | None:
        """The scope of a user known by any of `identities` (login, e-mail; compared in lower case) and in the
        provider's `groups`; None when the access file gives them nothing."""
        if self.error is not None:
            return None
        identities = [identities] if isinstance(identities, str) else identities or ()
        groups = [groups] if isinstance(groups, str) else groups or ()
        ids = [str(i).strip().lower() for i in identities if i]
        ids = [i for i in ids if i]
        for i in ids:
            if i in self.users:
                g = self.users[i]
                return Scope(user=ids[0], role=g.role, munis=g.munis, detail=g.detail, source=source)
            if i in self.void:
                return None
        names = {str(n).strip().lower() for n in groups}
        for i in ids:
            names |= self.members.get(i, set())
        grants = [self.groups[n] for n in sorted(names) if n in self.groups]
        if not ids or not grants:
            return None
        role = max((g.role for g in grants), key=_RANK.get)
        munis = None
        if role == MUNICIPAL:
            munis = tuple(sorted({m for g in grants if g.role == MUNICIPAL for m in g.munis or ()}))
        # Full detail only where a grant gives it: those grants must reach every municipality seen.
        full = [g for g in grants if g.detail == FULL]
        reach = None if any(g.munis is None for g in full) else {m for g in full for m in g.munis}
        detail = FULL if full and (reach is None or (munis is not None and reach >= set(munis))) else AGGREGATES
        return Scope(user=ids[0], role=role, munis=munis, detail=detail, source=source)


def path(data_dir: Path | str) -> Path:
    return Path(data_dir) / paths.ACCESS_FOLDER / FILE


def _grant(where: str, entry, matcher: MunicipalityMatcher, problems: list[str]) -> Grant | None:
    if not isinstance(entry, dict):
        problems.append(T.ACCESS_NOT_TABLE.format(where=where))
        return None
    role = ROLE_ALIASES.get(str(entry.get("role", "")).strip().lower(), str(entry.get("role", "")).strip().lower())
    if role not in ROLES:
        problems.append(T.ACCESS_BAD_ROLE.format(where=where, role=shown(entry.get("role", ""))))
        return None
    detail = str(entry.get("detail", FULL)).strip().lower()
    detail = DETAIL_ALIASES.get(detail, detail)
    if detail not in (FULL, AGGREGATES) or (detail == AGGREGATES and role not in (MUNICIPAL, KRAI)):
        problems.append(T.ACCESS_BAD_DETAIL.format(where=where, detail=shown(entry.get("detail"))))
        return None
    munis = None
    if role == MUNICIPAL:
        names = entry.get("municipalities")
        if isinstance(names, str):
            names = [names]
        if not isinstance(names, list) or not names:
            problems.append(T.ACCESS_NO_MUNIS.format(where=where))
            return None
        found, unknown = [], []
        for n in names:
            code = matcher.match_one(str(n))
            (found.append(code) if code else unknown.append(str(n)))
        if unknown:     # one misspelt name must not silently narrow (or widen) what a user sees
            problems.append(T.ACCESS_UNKNOWN_MUNI.format(
                where=where, names=", ".join(f"«{shown(u)}»" for u in unknown[:5]),
                closest=", ".join(matcher.closest(unknown[0]))))
            return None
        munis = tuple(sorted(set(found)))
    elif "municipalities" in entry:
        problems.append(T.ACCESS_MUNIS_IGNORED.format(where=where, role=role))
    return Grant(role, munis, detail)


def parse(text: str, municipalities: pd.DataFrame) -> Policy:
    """The policy of an access file's text, checked against the municipalities of the data."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        return Policy(error=T.ACCESS_UNREADABLE.format(error=T.ACCESS_BAD_TOML.format(error=shown(e, 200))))
    except RecursionError:      # arrays or tables nested thousands deep
        return Policy(error=T.ACCESS_UNREADABLE.format(error=T.ACCESS_BAD_TOML.format(error="…")))
    matcher = MunicipalityMatcher(municipalities)
    policy = Policy()
    for section in data:
        if section not in ("users", "groups"):
            policy.problems.append(T.ACCESS_UNKNOWN_SECTION.format(section=shown(section)))
    for kind in ("users", "groups"):
        entries = data.get(kind, {})
        if not isinstance(entries, dict):
            policy.problems.append(T.ACCESS_NOT_TABLE.format(where=kind))
            continue
        seen: set[str] = set()
        for name, entry in entries.items():
            key = str(name).strip().lower()
            where = f"[{kind}.{shown(name, 60)}]"
            if key in seen:     # «IVANOVA» and «ivanova» are one user: which entry counts must not be a guess
                policy.problems.append(T.ACCESS_DUPLICATE.format(where=where))
                (policy.users if kind == "users" else policy.groups).pop(key, None)
                if kind == "users":
                    policy.void.add(key)
                continue
            seen.add(key)
            grant = _grant(where, entry, matcher, policy.problems)
            if grant is None:
                if kind == "users":
                    policy.void.add(key)
                continue
            (policy.users if kind == "users" else policy.groups)[key] = grant
            if kind == "groups":
                members = entry.get("members", [])
                members = [members] if isinstance(members, str) else members
                if not isinstance(members, list):
                    policy.problems.append(T.ACCESS_BAD_MEMBERS.format(where=where))
                    continue
                for m in members:
                    policy.members.setdefault(str(m).strip().lower(), set()).add(key)
    return policy


def load(data_dir: Path | str, municipalities: pd.DataFrame) -> Policy:
    """The access file of a data folder; a Policy with `error` (nobody gets data) if it cannot be read, and an
    empty one (nobody named) if there is none."""
    try:
        raw = files.read_small(path(data_dir), MAX_BYTES)
    except files.SmallFileError as e:
        return Policy(error=T.ACCESS_UNREADABLE.format(error=e))
    if raw is None:
        return Policy()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return Policy(error=T.ACCESS_UNREADABLE.format(error=T.ACCESS_NOT_UTF8))
    return parse(text, municipalities)
