"""`python -m kuban report PAGE [--mo NAME ...] [--okved CODE ...] [--from YYYY-MM] [--to YYYY-MM] [--format docx|html] --out FILE`:
the «Справка» of an analytic page from the command line, the same document as its «Справка (Word)» /
«Справка (HTML)» buttons.

The real page runs in Streamlit's AppTest (as the page tests run it), with the filters as URL parameters exactly as
a copied link would carry them (`mo` names, `from`/`to` as the sidebar shows months); the page records what it
draws into `st.session_state["_brief"]` (kuban/app/brief.py), and that record becomes the document
(kuban/app/brief_docx.py with the pictures of kuban/app/brief_images.py, or kuban/app/brief_html.py). The file is
written under a temporary name beside FILE and renamed, so FILE is never half-written.

Whose view: the whole krai as an administrator (as `sql` without --as), or with `--as USER` what the access file
gives USER (their municipalities; only aggregates when their entry says so). Every document made is recorded in
the audit log like a download from the dashboard. Exit 0: written; 2: the data folder cannot be used; 3: anything
else (one Russian line on stderr).
"""
from __future__ import annotations

import argparse
import difflib
import os
import re
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path

from kuban import paths
from kuban import texts as T

PAGES = ("overview", "shipments", "production", "loans", "subsidies", "cluster")
FORMATS = ("docx", "html")
RUN_TIMEOUT_S = 300          # one run of the page in AppTest (reached only when something is wrong)
_MONTH = re.compile(r"(\d{4})-(\d{2})")


class ReportFailed(Exception):
    """One Russian line; `code` is the exit code (2: the data folder cannot be used, else 3)."""

    def __init__(self, message: str, code: int = 3):
        super().__init__(message[:1].upper() + message[1:])    # some texts are fragments of other messages
        self.code = code


def _month(text: str) -> str:
    """A month argument as YYYY-MM (argparse type)."""
    m = _MONTH.fullmatch(text.strip())
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise argparse.ArgumentTypeError(T.CLI_REPORT_BAD_MONTH.format(value=text))
    return f"{m.group(1)}-{m.group(2)}"


def add_parser(sub) -> None:
    r = sub.add_parser("report", help="write the «Справка» of a page (Word or HTML), as its buttons do",
                       description="Run the page with these filters and write its «Справка»: the filter in words, "
                                   "the last month of data, the headline figures, every chart, the main table and "
                                   "the method notes. PAGE: overview, shipments, production, loans, subsidies, "
                                   "cluster (or the page's Russian title).")
    r.add_argument("page", metavar="PAGE", help="overview | shipments | production | loans | subsidies | cluster")
    r.add_argument("--mo", nargs="+", action="extend", default=[], metavar="NAME",
                   help="municipalities (names in any common spelling, or OKTMO codes); default: the whole krai")
    r.add_argument("--okved", nargs="+", action="extend", default=[], metavar="CODE",
                   help="OKVED divisions (two digits, e.g. 10 28); default: all")
    r.add_argument("--from", dest="date_from", type=_month, default=None, metavar="YYYY-MM",
                   help="first month (default: as the dashboard, the last 12 months with data)")
    r.add_argument("--to", dest="date_to", type=_month, default=None, metavar="YYYY-MM", help="last month")
    r.add_argument("--format", choices=FORMATS, default=None,
                   help="docx (Word, charts as pictures) or html (one file, interactive charts); "
                        "default: by the extension of --out, else docx")
    r.add_argument("--out", type=Path, required=True, metavar="FILE", help="the file to write (replaced if there)")
    r.add_argument("--data-dir", type=Path, default=None)
    r.add_argument("--as", dest="as_user", default=None, metavar="USER",
                   help="as this user may see it (the access file's rule for their login or e-mail)")


# --- Arguments against the data ---------------------------------------------------------------------------

def page_of(text: str) -> str:
    """The page's URL path from its path, navigation title or page title, in any case (ё = е)."""
    from kuban.app import brief, routes
    nav = {"overview": T.PAGE_OVERVIEW, "shipments": T.PAGE_SHIPMENTS, "production": T.PAGE_PRODUCTION,
           "loans": T.PAGE_LOANS, "subsidies": T.PAGE_SUBSIDIES, "cluster": T.PAGE_CLUSTER}
    names = {}
    for page in PAGES:
        for name in (page, nav[page], brief.PAGE_TITLES.get(page, "")):
            if name:
                names.setdefault(routes.key(name), page)
    wanted = routes.key(text)
    if wanted in names:
        return names[wanted]
    close = difflib.get_close_matches(wanted, list(names), n=1, cutoff=0.6)
    hint = T.CLI_REPORT_CLOSEST.format(page=names[close[0]]) if close else ""
    raise ReportFailed(T.CLI_REPORT_UNKNOWN_PAGE.format(page=text, pages=", ".join(PAGES)) + hint)


