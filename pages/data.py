"""«Данные»: who you are and what you may see; for editors and administrators, adding files with a preview, the
history of files (withdraw, restore), which files are loaded, every refused or superseded row and warning, and
the report download; for administrators, the audit log."""
import streamlit as st

from kuban import paths
from kuban import texts as T
from kuban.app import fmt, ui, upload_ui

MAX_SHOWN = 5_000   # rows of the problem table drawn in the browser; the download has them all

ui.ensure_frame()
scope = ui.scope()
st.title(T.DATA_TITLE)
ui.access_summary()
if not scope.sees_load_report:     # the report holds files and rows of every municipality
    st.info(T.DATA_REPORT_EDITORS, icon=":material/lock:")
    st.stop()
st.markdown(T.DATA_INTRO)
if scope.is_admin:                 # server details: administrators only
    st.caption(fmt.md_format(T.DATA_FOLDER_TEXT, path=paths.data_dir()))

if scope.can_upload:               # editors and administrators who see the whole krai in full
    upload_ui.upload_section()
    upload_ui.history_section()

files = ui.run("load_files")
problems_all = ui.run("load_problems", {"kinds": []})
counts = problems_all["kind"].value_counts()
c = st.columns(5)
c[0].metric(T.DATA_FILES_COUNT, fmt.number((files["status"] == "loaded").sum()), border=True)
c[1].metric(T.DATA_ROWS, fmt.number(files["rows"].sum()), border=True)
c[2].metric(T.DATA_REFUSED, fmt.number(counts.get("refused_row", 0) + counts.get("refused_file", 0)), border=True)
c[3].metric(T.DATA_SUPERSEDED, fmt.number(counts.get("superseded", 0)), border=True)
c[4].metric(T.DATA_WARNINGS, fmt.number(counts.get("warning", 0)), border=True)

st.subheader(T.DATA_FILES)
shown_files = files.assign(table=files["table"].map(T.TABLE_LABELS), status=files["status"].map(T.STATUS_LABELS),
                           period_min=files["period_min"].map(fmt.date_ru), period_max=files["period_max"].map(fmt.date_ru))
st.dataframe(shown_files.rename(columns=T.COL), hide_index=True, width="stretch",
             column_config=ui.wide_columns(T.COL["file"], T.COL["reason"]))

st.subheader(T.DATA_PROBLEMS)
if problems_all.empty:
    st.success(T.DATA_NO_PROBLEMS)
    problems = problems_all
else:
    kinds = st.multiselect(T.DATA_KIND_FILTER, list(T.KIND_LABELS), format_func=T.KIND_LABELS.get, key="kinds",
                           placeholder=T.DATA_KIND_ALL)
    problems = ui.run("load_problems", {"kinds": kinds})
    head = problems.head(MAX_SHOWN)
    shown = head.assign(table=head["table"].map(T.TABLE_LABELS), kind=head["kind"].map(T.KIND_LABELS),
                        column=head["column"].fillna(""))
    st.dataframe(shown.rename(columns=T.COL), hide_index=True, width="stretch",
                 column_config=ui.wide_columns(T.COL["reason"]))
    if len(problems) > MAX_SHOWN:
        st.caption(T.DATA_SHOWN_FIRST.format(shown=fmt.number(MAX_SHOWN), total=fmt.number(len(problems))))

ui.downloads([(T.DL_PROBLEMS, "отчёт-о-загрузке", problems), (T.DL_FILES, "файлы", files)], None)

if scope.is_admin:
    st.subheader(T.AUDIT_HEADER)
    st.caption(T.AUDIT_NOTE)
    log = ui.audit_entries()
    shown = log.head(MAX_SHOWN).assign(action=log["action"].map(lambda a: T.AUDIT_ACTIONS.get(a, a)))
    if shown.empty:              # an empty st.dataframe says «empty» in English
        st.info(T.AUDIT_EMPTY)
    else:
        st.dataframe(shown.rename(columns=T.AUDIT_COLUMNS), hide_index=True, width="stretch")
    ui.downloads([(T.DL_AUDIT, "журнал-действий", log)], None)
