"""«Данные» for users who may upload (Scope.can_upload): add files with a preview, the history of every file,
withdraw and restore. The work is done by kuban/data/uploads.py (checking, storing, history) and
kuban/model/upload_preview.py (what a file would change); this module only lays it out."""
from __future__ import annotations

import pandas as pd
import streamlit as st
import streamlit.components.v2 as components_v2

from kuban import paths
from kuban import texts as T
from kuban.data import uploads
from kuban.data.contract import TABLES
from kuban.model.upload_preview import Preview, preview
from kuban.app import fmt, ui

SHOWN_ROWS = 200          # rows of each preview table drawn; the counts say how many there are
_STATE, _NONCE, _DONE = "_uploads", "_uploads_nonce", "_uploads_done"


def _files_state() -> dict:
    return st.session_state.setdefault(_STATE, {})


def _forget(file_id: str) -> None:
    item = _files_state().pop(file_id, None)
    if item and item.get("staged") is not None:
        item["staged"].discard()


def _reset_uploader() -> None:
    for file_id in list(_files_state()):
        _forget(file_id)
    st.session_state[_NONCE] = st.session_state.get(_NONCE, 0) + 1


def _staged(upload) -> dict:
    """The uploaded file copied aside and its table recognised, once per file (kept across reruns)."""
    state = _files_state()
    item = state.get(upload.file_id)
    if item is None:
        item = {"name": upload.name, "staged": None, "error": None, "recognised": None, "previews": {}}
        try:
            upload.seek(0)
            item["staged"] = uploads.stage(paths.data_dir(), upload.name, upload)
            try:
                item["recognised"] = uploads.recognise(item["staged"])
            except uploads.UploadRefused:
                item["recognised"] = None
        except uploads.UploadRefused as exc:
            item["error"] = str(exc)
        state[upload.file_id] = item
    return item


def _preview(item: dict, table: str) -> tuple[Preview | None, str | None]:
    db = ui.version()
    key = (table, db.fingerprint)
    if key not in item["previews"]:
        try:
            checked = uploads.check(paths.data_dir(), item["staged"], table)
            item["previews"] = {key: (preview(db, checked), None)}
        except uploads.UploadRefused as exc:
            item["previews"] = {key: (None, str(exc))}
    return item["previews"][key]


def _money_text(frame: pd.DataFrame, columns) -> pd.DataFrame:
    out = frame.copy()
    for c in columns:
        if c in out:
            out[c] = out[c].map(lambda x: fmt.number(x, 2))
    return out


def _value_frame(frame: pd.DataFrame, table: str) -> pd.DataFrame:
    """Typed values as users wrote them: dates as дд.мм.гггг (months as мм.гггг), numbers Russian-formatted."""
    spec = TABLES[table]
    out = frame.copy()
    for col in spec.columns:
        for name in (col.name, f"{col.name}_old", f"{col.name}_new"):
            if name not in out:
                continue
            if col.kind == "month":
                out[name] = out[name].map(lambda d: "—" if pd.isna(d) else pd.Timestamp(d).strftime("%m.%Y"))
            elif col.kind == "date":
                out[name] = out[name].map(fmt.date_ru)
            elif col.kind in ("number", "money", "integer"):
                out[name] = out[name].map(lambda x, d=(0 if col.kind == "integer" else 2): fmt.number(x, d))
    return out


def _headers(table: str) -> dict[str, str]:
    spec = TABLES[table]
    names = {c.name: c.ru for c in spec.columns}
    names["oktmo"] = names.pop("municipality", T.UPLOAD_COL_OKTMO) if table == "enterprises" else T.UPLOAD_COL_OKTMO
    out = {"_line": T.COL["line"], **names}
    for c, ru in list(names.items()):
        out[f"{c}_old"] = f"{ru} {T.UPLOAD_OLD}"
        out[f"{c}_new"] = f"{ru} {T.UPLOAD_NEW}"
    return out


