"""Where things live: the project root, the shipped reference, the data folder."""
from __future__ import annotations

import os
from pathlib import Path

VERSION = "0.20.0"     # the program's; what it writes carries format versions of its own (store, backups, definitions)
ROOT = Path(__file__).resolve().parent.parent
PACKAGE = Path(__file__).resolve().parent
QUERIES = ROOT / "queries"
REFERENCE = PACKAGE / "reference"
REFERENCE_MUNICIPALITIES = REFERENCE / "municipalities.csv"
REFERENCE_DIVISIONS = REFERENCE / "okved_divisions.csv"
DEFAULT_DATA = ROOT / "data"
# Folders of a data folder that hold settings, not table rows: saved cluster definitions, and who may
# sign in and see what (kuban/access/: users, the access file, the audit log). Loading
# (kuban/data/ingest.py) neither reports them nor reloads the tables when they change.
CLUSTERS_FOLDER = "clusters"
ACCESS_FOLDER = "access"
SETTINGS_FOLDERS = frozenset({CLUSTERS_FOLDER, ACCESS_FOLDER})


def data_dir() -> Path:
    """The data folder: $KUBAN_DATA_DIR, else data/ in the project."""
    return Path(os.environ.get("KUBAN_DATA_DIR") or DEFAULT_DATA).expanduser().resolve()
