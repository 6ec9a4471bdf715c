"""Cluster definitions: what a cluster is (OKVED codes and thresholds), checked, and saved as JSON files.

A saved definition is a file `<data folder>/clusters/NAME.json` (kuban/paths.py CLUSTERS_FOLDER; the loader
skips that folder and the data fingerprint ignores it: SETTINGS_FOLDERS). A file there may be anything (huge,
nested 100 000 levels deep, not JSON, a pipe, wrong types): `load()` refuses it with a Russian reason and
`saved()` never raises, so one bad file costs a warning, never the page. The reasons quote what the file
holds as plain text (`shown()`, `quoted()`); the page escapes them for Markdown.

The analysis of a definition is kuban/model/cluster.py; its display kuban/app/cluster_view.py and cluster_ui.py.
"""
from __future__ import annotations

import json
import math
import os
import re
import stat
import tempfile
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from kuban import paths
from kuban import texts as T

DEFAULT_CODES = ("26", "27", "28", "29", "30", "33")
CODE_RE = re.compile(r"^\d{2}(\.\d{1,2})?$")
NAME_RE = re.compile(r"^[\w][\w \-.,()«»№]*$", re.UNICODE)
NAME_MAX = 60
FILE_MAX_BYTES = 64 * 1024   # a definition is a few hundred bytes; anything much larger is not one
FILES_MAX = 200              # saved definitions read from the folder (by name); more are left out with a notice
QUOTED_MAX = 5               # values quoted in one message; «и ещё N» for the rest
QUOTED_CHARS = 40            # a quoted value longer than this is cut


class DefinitionError(ValueError):
    """A definition that cannot be used; the message is Russian and says what to fix."""


# --- The definition ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Definition:
    name: str = T.CLUSTER_DEFAULT_NAME
    codes: tuple[str, ...] = DEFAULT_CODES          # OKVED prefixes: division NN, group NN.N, class NN.NN
    lq_threshold: float = 1.25                      # specialised when LQ >= this
    min_enterprises: int = 3                        # fewer cluster enterprises in a municipality: «мало данных»
    min_employees: int = 100                        # fewer cluster employees in a municipality: «мало данных»
    anchor_large: bool = True                       # every large enterprise of the cluster is an anchor
    anchor_top_n: int = 5                           # ... and so are the N largest by shipments (0 = none)
    min_participants: int = 10                      # Decree 779: industrial participants, at least
    years_back: int = 3                             # LQ change: the same months this many years earlier

    def to_dict(self) -> dict:
        d = asdict(self)
        d["codes"] = list(self.codes)
        return d


# The format of a saved file: 1 adds the field "format" itself; format 0 (no field) reads the same way. A file of a
# newer format (saved by a newer dashboard) is reported, not guessed at.
FORMAT_VERSION = 1

# (field, kind, min, max) for validation; kind: float, int, bool
_FIELDS = (
    ("lq_threshold", float, 0.05, 20.0),
    ("min_enterprises", int, 1, 10_000),
    ("min_employees", int, 0, 10_000_000),
    ("anchor_large", bool, None, None),
    ("anchor_top_n", int, 0, 10_000),
    ("min_participants", int, 1, 100_000),
    ("years_back", int, 1, 20),
)


def field_range(name: str) -> tuple[float, float]:
    """The allowed (lowest, highest) value of a numeric field of a definition."""
    for key, _kind, lo, hi in _FIELDS:
        if key == name and lo is not None:
            return lo, hi
    raise KeyError(name)


def shown(value, limit: int = QUOTED_CHARS) -> str:
    """A value from a file or the user as a short one-line text for a message (cut with «…»); a file name
    that is not valid UTF-8 is shown with � in place of the bad bytes."""
    text = str(value).encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def quoted(values) -> str:
    """«a», «b», «c» и ещё 7 — the first few values, each `shown()`."""
    values = list(values)
    text = ", ".join(f"«{shown(v)}»" for v in values[:QUOTED_MAX])
    if len(values) > QUOTED_MAX:
        text += " " + T.MORE_ITEMS.format(n=len(values) - QUOTED_MAX)
    return text