def _show_preview(p: Preview) -> None:
    c = p.checked
    table = c.table
    cols = st.columns(4)
    cols[0].metric(T.UPLOAD_ROWS, fmt.number(len(c.rows)), border=True)
    cols[1].metric(T.UPLOAD_REFUSED_ROWS, fmt.number(c.refused_rows), border=True)
    cols[2].metric(T.UPLOAD_SUPERSEDES, fmt.number(len(p.superseded)), border=True)
    cols[3].metric(T.UPLOAD_NEW_KEYS, fmt.number(p.new_keys), border=True)
    if c.later_files:
        st.warning(fmt.md_format(T.UPLOAD_LATER_FILES, files=", ".join(c.later_files[:10])), icon=":material/sort:")
    warnings = p.checked.problems[p.checked.problems["kind"] == "warning"]
    headers = _headers(table)
    tabs = st.tabs([T.UPLOAD_TAB_TOTALS, T.UPLOAD_TAB_REFUSED, T.UPLOAD_TAB_SUPERSEDED, T.UPLOAD_TAB_ROWS])
    with tabs[0]:
        if p.totals.empty:
            st.caption(T.UPLOAD_NO_TOTALS)
        else:
            t = p.totals.assign(month=p.totals["month"].map(fmt.month),
                                **{k: p.totals[k].map(lambda x: fmt.number(x, 2)) for k in ("before", "after")},
                                change=p.totals["change"].map(lambda x: ("+" if x > 0 else "") + fmt.number(x, 2)))
            st.dataframe(t.rename(columns=T.UPLOAD_TOTALS_COLUMNS), hide_index=True, width="stretch")
    with tabs[1]:
        refused = c.problems[c.problems["kind"] == "refused_row"]
        if refused.empty:
            st.success(T.UPLOAD_NONE_REFUSED)
        else:
            st.dataframe(refused[["line", "column", "reason"]].head(SHOWN_ROWS).rename(columns=T.COL),
                         hide_index=True, width="stretch", column_config=ui.wide_columns(T.COL["reason"]))
            _shown_first(len(refused))
        if not warnings.empty:
            st.caption(T.UPLOAD_WARNINGS.format(n=fmt.number(len(warnings))))
            st.dataframe(warnings[["line", "column", "reason"]].head(SHOWN_ROWS).rename(columns=T.COL),
                         hide_index=True, width="stretch", column_config=ui.wide_columns(T.COL["reason"]))
    with tabs[2]:
        if p.superseded.empty:
            st.caption(T.UPLOAD_NONE_SUPERSEDED)
        else:
            st.dataframe(_value_frame(p.superseded.head(SHOWN_ROWS), table).rename(columns=headers),
                         hide_index=True, width="stretch")
            _shown_first(len(p.superseded))
    with tabs[3]:
        st.dataframe(_value_frame(c.rows.head(SHOWN_ROWS), table).rename(columns=headers), hide_index=True,
                     width="stretch")
        _shown_first(len(c.rows))


def _shown_first(total: int) -> None:
    if total > SHOWN_ROWS:
        st.caption(T.UPLOAD_SHOWN_FIRST.format(shown=fmt.number(SHOWN_ROWS), total=fmt.number(total)))


def _earlier_upload(table: str, original: str) -> str | None:
    """The file still in the data that an earlier upload of the same name stored (offered for replacing)."""
    state = uploads.status(paths.data_dir())
    for e in reversed(uploads.history(paths.data_dir())):
        if (e.get("action") == uploads.ACCEPTED and e.get("table") == table and e.get("original") == original
                and state.get(e["stored"]) in (uploads.ACCEPTED, uploads.RESTORED)
                and (paths.data_dir() / e["stored"]).is_file()):
            return e["stored"]
    return None


def _accept(file_id: str, p: Preview, replaces: str | None) -> None:
    s = ui.scope()
    try:
        entry = uploads.accept(paths.data_dir(), p.checked, s.user or T.OPEN_USER, replaces=replaces)
    except uploads.UploadRefused as exc:
        st.session_state[_DONE] = ("error", fmt.md(str(exc)))      # the reason may quote a file name
        return
    ui.audit("upload", what=entry["stored"], detail=T.AUDIT_UPLOAD_DETAIL.format(
        original=entry["original"], rows=entry["rows"], refused=entry["refused"]))
    if replaces:
        ui.audit("withdraw", what=replaces, detail=T.UPLOAD_REPLACED_BY.format(stored=entry["stored"]))
    st.session_state[_DONE] = ("success", fmt.md_format(T.UPLOAD_ACCEPTED, original=entry["original"],
                                                         stored=entry["stored"], rows=fmt.number(entry["rows"]),
                                                         word=fmt.plural(entry["rows"], *T.ROW_WORDS)))
    _dismiss(file_id)


def _cancel(file_id: str) -> None:
    _dismiss(file_id)
    st.session_state[_DONE] = ("info", T.UPLOAD_CANCELLED)