def _scope(folder: Path, db, user: str | None):
    """The administrator's view (`user` None), or what the access file gives `user`."""
    from kuban.access.scope import CLI, everything
    from kuban.tools.as_user import NoScope, scope_as
    from kuban.tools.files_cli import who
    if user is None:
        return everything(user=who(), source=CLI)
    try:
        return scope_as(folder, db, user)
    except NoScope as exc:
        raise ReportFailed(str(exc)) from None


def _municipalities(db, scope, wanted: list[str], user: str | None) -> list[str]:
    """The names the sidebar shows for `wanted` (any spelling, or OKTMO codes), in order, without repeats."""
    from kuban.data.parse import MunicipalityMatcher
    table = db.result.tables["municipalities"]
    matcher = MunicipalityMatcher(table)
    names = []
    for text in wanted:
        oktmo = matcher.match_one(text)
        if oktmo is None:
            raise ReportFailed(T.USERS_MUNI_UNKNOWN.format(name=text, closest=", ".join(matcher.closest(text)) or "—"))
        if not scope.permits(oktmo):
            raise ReportFailed(T.CLI_REPORT_MUNI_NOT_PERMITTED.format(user=user, name=matcher.names[oktmo]))
        if matcher.names[oktmo] not in names:
            names.append(matcher.names[oktmo])
    return names


def _divisions(scoped, wanted: list[str]) -> list[str]:
    """The divisions as the sidebar shows them («28 Производство машин…»), checked against its options (the
    divisions of section C)."""
    from kuban.app import fmt
    from kuban.model import queries
    divisions = queries.run(scoped, "division_list", {})
    names = dict(zip(divisions["division"], divisions["name"]))
    labels = []
    for code in (w.strip() for w in wanted):
        if code not in names:
            raise ReportFailed(T.CLI_REPORT_UNKNOWN_DIVISION.format(code=code, codes=", ".join(sorted(names)) or "—"))
        if (label := fmt.division_label(code, names[code])) not in labels:
            labels.append(label)
    return labels


def _months(scoped, date_from: str | None, date_to: str | None) -> tuple[str | None, str | None]:
    """The months as the sidebar shows them («март 2025»), checked against the months with data."""
    import pandas as pd

    from kuban.app import fmt
    from kuban.model import queries
    bounds = queries.run(scoped, "period_bounds", {}).iloc[0]
    if pd.isna(bounds["last_period"]):
        raise ReportFailed(T.CLI_REPORT_NO_MONTHS)
    first, last = pd.Timestamp(bounds["first_period"]), pd.Timestamp(bounds["last_period"])
    if date_from and date_to and date_from > date_to:
        raise ReportFailed(T.CLI_REPORT_PERIOD_REVERSED.format(first=date_from, last=date_to))
    shown = []
    for value in (date_from, date_to):
        if value is None:
            shown.append(None)
            continue
        month = pd.Timestamp(value + "-01")
        if not first <= month <= last:
            raise ReportFailed(T.CLI_REPORT_MONTH_OUTSIDE.format(month=value, first=f"{first:%Y-%m}",
                                                                 last=f"{last:%Y-%m}"))
        shown.append(fmt.month(month))
    return shown[0], shown[1]


# --- The page in AppTest ----------------------------------------------------------------------------------

@contextmanager
def _session_scope(scope):
    """dashboard.py decides the session's scope with kuban.app.signin.scope(): for this run it is `scope`."""
    from kuban.app import signin
    original = signin.scope
    signin.scope = lambda data_dir, municipalities: scope
    try:
        yield
    finally:
        signin.scope = original


@contextmanager
def _quiet_streamlit():
    """Streamlit's own log lines (e.g. «missing ScriptRunContext») stay off the terminal."""
    import logging

    import streamlit.testing.v1  # noqa: F401 - its loggers exist from here on
    names = [n for n in list(logging.root.manager.loggerDict)
             if n.split(".")[0] in ("streamlit", "kaleido", "choreographer")]
    loggers = [logging.getLogger(n) for n in ("streamlit", *names)]
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.setLevel(logging.ERROR)
    try:
        yield
    finally:
        for lg, level in zip(loggers, levels):
            lg.setLevel(level)