def clean_codes(codes) -> tuple[tuple[str, ...], list[str]]:
    """Valid OKVED prefixes (sorted, unique, spaces removed) and the entries that are not one."""
    good, bad = set(), []
    for c in codes or ():
        text = re.sub(r"\s", "", str(c))
        (good.add(text) if CODE_RE.fullmatch(text) else bad.append(str(c)))
    return tuple(sorted(good)), bad


def from_dict(data, name: str | None = None) -> Definition:
    """A Definition from plain data (a JSON object); DefinitionError (Russian) when it is unusable."""
    if not isinstance(data, dict):
        raise DefinitionError(T.CLUSTER_ERR_NOT_OBJECT)
    version = data.get("format", 0)          # files saved before formats were versioned have none: format 0
    if isinstance(version, bool) or not isinstance(version, int) or version > FORMAT_VERSION:
        raise DefinitionError(T.CLUSTER_ERR_NEWER_FORMAT.format(version=shown(version), ours=FORMAT_VERSION))
    if "codes" not in data:
        raise DefinitionError(T.CLUSTER_ERR_NO_CODES)
    raw_codes = data["codes"]
    if not isinstance(raw_codes, list) or not all(isinstance(c, str) for c in raw_codes):
        raise DefinitionError(T.CLUSTER_ERR_CODES_TYPE)
    codes, bad = clean_codes(raw_codes)
    if bad:
        raise DefinitionError(T.CLUSTER_ERR_CODE.format(codes=quoted(bad)))
    if not codes:
        raise DefinitionError(T.CLUSTER_ERR_NO_CODES)
    values = {}
    for key, kind, lo, hi in _FIELDS:
        if key not in data:
            continue
        v = data[key]
        if kind is bool:
            if not isinstance(v, bool):
                raise DefinitionError(T.CLUSTER_ERR_BOOL.format(field=T.CLUSTER_FIELDS[key]))
        else:
            if isinstance(v, bool) or not isinstance(v, (int, float)) or (isinstance(v, float) and not math.isfinite(v)):
                raise DefinitionError(T.CLUSTER_ERR_NUMBER.format(field=T.CLUSTER_FIELDS[key], value=shown(v)))
            if kind is int:
                if float(v) != int(v):
                    raise DefinitionError(T.CLUSTER_ERR_INTEGER.format(field=T.CLUSTER_FIELDS[key], value=v))
                v = int(v)
            else:
                v = float(v)
            if not lo <= v <= hi:
                raise DefinitionError(T.CLUSTER_ERR_RANGE.format(field=T.CLUSTER_FIELDS[key], value=v,
                                                                 lo=lo, hi=hi))
        values[key] = v
    label = name if name is not None else data.get("name", T.CLUSTER_DEFAULT_NAME)
    if not isinstance(label, str) or not label.strip():
        label = T.CLUSTER_DEFAULT_NAME
    return Definition(name=label.strip(), codes=codes, **values)


# --- Saved definitions: <data>/clusters/NAME.json ----------------------------------------------

def folder(data_dir: Path | str) -> Path:
    return Path(data_dir) / paths.CLUSTERS_FOLDER


def check_name(name: str) -> str:
    """The name as a file stem, or DefinitionError: letters, digits, spaces and - . , ( ) « » №."""
    text = " ".join((name or "").split())
    if not text:
        raise DefinitionError(T.CLUSTER_ERR_NAME_EMPTY)
    if len(text) > NAME_MAX or not NAME_RE.fullmatch(text) or text.startswith(".") or text.endswith("."):
        raise DefinitionError(T.CLUSTER_ERR_NAME.format(name=text, n=NAME_MAX))
    return text


def save(data_dir: Path | str, definition: Definition, name: str | None = None) -> Path:
    """Write the definition as `<data>/clusters/NAME.json` (replacing one of that name); returns the path."""
    stem = check_name(name if name is not None else definition.name)
    target = folder(data_dir)
    target.mkdir(parents=True, exist_ok=True)
    data = {"format": FORMAT_VERSION, **replace(definition, name=stem).to_dict()}
    fd, tmp = tempfile.mkstemp(dir=target, prefix=".", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh, ensure_ascii=False, indent=2)
            fh.write("\n")
        os.replace(tmp, target / f"{stem}.json")
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target / f"{stem}.json"