def _dismiss(file_id: str) -> None:
    """The file is handled (accepted or cancelled); once every file in the uploader is, the uploader is emptied."""
    _forget(file_id)
    dismissed = st.session_state.setdefault("_uploads_dismissed", set())
    dismissed.add(file_id)
    if set(st.session_state.get("_uploads_present", ())) <= dismissed:
        _reset_uploader()
        dismissed.clear()


# Streamlit 1.67 writes the uploader's words in English, with no option to change them. This script (program
# text; the words come as the component's data, never data from files) puts ours in their place, in the page's
# own DOM: shown, read aloud by screen readers and copied as Russian. It watches for the uploader being drawn
# again (a new file, a reset) and mends it each time.
_DROPZONE_JS = """
export default function (component) {
  const words = component.data;
  const mend = () => {
    for (const zone of document.querySelectorAll('[data-testid="stFileUploaderDropzone"]')) {
      const walker = document.createTreeWalker(zone, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const text = node.nodeValue.trim();
        const ours = /per file/.test(text) ? words.limit : words.exact[text];
        if (ours && node.nodeValue !== ours) node.nodeValue = ours;
      }
    }
  };
  mend();
  const watcher = new MutationObserver(mend);
  watcher.observe(document.body, { childList: true, subtree: true, characterData: true });
  return () => watcher.disconnect();
}
"""
_dropzone = components_v2.component("kuban_russian_dropzone", js=_DROPZONE_JS)


def _russian_dropzone() -> None:
    limit = T.UPLOAD_DROPZONE_LIMIT.format(limit=uploads.readers.size_text(uploads.max_upload_bytes()))
    _dropzone(data={"limit": limit, "exact": T.UPLOAD_DROPZONE_WORDS}, key="kuban_russian_dropzone",
              height=0)


def upload_section() -> None:
    _russian_dropzone()
    st.subheader(T.UPLOAD_HEADER)
    st.markdown(T.UPLOAD_INTRO.format(limit=fmt.md(uploads.readers.size_text(uploads.max_upload_bytes()))))
    if (done := st.session_state.pop(_DONE, None)):
        kind, text = done
        getattr(st, kind)(text, icon={"success": ":material/check_circle:", "info": ":material/undo:",
                                      "error": ":material/error:"}[kind])
    nonce = st.session_state.get(_NONCE, 0)
    files = st.file_uploader(T.UPLOAD_LABEL, accept_multiple_files=True, key=f"upload-{nonce}",
                             help=T.UPLOAD_HELP)
    dismissed = st.session_state.setdefault("_uploads_dismissed", set())
    present = {f.file_id for f in files or []}
    st.session_state["_uploads_present"] = present
    for file_id in [k for k in _files_state() if k not in present]:      # removed from the uploader
        _forget(file_id)
    for i, upload in enumerate(f for f in files or [] if f.file_id not in dismissed):
        item = _staged(upload)
        with st.container(border=True):
            st.markdown(fmt.md_format(T.UPLOAD_FILE_TITLE, name=upload.name))
            if item["error"]:
                st.error(fmt.md(item["error"]), icon=":material/block:")
                st.button(T.UPLOAD_CANCEL, key=f"upload-cancel-{upload.file_id}", on_click=_cancel,
                          args=(upload.file_id,))
                continue
            options = list(uploads.UPLOAD_TABLES)
            recognised = item["recognised"]
            table = st.selectbox(T.UPLOAD_TABLE_CHOICE, options, format_func=T.TABLE_LABELS.get,
                                 index=options.index(recognised) if recognised in options else None,
                                 key=f"upload-table-{upload.file_id}", placeholder=T.UPLOAD_TABLE_PLACEHOLDER,
                                 help=T.UPLOAD_TABLE_HELP)
            if recognised is None:
                st.info(T.UPLOAD_NOT_RECOGNISED, icon=":material/help:")
            if table is None:
                continue
            with st.spinner(T.UPLOAD_CHECKING):
                p, error = _preview(item, table)
            if p is None or p.checked.reason:
                st.error(fmt.md(error or p.checked.reason), icon=":material/block:")
                st.caption(T.UPLOAD_NOTHING_CHANGED)
                st.button(T.UPLOAD_CANCEL, key=f"upload-cancel-{upload.file_id}", on_click=_cancel,
                          args=(upload.file_id,))
                continue
            _show_preview(p)
            earlier = _earlier_upload(table, p.checked.staged.original)
            replace = None
            if earlier:
                if st.checkbox(fmt.md_format(T.UPLOAD_REPLACE, stored=earlier), value=True,
                               key=f"upload-replace-{upload.file_id}"):
                    replace = earlier
            st.caption(fmt.md_format(T.UPLOAD_WILL_STORE, stored=p.checked.stored_as))
            b = st.columns([1, 1, 4])
            b[0].button(T.UPLOAD_ACCEPT, type="primary", key=f"upload-accept-{upload.file_id}", on_click=_accept,
                        args=(upload.file_id, p, replace), icon=":material/check:")
            b[1].button(T.UPLOAD_CANCEL, key=f"upload-cancel-{upload.file_id}", on_click=_cancel,
                        args=(upload.file_id,), icon=":material/close:")


