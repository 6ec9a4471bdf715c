"""What one signed-in user may see and do, as a plain value (no Streamlit, no files here).

A Scope is decided once per session (kuban/access/policy.py) and handed to the model layer, which applies
it where data is read: kuban/model/db.py shows a restricted scope every table with an `oktmo` column only
for the permitted municipalities, and kuban/model/queries.py refuses enterprise-level statements and hides
small cells for an aggregates-only scope. Pages never filter by access themselves.
"""
from __future__ import annotations

from dataclasses import dataclass

# Roles, weakest first. municipal: viewer of the listed municipalities; krai: viewer of the whole krai;
# editor: the whole krai, and may save cluster definitions (and upload, withdraw, restore data);
# admin: everything, including the load report's server details and the audit log.
MUNICIPAL, KRAI, EDITOR, ADMIN = "municipal", "krai", "editor", "admin"
ROLES = (MUNICIPAL, KRAI, EDITOR, ADMIN)
FULL, AGGREGATES = "full", "aggregates"      # detail: enterprise rows and names, or aggregates only

# How the user was recognised
LOCAL, OIDC, OPEN, CLI = "local", "oidc", "open", "cli"


@dataclass(frozen=True)
class Scope:
    user: str                                  # login, e-mail or subject; "" for the open local mode
    role: str
    munis: tuple[str, ...] | None = None       # permitted OKTMO codes, sorted; None = the whole krai
    detail: str = FULL
    source: str = LOCAL

    def __post_init__(self):
        if self.role not in ROLES:
            raise ValueError(f"unknown role {self.role!r}")
        if self.detail not in (FULL, AGGREGATES):
            raise ValueError(f"unknown detail {self.detail!r}")
        if self.munis is not None:
            object.__setattr__(self, "munis", tuple(sorted(set(self.munis))))

    @property
    def restricted(self) -> bool:
        """Only some municipalities (possibly none) may be seen."""
        return self.munis is not None

    @property
    def aggregates_only(self) -> bool:
        return self.detail == AGGREGATES

    @property
    def can_edit(self) -> bool:
        return self.role in (EDITOR, ADMIN)

    @property
    def can_upload(self) -> bool:
        """May add, withdraw and restore data files: an editor or administrator who sees the whole krai in full
        (an upload's preview shows the enterprise rows it supersedes, wherever they are)."""
        return self.can_edit and not self.restricted and not self.aggregates_only

    @property
    def is_admin(self) -> bool:
        return self.role == ADMIN

    @property
    def sees_load_report(self) -> bool:
        """Files and refused rows of the whole folder (they hold rows of every municipality)."""
        return self.can_edit and not self.restricted

    @property
    def key(self) -> str:
        """What the data seen depends on (users with equal keys see equal figures; a cache may share them)."""
        place = "*" if self.munis is None else ",".join(self.munis)
        return f"{place}|{self.detail}"

    def permits(self, oktmo: str | None) -> bool:
        return self.munis is None or oktmo in self.munis


def everything(user: str = "", source: str = OPEN) -> Scope:
    """The open local mode and the command line without --as: an administrator's view."""
    return Scope(user=user, role=ADMIN, munis=None, detail=FULL, source=source)