def _read(path: Path) -> str:
    """The text of a saved definition: a regular file of at most FILE_MAX_BYTES in UTF-8 (else DefinitionError).

    Opened without blocking and checked on the open descriptor, so a pipe named *.json cannot hang the page
    and a file that grows while it is read is still cut at the limit."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    fd = os.open(path, flags)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise DefinitionError(T.CLUSTER_ERR_NOT_FILE)
        with os.fdopen(fd, "rb") as fh:
            fd = None
            raw = fh.read(FILE_MAX_BYTES + 1)
    finally:
        if fd is not None:
            os.close(fd)
    if len(raw) > FILE_MAX_BYTES:
        raise DefinitionError(T.CLUSTER_ERR_TOO_BIG.format(kb=FILE_MAX_BYTES // 1024))
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DefinitionError(T.CLUSTER_ERR_ENCODING) from None


def load(path: Path | str) -> Definition:
    """Read and validate one saved definition; DefinitionError names the file and the reason in Russian."""
    path = Path(path)
    where = shown(path.name, 80)
    try:
        text = _read(path)
    except DefinitionError as exc:
        raise DefinitionError(T.CLUSTER_ERR_FILE.format(file=where, reason=str(exc))) from None
    except OSError as exc:
        raise DefinitionError(T.CLUSTER_ERR_FILE.format(file=where, reason=shown(exc.strerror or exc, 120))) from None
    try:
        data = json.loads(text)
    except RecursionError:      # "[[[[…" nested deeper than Python's stack allows
        raise DefinitionError(T.CLUSTER_ERR_FILE.format(file=where, reason=T.CLUSTER_ERR_TOO_DEEP)) from None
    except ValueError as exc:
        line = getattr(exc, "lineno", None)
        reason = T.CLUSTER_ERR_JSON.format(line=line) if line else T.CLUSTER_ERR_JSON_NOLINE
        raise DefinitionError(T.CLUSTER_ERR_FILE.format(file=where, reason=reason)) from None
    try:
        return from_dict(data, name=shown(path.stem, NAME_MAX))
    except DefinitionError as exc:
        raise DefinitionError(T.CLUSTER_ERR_FILE.format(file=where, reason=str(exc))) from None
    except RecursionError:      # a deep value inside a field (str() or comparisons of it)
        raise DefinitionError(T.CLUSTER_ERR_FILE.format(file=where, reason=T.CLUSTER_ERR_TOO_DEEP)) from None


def saved(data_dir: Path | str) -> tuple[dict[str, Definition], list[str]]:
    """Every saved definition by name, and a Russian message for each file that could not be used.

    Never raises: an unreadable folder or file is one more message. At most FILES_MAX files are read."""
    found: dict[str, Definition] = {}
    errors: list[str] = []
    base = folder(data_dir)
    try:
        if not base.is_dir():
            return found, errors
        paths = sorted((p for p in base.iterdir() if p.suffix.lower() == ".json" and not p.name.startswith(".")),
                       key=lambda p: p.name.lower())
    except OSError as exc:
        return found, [T.CLUSTER_ERR_FOLDER.format(error=shown(exc.strerror or exc, 120))]
    if len(paths) > FILES_MAX:
        errors.append(T.CLUSTER_TOO_MANY.format(n=len(paths), shown=FILES_MAX))
        paths = paths[:FILES_MAX]
    for path in paths:
        try:
            d = load(path)
        except DefinitionError as exc:
            errors.append(str(exc))
            continue
        except Exception as exc:   # noqa: BLE001 - whatever a file holds, the page goes on
            errors.append(T.CLUSTER_ERR_FILE.format(file=shown(path.name, 80), reason=shown(type(exc).__name__)))
            continue
        found[d.name] = d
    return found, errors