def _withdraw(stored: str) -> None:
    _move(uploads.withdraw, "withdraw", stored, T.HISTORY_WITHDRAWN_OK)


def _restore(stored: str) -> None:
    _move(uploads.restore, "restore", stored, T.HISTORY_RESTORED_OK)


def _move(action, audit_action: str, stored: str | None, ok: str) -> None:
    if not stored:
        return
    try:
        entry = action(paths.data_dir(), stored, ui.scope().user or T.OPEN_USER)
    except uploads.UploadRefused as exc:
        st.session_state["_history_done"] = ("error", str(exc))
        return
    ui.audit(audit_action, what=entry["stored"])
    st.session_state["_history_done"] = ("success", fmt.md_format(ok, stored=entry["stored"]))


def _when(text) -> str:
    """«06.12.2026 10:15» from the history's ISO time (as written, in the server's time zone)."""
    try:
        return pd.Timestamp(text).strftime("%d.%m.%Y %H:%M")
    except (ValueError, TypeError):
        return "—"


def history_section() -> None:
    """Every file added, replaced, withdrawn or restored; administrators see everyone's, editors their own."""
    s = ui.scope()
    st.subheader(T.HISTORY_HEADER)
    if (done := st.session_state.pop("_history_done", None)):
        kind, text = done
        getattr(st, kind)(fmt.md(text) if kind == "error" else text,
                          icon=":material/check_circle:" if kind == "success" else ":material/error:")
    entries = uploads.history(paths.data_dir())
    mine = entries if s.is_admin else [e for e in entries if e.get("user") == (s.user or T.OPEN_USER)]
    if not s.is_admin:
        st.caption(T.HISTORY_OWN_ONLY)
    state = uploads.status(paths.data_dir())
    if mine:
        frame = pd.DataFrame(list(reversed(mine)))
        for col in T.HISTORY_COLUMNS:
            if col not in frame:
                frame[col] = None
        frame = frame[list(T.HISTORY_COLUMNS)]
        frame["action"] = frame["action"].map(lambda a: T.HISTORY_ACTIONS.get(a, a))
        frame["table"] = frame["table"].map(lambda t: T.TABLE_LABELS.get(t, t))
        frame["time"] = frame["time"].map(_when)
        frame["now"] = frame["stored"].map(lambda x: T.HISTORY_NOW.get(state.get(x, ""), ""))
        frame["sha256"] = frame["sha256"].map(lambda x: x[:12] if isinstance(x, str) else "")
        st.dataframe(frame.rename(columns=T.HISTORY_COLUMNS), hide_index=True, width="stretch",
                     column_config=ui.wide_columns(T.HISTORY_COLUMNS["stored"]))
    else:
        st.caption(T.HISTORY_EMPTY)
    own = {e["stored"] for e in mine}
    present = [k for k, v in state.items() if v in (uploads.ACCEPTED, uploads.RESTORED) and k in own
               and (paths.data_dir() / k).is_file()]
    if s.is_admin:
        present = sorted(set(present) | set(uploads.untracked(paths.data_dir())))
    withdrawn = [k for k, v in state.items() if v in (uploads.WITHDRAWN, uploads.REPLACED) and k in own]
    c = st.columns(2)
    with c[0]:
        choice = st.selectbox(T.HISTORY_WITHDRAW_LABEL, present, index=None, key="history-withdraw",
                              placeholder=T.HISTORY_CHOOSE, help=T.HISTORY_WITHDRAW_HELP)
        st.button(T.HISTORY_WITHDRAW_BUTTON, key="history-withdraw-button", disabled=choice is None,
                  on_click=_withdraw, args=(choice,), icon=":material/archive:")
    with c[1]:
        back = st.selectbox(T.HISTORY_RESTORE_LABEL, withdrawn, index=None, key="history-restore",
                            placeholder=T.HISTORY_CHOOSE)
        st.button(T.HISTORY_RESTORE_BUTTON, key="history-restore-button", disabled=back is None,
                  on_click=_restore, args=(back,), icon=":material/unarchive:")