def run_page(folder: Path, page: str, scope, query: dict):
    """Run dashboard.py on `folder`, open `page` with the URL parameters `query`; the Brief it recorded."""
    from streamlit import config
    from streamlit.testing.v1 import AppTest

    from kuban.app import brief, fmt
    os.environ["KUBAN_DATA_DIR"] = str(folder)
    config.set_option("server.address", "127.0.0.1")
    with _quiet_streamlit(), _session_scope(scope):
        at = AppTest.from_file(str(paths.ROOT / "dashboard.py"), default_timeout=RUN_TIMEOUT_S)
        for key, value in query.items():
            at.query_params[key] = value
        at.run()
        if page != "overview":
            at.switch_page(f"pages/{page}.py").run()
    title = brief.PAGE_TITLES.get(page, page)
    problems = [str(e.value) for e in at.exception] + [brief.plain(str(e.value)) for e in at.error]
    dropped = [brief.plain(str(w.value)) for w in at.warning
               if str(w.value).startswith(T.URL_FILTERS_DROPPED.split("{")[0])]
    if problems or dropped:
        raise ReportFailed(T.CLI_REPORT_PAGE_FAILED.format(page=title, error=(problems + dropped)[0]))
    b = at.session_state["_brief"] if "_brief" in at.session_state else None
    if b is None or getattr(b, "page", None) != page:
        raise ReportFailed(T.CLI_REPORT_PAGE_FAILED.format(page=title, error=T.CLI_REPORT_NOTHING_RECORDED))
    f = at.session_state["_filters"] if "_filters" in at.session_state else None
    return b, (fmt.file_label(f) if f is not None else T.FILE_ALL)


# --- The document -----------------------------------------------------------------------------------------

def document(b, form: str) -> tuple[bytes, bool]:
    """The document's bytes, built as the page's button builds it; and False when a Word document had to be made
    without its pictures (no Chromium: kuban/app/brief_images.py)."""
    if form == "html":
        from kuban.app import brief_html
        return brief_html.to_html(b), True
    import io
    import zipfile

    from kuban.app import brief_docx
    data = brief_docx.build(b)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        pictures = any(n.startswith("word/media/") for n in z.namelist())
    return data, pictures or not b.figures


def write_atomically(out: Path, data: bytes) -> None:
    """`data` into `out`: a temporary file beside it, flushed, then renamed over it."""
    folder = out.parent if str(out.parent) else Path(".")
    if not folder.is_dir():
        raise ReportFailed(T.CLI_REPORT_NO_OUT_FOLDER.format(folder=folder))
    if out.is_dir():
        raise ReportFailed(T.CLI_REPORT_OUT_IS_FOLDER.format(file=out))
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, out)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise ReportFailed(T.CLI_REPORT_WRITE_FAILED.format(file=out, error=exc.strerror or exc)) from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def run(args) -> int:
    from kuban.access import audit
    from kuban.model.db import DataSource
    from kuban.tools.files_cli import who
    page = page_of(args.page)
    form = args.format or ("html" if args.out.suffix.lower() in (".html", ".htm") else "docx")
    folder = Path(args.data_dir or paths.data_dir()).expanduser().resolve()
    if not folder.is_dir():
        raise ReportFailed(T.CLI_NO_FOLDER.format(folder=folder), code=2)
    db = DataSource(folder).get()   # the data version the store holds, else built now (the page then opens it)
    try:
        scope = _scope(folder, db, args.as_user)
        names = _municipalities(db, scope, args.mo, args.as_user)
        date_from, date_to = _months(db.for_scope(scope), args.date_from, args.date_to)
        divisions = _divisions(db.for_scope(scope), args.okved)
    finally:
        db.close()
    if form == "docx":
        from kuban.app import brief_images
        brief_images.warm()         # Chromium starts while the page runs
    query = {k: v for k, v in (("mo", names), ("okved", divisions), ("from", date_from), ("to", date_to)) if v}
    b, label = run_page(folder, page, scope, query)
    data, with_pictures = document(b, form)
    write_atomically(args.out, data)
    audit.record(folder, who(), "download", what=_audit_what(b), filter=label,
                 detail=form + (f" --as {args.as_user}" if args.as_user else ""))
    if not with_pictures:
        print(T.CLI_REPORT_NO_PICTURES, file=sys.stderr)
    print(T.CLI_REPORT_WRITTEN.format(title=b.title, file=args.out, figures=len(b.figures), tables=len(b.tables)))
    return 0


def _audit_what(b) -> str:
    from kuban.app import brief
    return brief.audit_what(b)
