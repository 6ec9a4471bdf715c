"""Every text a user sees, in one place (Russian), so a second language can come later.

Templates use str.format fields. Identifiers stay English; values are Russian.
"""
from __future__ import annotations

APP_TITLE = "Промышленность Кубани"

# --- Loading: reasons a row or a file is refused, superseded or warned about ---
R = {
    # file level
    "file_empty": "файл пуст: нет ни заголовка, ни строк",
    "file_binary": "файл не является таблицей (CSV, Excel или Parquet): в нём двоичные данные",
    "file_encoding": "не удалось определить кодировку файла: сохраните его в UTF-8 или Windows-1251",
    "file_unreadable": "файл не удалось прочитать как таблицу: {error}",
    "file_no_header": "в первой строке нет заголовков столбцов этой таблицы",
    "file_missing_columns": "нет обязательных столбцов: {columns}; файл не загружен",
    "file_duplicate_column": "столбец «{column}» встречается в заголовке дважды; файл не загружен",
    # Uploads (kuban/data/uploads.py): a file refused here changes nothing in the data folder.
    "upload_name_empty": "у файла нет имени",
    "upload_name_path": "имя файла «{name}» содержит путь к папке — передайте файл с простым именем",
    "upload_name_odd": "имя файла «{name}» содержит недопустимые символы — переименуйте его (буквы, цифры, пробел, «-», «_», «.»)",
    "upload_name_long": "имя файла длиннее {limit} знаков — сократите его",
    "upload_too_big": "файл больше допустимого размера ({limit})",
    "upload_empty": "файл пустой",
    "upload_table_unknown": "по заголовкам не удалось понять, к какой таблице относится файл — выберите её сами ({tables})",
    "upload_table_not_allowed": "в таблицу «{table}» файлы не добавляются",
    "upload_duplicate": "точно такой же файл уже есть в данных: {file}",
    "upload_busy": "не удалось подобрать свободное имя для файла — попробуйте ещё раз",
    "upload_not_found": "в данных нет файла «{file}»",
    "upload_ambiguous": "файлов с именем «{file}» несколько — укажите путь: {files}",
    "upload_not_withdrawn": "файл «{file}» не отозван — восстанавливать нечего",
    "upload_archive_missing": "отозванного файла «{file}» нет в архиве",
    "upload_restore_taken": "на месте файла «{file}» уже лежит другой файл — восстановление не выполнено",
    "file_unsupported": "файл пропущен: формат «{ext}» не поддерживается (нужен CSV, Excel или Parquet)",
    "file_too_big": "файл больше допустимого размера ({limit}): не загружен; разбейте его на части по месяцам",
    "file_unpacked_too_big": "после распаковки данные файла больше допустимого размера ({limit}): не загружен",
    "file_header_too_long": "строка заголовка длиннее 1 МБ: файл не загружен",
    "file_too_many_columns": "в заголовке {count} столбцов, допустимо не больше {limit}: файл не загружен",
    "file_nested_column": "столбец «{column}» имеет тип {type}, который не читается (нужны числа, даты или текст): файл не загружен",
    "file_mixed_encoding": "кодировка меняется внутри файла (строка {utf8} в UTF-8, строка {cp1251} в Windows-1251): "
                           "файл не загружен — сохраните его целиком в одной кодировке",
    "file_error": "файл не удалось обработать ({type}: {error}): не загружен, остальные файлы загружены",
    "file_changing": "файл менялся во время чтения: не загружен, он будет прочитан снова при следующем обновлении",
    "file_vanished": "файл удалён во время чтения: пропущен",
    "file_not_regular": "«{file}» — не обычный файл (канал, устройство или папка-ссылка): пропущен",
    "file_link_outside": "«{file}» — ссылка за пределы папки данных: пропущена",
    # Excel workbooks (kuban/data/excel.py) and recognising a file by its content (readers.sniff)
    "excel_corrupt": "книга Excel повреждена и не читается ({error}): файл не загружен — откройте её в Excel и сохраните заново",
    "excel_encrypted": "книга Excel защищена паролем: файл не загружен — снимите пароль (Файл → Сведения → Защитить книгу) и сохраните книгу заново",
    "excel_zip_not_workbook": "файл — архив ZIP, но не книга Excel (в нём нет листов книги): не загружен",
    "excel_ole_not_workbook": "файл в двоичном формате Microsoft Office, но не книга Excel: не загружен",
    "excel_ods": "таблица OpenDocument (.ods) не загружается: сохраните её в Excel или LibreOffice как книгу Excel (.xlsx) или CSV",
    "excel_xlsb": "двоичная книга Excel (.xlsb) не загружается: сохраните её как книгу Excel (.xlsx) или CSV",
    "excel_unpacked_too_big": "книга Excel распаковывается в {size} при размере файла {file} — больше допустимого ({limit}): "
                              "не загружена (так устроены «ZIP-бомбы»)",
    "excel_zip_lies": "книга Excel повреждена: часть «{part}» распаковывается не в тот размер, что записан в архиве "
                      "(так устроены «ZIP-бомбы»): не загружена",
    "excel_sheet_too_big": "лист «{sheet}» занимает {rows} строк × {cols} столбцов — больше {limit} ячеек: файл не загружен; "
                           "уберите оформление далеко за данными или разбейте лист на части",
    "excel_no_sheet": "в книге нет листа с данными таблицы «{table}» (листы: {sheets}): файл не загружен — "
                      "назовите нужный лист «{table}» или дайте ему заголовки столбцов этой таблицы",
    "excel_error_cell": "в ячейке ошибка Excel «{value}»: строка не загружена — исправьте формулу или впишите значение",
    "excel_more_sheets": "и ещё {count}",
    "excel_stray_cells": ("заполнены ячейки правее последнего столбца заголовка ({cells}): строка не загружена — "
                          "у них нет заголовка; удалите лишнее или подпишите столбец"),
    "folder_error": "папку данных не удалось загрузить ({error}): показаны пустые таблицы",
    "folder_unknown": "папка «{folder}» не относится ни к одной таблице и пропущена",
    "file_outside_table": "файл «{file}» лежит вне папок таблиц и пропущен",
    # header level
    "unknown_column": "столбец «{column}» не предусмотрен форматом данных и пропущен",
    # row level
    "line_too_long": "строка длиннее 1 МБ: не разобрана",
    "cell_too_long": "значение длиннее 100 КБ: строка не загружена",
    "implausible_money": "сумма {value} неправдоподобно велика (больше 10¹⁵ руб.)",
    "implausible_headcount": "численность {value} неправдоподобно велика (больше 1 000 000 чел.)",
    "not_finite": "«{value}» — не конечное число",
    "implausible_month": "месяц «{value}» вне допустимого периода ({first} — {last})",
    "implausible_date": "дата «{value}» вне допустимого периода ({first} — {last})",
    "required_empty": "не заполнено обязательное поле «{column}»",
    "field_count": "в строке {found} полей, а в заголовке {expected}",
    "unterminated_quote": "незакрытая кавычка: строка не разобрана",
    "total_row": "строка итогов («{value}») не загружается: итоги считаются по строкам",
    "not_number": "«{value}» — не число",
    "not_integer": "«{value}» — не целое число",
    "below_min": "значение {value} меньше допустимого ({bound})",
    "not_positive": "значение {value} должно быть больше нуля",
    "above_max": "значение {value} больше допустимого ({bound})",
    "not_month": "«{value}» — не месяц (ожидается, например, 2025-03, 03.2025 или март 2025)",
    "month_not_first": "«{value}» — дата, а не месяц: укажите первое число месяца или месяц без дня",
    "bad_month_number": "«{value}» — месяца с таким номером нет",
    "not_date": "«{value}» — не дата (ожидается 2025-03-14 или 14.03.2025)",
    "impossible_date": "«{value}» — такой даты нет в календаре",
    "inn_format": "ИНН «{value}» должен состоять из 10 цифр (организация) или 12 цифр (ИП)",
    "inn_leading_zero": "ИНН «{value}» из {n} цифр — вероятно, при сохранении потерян ведущий ноль",
    "inn_checksum": "ИНН «{value}»: неверные контрольные цифры",
    "okved_format": "код ОКВЭД «{value}» не в формате NN, NN.N, NN.NN, NN.NN.N или NN.NN.NN",
    "oktmo_format": "код ОКТМО «{value}» должен состоять из 8 цифр",
    "size_unknown": "категория «{value}» не распознана (допустимо: микро, малое, среднее, крупное)",
    "municipality_unknown": "муниципальное образование «{value}» не распознано; ближайшие известные: {closest}",
    "municipality_unknown_none": "муниципальное образование «{value}» не распознано; список — в справочнике муниципальных образований",
    "export_above_shipped": "экспорт {export} больше отгрузки {shipped}",
    "inn_not_in_register": "ИНН {inn} нет в реестре предприятий: строка учтена в итогах края как «Не указано»",
    "superseded": "заменена строкой {line} файла {file} (тот же ключ: {key})",
}

# --- Command line (python -m kuban) ---
CLI_BAD_ARGUMENTS = "Ошибка в аргументах команды: {error}. Справка: {prog} --help"
CLI_NOT_INTEGER = "«{value}» — не целое число"
CLI_AT_LEAST = "{value} — нужно не меньше {minimum}"
CLI_NO_FOLDER = "Папка данных не найдена: {folder}"
CLI_FOLDER_UNREADABLE = "Папку данных не удалось прочитать: {error}"
CLI_FOLDER = "Папка данных: {folder}"
CLI_TABLE_LINE = ("  {name:15} файлов {files:>4}  строк {rows:>10}  отклонено {refused:>6}  "
                  "заменено {superseded:>6}  предупреждений {warnings:>6}")
CLI_ONE_SELECT = "Нужен ровно один запрос SELECT."
CLI_QUERY_ERROR = "Ошибка запроса: {error}"
CLI_DEMO_TOO_SMALL = "Слишком мало предприятий для демонстрационных данных: нужно не меньше {needed}"
CLI_DEMO_WRITE_FAILED = "Не удалось записать демонстрационные данные в {folder}: {error}"
CLI_DEMO_WRITTEN = "Демонстрационные данные записаны в {folder}"
CLI_INTERRUPTED = "Прервано."
CLI_CRASHED = "Внутренняя ошибка ({type}: {error}); сообщите разработчикам"

KIND_LABELS = {
    "refused_row": "строка отклонена",
    "refused_file": "файл отклонён",
    "superseded": "строка заменена",
    "warning": "предупреждение",
}

UNKNOWN_MUNICIPALITY = "Не указано"
WHOLE_KRAI = "Весь край"
MUNI_WORDS = ("муниципальное образование", "муниципальных образования", "муниципальных образований")
OKVED_PREFIX = "ОКВЭД"
FILE_KRAI = "край"            # file names: the whole krai, several municipalities, «and more» divisions
FILE_MUNIS = "МО"
FILE_AND_MORE = "и-др"
FILE_ALL = "все"
SHIPPED_REFERENCE = "справочник проекта"

# --- Navigation and shared UI ---
PAGE_OVERVIEW = "Обзор"
PAGE_SHIPMENTS = "Отгрузка"
PAGE_DATA = "Данные"

FILTERS_HEADER = "Фильтры"
FILTER_MUNIS = "Муниципальные образования"
FILTER_MUNIS_HELP = "Пусто — весь край"
FILTER_MUNIS_PLACEHOLDER = "Весь край"
FILTER_DIVISIONS = "Отрасль (раздел ОКВЭД)"
FILTER_DIVISIONS_PLACEHOLDER = "Все отрасли"
FILTER_FROM = "С месяца"
FILTER_TO = "До месяца включительно"
FILTER_ONE_HELP = ("Вам доступны только сводные данные: выберите одно муниципальное образование и одну отрасль или "
                   "оставьте весь край. Набор из нескольких позволил бы, вычитая одну сводку из другой, узнать "
                   "показатели одного-двух предприятий, которые скрыты.")
CHOOSE = "Выберите"
FILTER_PERIOD_SWAPPED = "Начало периода позже конца — месяцы поменяны местами."
NO_DATA_YET = "В папке данных пока нет помесячных данных об отгрузке или производстве. Как их добавить — на странице «Данные»."

DEMO_BANNER = ("**Демонстрационные данные.** Предприятия с пометкой «Демо» вымышлены, цифры синтетические "
               "(откалиброваны по опубликованным итогам отрасли). Настоящие данные — в папку данных, см. страницу «Данные».")
DATA_RELOADING = ("В папке данных появились изменения: новая версия загружается, пока показаны прежние данные. "
                  "Обновите страницу через минуту.")
DATA_RELOAD_FAILED = ("Новую версию данных загрузить не удалось ({error}): показаны прежние данные. "
                      "Подробности — у администратора.")
# Building a data version (kuban/model/db.py, kuban/model/build.py) and its progress (kuban/app/ui.py).
BUILD_TIMEOUT = "загрузка не уложилась в {seconds} с и остановлена"
BUILD_KILLED = "процесс загрузки остановлен системой (сигнал {signal}; возможно, не хватило памяти)"
BUILD_FAILED = "процесс загрузки завершился с ошибкой (код {code})"
LOADING_FIRST = "Загружаются данные из папки — страница откроется, как только они будут готовы."
LOADING_FILES = ("Проверено файлов: {files_done} из {files_total} ({share}), строк: {rows}. "
                 "Сейчас: таблица «{table}», файл «{file}».")
LOADING_LEFT = "Осталось примерно {left}."
LOADING_TABLES = "Файлы проверены (строк: {rows}), собираются таблицы и сводки для страниц."
LOADING_STARTING = "Загрузка начинается…"
LOADING_FAILED = ("Данные загрузить не удалось ({error}). Страница попробует снова, когда в папке данных "
                  "что-нибудь изменится; подробности — у администратора.")
SECONDS_SHORT = "{n} с"
MINUTES_SHORT = "{n} мин"
PROGRESS_TERMINAL = "{done}/{total} файлов, {rows} строк, {file}"
LOAD_NOTICE = ("При загрузке отклонено: {refused}. Остальные строки загружены. "
               "Причины — на странице «Данные».")

DOWNLOADS = "Скачать данные"
DOWNLOAD_EXCEL = "CSV для Excel"
DOWNLOAD_EXCEL_HELP = "UTF-8 с BOM, разделитель «;», десятичная запятая — открывается в русском Excel двойным щелчком"
DOWNLOAD_PLAIN = "CSV (UTF-8, «,»)"
DOWNLOAD_PLAIN_HELP = "UTF-8, разделитель «,», десятичная точка — для других программ"
DOWNLOAD_ROWS = "{label}: {rows} {word}"
ROW_WORDS = ("строка", "строки", "строк")
DOWNLOAD_XLSX = "Excel (.xlsx)"
DOWNLOAD_XLSX_HELP = ("Книга Excel: числа — числами, месяцы и даты — датами, коды (ИНН, ОКВЭД, ОКТМО) — текстом; "
                      "на листе «Условия» — фильтр, дата данных и источник. Не больше 1 048 575 строк на лист: "
                      "остальные — на следующих листах. Строится дольше CSV: миллион строк — около минуты")
# The .xlsx download (kuban/app/export.py to_xlsx): sheet names (at most 31 characters, no []:*?/\),
# the «Условия» sheet, and the Russian column headers of every download (column name -> header; a name
# missing here keeps its English name). Money columns are rubles, shares are fractions shown as %.
XLSX_SHEET_DATA = "Данные"
XLSX_SHEET_MORE = "Данные {n}"
XLSX_SHEET_ABOUT = "Условия"
XLSX_ABOUT_TITLE = "Выгрузка из дашборда «Промышленность Кубани»"
XLSX_ABOUT_WHAT = "Что"
XLSX_ABOUT_FILTER = "Фильтр"
XLSX_ABOUT_NO_FILTER = "без фильтра: все строки таблицы"
XLSX_ABOUT_DATA_TO = "Данные по (последний месяц с данными)"
XLSX_ABOUT_SOURCE = "Источник"
XLSX_ABOUT_SOURCE_TEXT = "дашборд «Промышленность Кубани», таблицы папки данных: {tables}"
XLSX_ABOUT_MADE = "Сформировано"
XLSX_ABOUT_ROWS = "Строк"
XLSX_ABOUT_SHEETS = "Листы с данными"
XLSX_ABOUT_SPLIT = ("Строк больше, чем вмещает лист Excel ({limit}): данные продолжены на следующих листах "
                    "(у каждого своя строка заголовков). Все строки одним файлом — в «CSV для Excel».")
XLSX_ABOUT_DEMO = ("Демонстрационные данные: предприятия с пометкой «Демо» вымышлены, цифры синтетические "
                   "(откалиброваны по опубликованным итогам отрасли).")
XLSX_PREFIXES = {"c_": "Кластер: ", "r_": "Остальная промышленность: "}
XLSX_COLUMNS = {
    "inn": "ИНН", "name": "Наименование", "municipality": "Муниципальное образование", "oktmo": "ОКТМО",
    "okved": "ОКВЭД", "division": "Раздел ОКВЭД", "division_name": "Раздел ОКВЭД: наименование",
    "size": "Категория", "kind": "Вид", "center": "Административный центр", "lat": "Широта", "lon": "Долгота",
    "code": "Код ОКВЭД", "industry": "Отрасль", "dimension": "Разрез",
    "period": "Месяц", "year": "Год", "years_back": "Лет назад", "window_from": "Окно с", "window_to": "Окно по",
    "shipped_rub": "Отгружено, руб.", "shipped_prev_rub": "Отгружено год назад, руб.",
    "export_rub": "Экспорт, руб.", "export_share": "Доля экспорта", "growth": "Рост к году назад",
    "output_rub": "Объём производства, руб.", "output_prev_rub": "Объём производства год назад, руб.",
    "output_growth": "Рост производства к году назад", "output_staffed_rub": "Объём производства с данными о численности, руб.",
    "output_staffed_prev_rub": "То же год назад, руб.", "output_then_rub": "Объём производства год назад, руб.",
    "employees": "Численность, чел.", "employees_prev": "Численность год назад, чел.",
    "employees_then": "Численность год назад, чел.", "employees_avg": "Среднемесячная численность, чел.",
    "employees_avg_prev": "Среднемесячная численность год назад, чел.",
    "productivity_rub": "Выработка на работника, руб.", "productivity_prev_rub": "Выработка год назад, руб.",
    "productivity_growth": "Рост выработки к году назад",
    "enterprises": "Предприятий", "enterprises_prev": "Предприятий год назад", "enterprises_then": "Предприятий год назад",
    "shippers": "Предприятий с отгрузкой", "shippers_prev": "Предприятий с отгрузкой год назад",
    "producers": "Предприятий с производством", "producers_prev": "Предприятий с производством год назад",
    "loan_id": "Номер займа", "fund": "Фонд", "programme": "Программа", "programmes": "Программы",
    "status": "Статус", "amount_rub": "Сумма, руб.", "amount_all_rub": "Сумма всех решений, руб.",
    "rate_pct": "Ставка, %", "term_years": "Срок, лет", "rate_avg_pct": "Средняя ставка, %",
    "term_avg_years": "Средний срок, лет", "decision_date": "Дата решения", "last_decision": "Последнее решение",
    "shipped_before_rub": "Отгрузка за 12 месяцев до решения, руб.",
    "shipped_latest_rub": "Отгрузка за последние 12 месяцев, руб.", "shipped_change": "Изменение отгрузки",
    "months_after": "Месяцев данных после решения", "latest_from": "Последние 12 месяцев с",
    "latest_to": "Последние 12 месяцев по", "loans": "Займов", "loans_all": "Решений о займах",
    "loans_count": "Займов", "loans_prev_count": "Займов год назад", "loans_rub": "Займы ФРП, руб.",
    "loans_prev_rub": "Займы ФРП год назад, руб.", "borrowers": "Заёмщиков", "borrowers_prev": "Заёмщиков год назад",
    "borrowers_all": "Заёмщиков (все решения)",
    "subsidy_id": "Номер субсидии", "budget": "Бюджет", "subsidies": "Субсидий", "subsidies_rub": "Субсидии, руб.",
    "subsidies_prev_rub": "Субсидии год назад, руб.", "recipients": "Получателей", "recipients_prev": "Получателей год назад",
    "support_rub": "Поддержка, руб.", "supported": "Получателей поддержки", "intensity": "Поддержка на 1 млн руб. отгрузки, руб.",
    "lq_employment": "Коэффициент локализации по занятости", "lq_output": "Коэффициент локализации по производству",
    "support_kind": "Вид поддержки", "support_id": "Номер решения", "source": "Фонд или бюджет",
    "loan_refused": "Заявка отклонена", "months_before": "Месяцев данных до решения",
    "shipped_after_rub": "Отгрузка за 12 месяцев после решения, руб.", "shipped_growth": "Рост отгрузки к году назад",
    "division_rank": "Место по отгрузке в отрасли", "division_enterprises": "Предприятий отрасли с отгрузкой",
    "municipality_rank": "Место по отгрузке в МО", "municipality_enterprises": "Предприятий МО с отгрузкой",
    "definition": "Определение кластера", "member": "Участник кластера", "why": "Почему",
    "measure": "Показатель", "value": "Значение", "total": "Всего", "share": "Доля", "rank": "Место",
    "of": "Из", "date_from": "С месяца", "date_to": "До месяца включительно",
    "in_cluster": "В кластере", "share_shipped": "Доля кластера в отгрузке", "share_employees": "Доля кластера в занятости",
    "share_support": "Доля кластера в поддержке", "share_output": "Доля кластера в производстве",
    "anchor": "Якорное", "anchor_reason": "Якорное — почему",
    "table": "Таблица", "file": "Файл", "rows": "Строк загружено", "refused": "Отклонено", "superseded": "Заменено",
    "warnings": "Предупреждений", "period_min": "С месяца", "period_max": "До месяца включительно", "reason": "Причина",
    "line": "Строка", "column": "Столбец",
    "time": "Время", "user": "Пользователь", "action": "Действие", "ip": "Адрес", "what": "Что", "filter": "Фильтр",
    "detail": "Подробности",
}

MAP_SHIPMENTS = "Карта: отгрузка по муниципальным образованиям"
YEAR_AGO = "Год назад"

# --- Overview ---
OVERVIEW_TITLE = "Обзор промышленности"
KPI_SHIPPED = "Отгрузка"
KPI_OUTPUT = "Производство"
KPI_ENTERPRISES = "Предприятий отчитались"
KPI_LOANS = "Займы ФРП одобрены"
KPI_LOANS_COUNT = "Число одобренных займов: {count}."
KPI_SUBSIDIES = "Субсидии"
KPI_HELP_DELTA = "Стрелка — изменение к тем же месяцам год назад."
CHART_SHIPMENTS_MONTHLY = "Отгрузка по месяцам"
CHART_SHIPMENTS_BY_MUNI = "Отгрузка по муниципальным образованиям"
CHART_SHOWN_OF = "(первые {shown} из {total})"
CHART_TOP_MUNIS = "15 муниципальных образований с наибольшей отгрузкой"
SERIES_SHIPPED = "Отгрузка"
NO_ROWS = "Нет данных для выбранных фильтров"
DL_MONTHLY = "Отгрузка по месяцам"
DL_BY_MUNI = "Отгрузка по муниципальным образованиям"
DL_KPIS = "Основные показатели"

# --- Shipments ---
SHIPMENTS_TITLE = "Отгрузка товаров собственного производства"
SHIPMENTS_NOTE = "Отгружено товаров собственного производства, выполнено работ и услуг собственными силами, в рублях без НДС и акцизов."
KPI_EXPORT = "Экспорт"
KPI_EXPORT_SHARE = "Доля экспорта"
CHART_BY_DIVISION = "Отгрузка по отраслям (ОКВЭД)"
CHART_EXPORT_SHARE = "Доля экспорта в отгрузке по отраслям"
TABLE_TOP = "Крупнейшие предприятия по отгрузке"
DL_SHIPMENT_ROWS = "Отгрузка по предприятиям и месяцам"
COL = {
    "support_kind": "Вид", "support_id": "Номер", "source": "Фонд или бюджет",
    "months_before": "Месяцев до решения", "shipped_after_rub": "После решения, 12 мес., млн ₽",
    "change": "Изменение отгрузки", "period": "Месяц", "employees": "Численность, чел.",
    "employees_prev": "Численность год назад, чел.",
    "inn": "ИНН", "name": "Предприятие", "municipality": "Муниципальное образование", "okved": "ОКВЭД",
    "shipped_rub": "Отгрузка, млн ₽", "export_rub": "Экспорт, млн ₽", "export_share": "Доля экспорта",
    "shipped_prev_rub": "Год назад, млн ₽", "growth": "Рост к году назад",
    "table": "Таблица", "file": "Файл", "status": "Состояние", "rows": "Строк загружено",
    "refused": "Отклонено", "superseded": "Заменено", "warnings": "Предупреждений",
    "period_min": "С", "period_max": "По", "reason": "Причина", "line": "Строка", "column": "Столбец",
    "kind": "Что случилось",
}

# --- Data: adding files (kuban/app/upload_ui.py) ---
OPEN_USER = "локальный пользователь"
UPLOAD_HEADER = "Добавить данные"
UPLOAD_INTRO = ("Перетащите сюда файлы CSV, Excel (.xlsx, .xls) или Parquet — до {limit} каждый. Таблица "
                "определяется по заголовкам. До сохранения вы увидите, какие строки загрузятся, какие будут "
                "отклонены и почему, какие имеющиеся строки файл заменит и как изменятся итоги месяцев. "
                "Ничего не сохраняется, пока вы не нажмёте «Принять».")
UPLOAD_LABEL = "Файлы с данными"
UPLOAD_DROPZONE_BUTTON = "Выбрать файлы"
UPLOAD_DROPZONE_LIMIT = "или перетащите сюда · до {limit} каждый"
UPLOAD_DROPZONE_WORDS = {"Upload": UPLOAD_DROPZONE_BUTTON, "Add files": "Добавить файлы",   # Streamlit's words
                         "Drag and drop files here": "Перетащите файлы сюда"}
UPLOAD_HELP = "Можно выбрать несколько файлов сразу. Вид файла определяется по содержимому, а не по расширению."
UPLOAD_FILE_TITLE = "**Файл «{name}»**"
UPLOAD_TABLE_CHOICE = "Таблица"
UPLOAD_TABLE_PLACEHOLDER = "Выберите таблицу"
UPLOAD_TABLE_HELP = "Определена по заголовкам файла; если неверно — выберите сами."
UPLOAD_NOT_RECOGNISED = "По заголовкам не удалось понять, к какой таблице относится файл: выберите её."
UPLOAD_CHECKING = "Проверяем файл…"
UPLOAD_NOTHING_CHANGED = "Данные не изменены."
UPLOAD_ROWS = "Строк загрузится"
UPLOAD_REFUSED_ROWS = "Строк отклонено"
UPLOAD_SUPERSEDES = "Заменит имеющихся строк"
UPLOAD_NEW_KEYS = "Новых строк"
UPLOAD_LATER_FILES = ("Внимание: в папке таблицы есть файлы, которые идут по имени позже, и при совпадении ключа "
                      "останутся их строки, а не строки этого файла: {files}.")
UPLOAD_TAB_TOTALS = "Итоги по месяцам"
UPLOAD_TAB_REFUSED = "Отклонённые строки"
UPLOAD_TAB_SUPERSEDED = "Заменяемые строки"
UPLOAD_TAB_ROWS = "Строки к загрузке"
UPLOAD_NO_TOTALS = "Для справочника предприятий итоги по месяцам не считаются."
UPLOAD_TOTALS_COLUMNS = {"month": "Месяц", "before": "Сейчас, руб.", "after": "Станет, руб.",
                         "change": "Изменение, руб.", "rows_before": "Строк сейчас", "rows_after": "Строк станет"}
UPLOAD_NONE_REFUSED = "Отклонённых строк нет."
UPLOAD_WARNINGS = "Предупреждения ({n}): строки загрузятся."
UPLOAD_NONE_SUPERSEDED = "Файл не заменяет ни одной имеющейся строки."
UPLOAD_SHOWN_FIRST = "Показаны первые {shown} из {total}."
UPLOAD_COL_OKTMO = "ОКТМО"
UPLOAD_OLD = "(было)"
UPLOAD_NEW = "(станет)"
UPLOAD_REPLACE = "Заменить ранее загруженный файл с тем же именем ({stored}): он будет отозван в архив"
UPLOAD_WILL_STORE = "Будет сохранён как {stored}"
UPLOAD_ACCEPT = "Принять"
UPLOAD_CANCEL = "Отменить"
UPLOAD_ACCEPTED = ("Файл «{original}» принят и сохранён как {stored} ({rows} {word}). Дашборд уже пересчитывает "
                   "данные: новые цифры появятся на страницах через несколько секунд.")
UPLOAD_CANCELLED = "Загрузка отменена: данные не изменены."
UPLOAD_REPLACED_BY = "заменён файлом {stored}"
HISTORY_HEADER = "История файлов"
HISTORY_OWN_ONLY = "Показаны файлы, которые добавили вы; всю историю видят администраторы."
HISTORY_EMPTY = "Через дашборд или команду `add` файлы ещё не добавлялись."
HISTORY_COLUMNS = {"time": "Когда", "user": "Кто", "action": "Действие", "table": "Таблица",
                   "original": "Исходное имя", "stored": "Файл в папке данных", "rows": "Строк",
                   "refused": "Отклонено", "sha256": "Контрольная сумма", "now": "Сейчас"}
HISTORY_NOW = {"accepted": "в данных", "restored": "в данных", "withdrawn": "в архиве", "replaced": "в архиве"}
HISTORY_CHOOSE = "Выберите файл"
HISTORY_WITHDRAW_LABEL = "Отозвать файл"
HISTORY_WITHDRAW_HELP = "Файл переносится в архив (не удаляется), дашборд перестаёт его читать; его можно восстановить."
HISTORY_WITHDRAW_BUTTON = "Отозвать"
HISTORY_RESTORE_LABEL = "Восстановить отозванный файл"
HISTORY_RESTORE_BUTTON = "Восстановить"
HISTORY_WITHDRAWN_OK = "Файл {stored} отозван: перенесён в архив, цифры пересчитываются."
HISTORY_RESTORED_OK = "Файл {stored} восстановлен, цифры пересчитываются."

# --- Data ---
DATA_TITLE = "Данные: что загружено и что отклонено"
DATA_INTRO = ("Дашборд читает файлы из папки данных: каждая таблица — своя подпапка (`enterprises`, `production`, "
              "`shipments`, `loans`, `subsidies`, `municipalities`). Чтобы добавить месяц, положите файл CSV, Excel или "
              "Parquet в нужную подпапку (или добавьте его ниже, если у вас есть права редактора) — дашборд заметит "
              "его без перезапуска. Файлы при загрузке не изменяются.")
DATA_FILES = "Загруженные файлы"
DATA_PROBLEMS = "Отклонённые и заменённые строки, предупреждения"
DATA_NO_PROBLEMS = "Все строки всех файлов загружены без замечаний."
DATA_KIND_FILTER = "Показать"
DATA_KIND_ALL = "Все виды замечаний"
DATA_SHOWN_FIRST = "Показаны первые {shown} из {total}; полный список — в файле «Отчёт о загрузке» ниже."
DATA_FILES_COUNT = "Файлов загружено"
DATA_ROWS = "Строк в таблицах"
DATA_REFUSED = "Отклонено"
DATA_SUPERSEDED = "Заменено"
DATA_WARNINGS = "Предупреждений"
DL_PROBLEMS = "Отчёт о загрузке"
DL_FILES = "Список файлов"
STATUS_LABELS = {"loaded": "загружен", "refused": "отклонён", "skipped": "пропущен"}
TABLE_LABELS = {
    "municipalities": "Муниципальные образования", "enterprises": "Предприятия", "production": "Производство",
    "shipments": "Отгрузка", "loans": "Займы ФРП", "subsidies": "Субсидии",
}

# --- Cluster («Кластер», pages/cluster.py; arithmetic in kuban/model/cluster.py) ---
PAGE_CLUSTER = "Кластер"
CLUSTER_TITLE = "Кластер умной промышленности"
CLUSTER_INTRO = ("Какие муниципальные образования специализированы на машиностроении, какие предприятия войдут "
                 "в кластер и какие из них якорные, насколько кластер велик и быстро растёт по сравнению с остальной "
                 "промышленностью и выполняет ли он проверяемые требования постановления Правительства РФ № 779. "
                 "Отрасли и пороги — в блоке «Определение кластера»; формулы и источники — в разделе «Методика» внизу.")
CLUSTER_SIDEBAR_DIVISIONS = ("Фильтр «Отрасль» боковой панели на этой странице не действует: отрасли задаёт "
                             "определение кластера. Фильтры муниципальных образований и месяцев действуют.")
CLUSTER_DEFAULT_NAME = "Умная промышленность"
CLUSTER_ROW = "кластер"                 # `division` of the cluster-as-a-whole rows in the LQ download
CLUSTER_ROW_LABEL = "КЛАСТЕР<br>в целом"   # its column in the heat map

# The definition
CLUSTER_DEF_HEADER = "Определение кластера"
CLUSTER_DEF_NOW = "**Действует:** «{name}» — ОКВЭД {codes}; порог LQ {lq}; «мало данных» — меньше {ent} предприятий или {emp} работников кластера в МО; якорные — {anchors}; участников не менее {part}; изменение LQ — за {years} г."
CLUSTER_DEF_ANCHORS_LARGE = "крупные"
CLUSTER_DEF_ANCHORS_TOP = "топ-{n} по отгрузке"
CLUSTER_DEF_ANCHORS_NONE = "не выделяются"
CLUSTER_CODES = "Отрасли и классы ОКВЭД кластера"
CLUSTER_CODES_HELP = ("Раздел — две цифры (28 — все классы 28.xx), группа — NN.N (28.2), класс — NN.NN (28.29). "
                      "Код, которого нет в списке, можно ввести с клавиатуры.")
CLUSTER_CODE_CLASS = "{code} (класс; предприятий: {n})"
CLUSTER_LQ = "Порог специализации (LQ)"
CLUSTER_LQ_BAD = ("Порог LQ «{value}» не принят: нужно число от {low} до {high}, например 1,25. "
                  "Оставлен прежний порог.")
CLUSTER_LQ_HELP = "МО специализировано, если его коэффициент локализации не ниже порога. 1,25 — распространённый порог."
CLUSTER_MIN_ENT = "«Мало данных»: меньше предприятий"
CLUSTER_MIN_ENT_HELP = "МО (или клетка МО × отрасль), где предприятий кластера меньше, помечается «мало данных» и не оценивается."
CLUSTER_MIN_EMP = "«Мало данных»: меньше работников"
CLUSTER_MIN_EMP_HELP = "МО (или клетка МО × отрасль), где работников кластера меньше, помечается «мало данных» и не оценивается."
CLUSTER_ANCHOR_LARGE_LABEL = "Крупные — якорные"
CLUSTER_ANCHOR_TOP_LABEL = "Якорные также: топ-N по отгрузке"
CLUSTER_ANCHOR_TOP_HELP = "N крупнейших участников кластера по отгрузке в крае за выбранные месяцы; 0 — не учитывать."
CLUSTER_MIN_PART = "Участников не менее (пост. № 779)"
CLUSTER_MIN_PART_HELP = "Минимальное число промышленных предприятий — участников кластера. Сверьте с действующей редакцией постановления."
CLUSTER_YEARS = "Изменение LQ за, лет"
CLUSTER_YEARS_HELP = "Изменение коэффициента локализации к тем же месяцам указанное число лет назад (ось Y квадранта)."
CLUSTER_NAME = "Название определения"
CLUSTER_NAME_HELP = "Определение сохраняется файлом clusters/НАЗВАНИЕ.json в папке данных и переживает перезапуск."
CLUSTER_SAVE = "Сохранить"
CLUSTER_SAVED_OK = "Определение «{name}» сохранено в папке данных: clusters/{file}"
CLUSTER_SAVED_LIST = "Сохранённые определения"
CLUSTER_LOAD = "Загрузить"
CLUSTER_LOADED_OK = "Загружено определение «{name}»."
CLUSTER_RESET = "По умолчанию"
CLUSTER_NONE_SAVED = "Сохранённых определений пока нет: задайте отрасли и пороги, название и нажмите «Сохранить»."
CLUSTER_BAD_CODES = "Не учтены — это не коды ОКВЭД: {codes}. Нужен раздел NN, группа NN.N или класс NN.NN."
CLUSTER_NO_CODES = "Выберите хотя бы одну отрасль ОКВЭД кластера."
CLUSTER_BROKEN_FILE = "Сохранённое определение не прочитано — {error}. Исправьте или удалите файл в папке clusters/."
CLUSTER_SAVE_FAILED = "Определение не сохранено: {error}."

# Reasons a saved definition cannot be used (kuban.data.cluster_definitions.DefinitionError)
CLUSTER_ERR_NOT_OBJECT = "ожидается объект JSON с полями определения (codes, lq_threshold, …)"
CLUSTER_ERR_NO_CODES = "не указаны коды ОКВЭД кластера (поле «codes»)"
CLUSTER_ERR_CODES_TYPE = "поле «codes» должно быть списком строк, например [\"28\", \"29.10\"]"
CLUSTER_ERR_CODE = "{codes} — не коды ОКВЭД (нужен раздел NN, группа NN.N или класс NN.NN)"
CLUSTER_ERR_BOOL = "поле «{field}» должно быть true или false"
CLUSTER_ERR_NEWER_FORMAT = ("сохранено более новой версией дашборда (формат {version}; эта версия читает формат до "
                            "{ours}): обновите программу")
CLUSTER_ERR_NUMBER = "поле «{field}»: «{value}» — не число"
CLUSTER_ERR_INTEGER = "поле «{field}»: {value} — не целое число"
CLUSTER_ERR_RANGE = "поле «{field}»: значение {value} вне допустимых пределов (от {lo} до {hi})"
CLUSTER_ERR_NAME_EMPTY = "укажите название определения"
CLUSTER_ERR_NAME = ("название «{name}» не подходит для имени файла: до {n} знаков — буквы, цифры, пробелы "
                    "и знаки - . , ( ) « » №, без точки в начале и в конце")
CLUSTER_ERR_FILE = "файл «{file}»: {reason}"
CLUSTER_ERR_ENCODING = "файл не в кодировке UTF-8"
CLUSTER_ERR_JSON = "содержимое не является JSON (ошибка в строке {line})"
CLUSTER_ERR_JSON_NOLINE = "содержимое не является JSON"
CLUSTER_FIELDS = {
    "lq_threshold": "порог LQ (lq_threshold)", "min_enterprises": "минимум предприятий (min_enterprises)",
    "min_employees": "минимум работников (min_employees)", "anchor_large": "крупные — якорные (anchor_large)",
    "anchor_top_n": "топ-N по отгрузке (anchor_top_n)", "min_participants": "минимум участников (min_participants)",
    "years_back": "изменение LQ за лет (years_back)",
}

# Headline figures
CLUSTER_KPI_MEMBERS = "Участников кластера"
CLUSTER_KPI_MEMBERS_HELP = ("Предприятия реестра с ОКВЭД кластера, отчитавшиеся об отгрузке или производстве "
                            "за выбранные месяцы, в выбранных МО.")
CLUSTER_KPI_ANCHORS = "Из них якорных"
CLUSTER_KPI_SHIPPED = "Отгрузка кластера"
CLUSTER_KPI_EMPLOYEES = "Работников в кластере"
CLUSTER_KPI_EMPLOYEES_HELP = "Сумма среднемесячной численности участников за выбранные месяцы."
CLUSTER_KPI_SPECIALISED = "МО со специализацией"
CLUSTER_KPI_SPECIALISED_HELP = "Коэффициент локализации кластера не ниже порога, данных достаточно."
CLUSTER_KPI_SHARE_SHIPPED = "Доля в отгрузке"
CLUSTER_KPI_SHARE_EMPLOYEES = "Доля в численности"
CLUSTER_KPI_SHARE_SUPPORT = "Доля в господдержке"
CLUSTER_KPI_SHARE_HELP = "Доля кластера во всей промышленности выбранной территории за выбранные месяцы."
CLUSTER_KPI_GROWTH = "Рост отгрузки: кластер"
CLUSTER_KPI_GROWTH_REST = "Рост отгрузки: прочие"
CLUSTER_KPI_GROWTH_HELP = "Отгрузка за выбранные месяцы к тем же месяцам год назад. Прочие — остальная промышленность выбранной территории."
CLUSTER_KPI_PRODUCTIVITY = "Выработка: кластер"
CLUSTER_KPI_PRODUCTIVITY_REST = "Выработка: прочие"
CLUSTER_KPI_PRODUCTIVITY_HELP = "Объём производства за выбранные месяцы на одного работника (среднемесячная численность). Прочие — остальная промышленность выбранной территории."

# 1. Specialisation
CLUSTER_SPEC_HEADER = "1. Специализация муниципальных образований"
CLUSTER_BASIS = "Коэффициент локализации (LQ) считать по"
CLUSTER_BASIS_OPTIONS = {"employment": "численности работников", "output": "объёму производства"}
CLUSTER_SPEC_ANSWER = "**Специализированы на кластере** (LQ по {basis} не ниже {lq}, данных достаточно): {items}."
CLUSTER_SPEC_NONE = "**Ни одно МО не специализировано:** LQ по {basis} не достигает {lq} там, где данных достаточно."
CLUSTER_SPEC_THIN = "Мало данных (меньше {ent} предприятий или {emp} работников кластера) — {n} МО, не оцениваются: {items}."
CLUSTER_NO_MUNIS = "Нет данных о производстве за выбранные месяцы: коэффициенты локализации не рассчитать."
CHART_LQ_HEATMAP = "LQ по {basis}: муниципальное образование × отрасль"
CHART_LQ_HEATMAP_NOTE = ("Значение в клетке — LQ. Синий — доля отрасли в МО больше, чем в крае (LQ выше 1), оранжевый — "
                         "меньше. Серые клетки — мало данных: LQ в скобках ненадёжен; «—» — предприятий отрасли в МО нет. "
                         "Сверху — МО с наибольшим LQ кластера.")
CHART_LQ_HIDDEN = "Не показаны МО без предприятий кластера с данными за период: {n}."
CHART_LQ_QUADRANT = "Квадрант: LQ кластера по {basis} и его изменение за {years} г."
CHART_LQ_QUADRANT_NOTE = ("Размер пузыря — численность работников кластера. Вертикальная линия — порог LQ {lq}, "
                          "горизонтальная — нулевое изменение. Серые — мало данных.")
CHART_LQ_NO_CHANGE = "Нет данных за те же месяцы {years} г. назад — изменение LQ не рассчитано для: {items}."
CLUSTER_QUADRANTS = {
    "leading": "ведущие", "mature": "зрелые", "emerging": "растущие", "transforming": "трансформирующиеся",
    "thin": "мало данных",
}
CLUSTER_QUADRANT_HINTS = {
    "leading": "ведущие: специализация есть и усиливается",
    "mature": "зрелые: специализация есть, но ослабевает",
    "emerging": "растущие: специализации пока нет, но доля растёт",
    "transforming": "трансформирующиеся: специализации нет, доля снижается",
}
CLUSTER_AXIS_LQ = "LQ кластера сейчас"
CLUSTER_AXIS_CHANGE = "Изменение LQ за {years} г."
CLUSTER_HOVER_THIN = "мало данных"
CLUSTER_DIVISION_SHORT = {   # heat-map column labels (<br> = line break)
    "10": "пищевые<br>продукты", "11": "напитки", "12": "табачные<br>изделия", "13": "текстиль", "14": "одежда",
    "15": "кожа", "16": "обработка<br>древесины", "17": "бумага", "18": "полиграфия", "19": "нефте-<br>продукты",
    "20": "химия", "21": "лекарства", "22": "резина,<br>пластмассы", "23": "стройма-<br>териалы",
    "24": "металлургия", "25": "металло-<br>изделия", "26": "электроника", "27": "электро-<br>оборудование",
    "28": "машины и<br>оборудование", "29": "автомобили,<br>прицепы", "30": "прочий<br>транспорт", "31": "мебель",
    "32": "прочие<br>изделия", "33": "ремонт и<br>монтаж машин",
}
CLUSTER_EMPLOYEES_UNIT = "чел."

# 2. Members
CLUSTER_MEMBERS_HEADER = "2. Участники кластера"
CLUSTER_MEMBERS_NOTE = ("Предприятия реестра с ОКВЭД кластера, отчитавшиеся за выбранные месяцы в выбранных МО; "
                        "якорные — первыми. Отгрузка, производство и господдержка (займы ФРП, кроме отказанных, "
                        "и субсидии) — за выбранные месяцы; численность — среднемесячная; рост — к тем же месяцам год назад.")
CLUSTER_NO_MEMBERS = "Нет предприятий кластера с данными за выбранные месяцы в выбранных МО."
CLUSTER_MEMBERS_CUT = "Показаны {shown} из {total} участников (якорные и крупнейшие по отгрузке); полный список — в «Скачать данные»."
CLUSTER_ANCHOR_LARGE = "крупное"
CLUSTER_ANCHOR_TOP = "топ-{n} по отгрузке"
CLUSTER_SIZE_LABELS = {"micro": "микро", "small": "малое", "medium": "среднее", "large": "крупное"}
CLUSTER_COL = {
    "anchor_reason": "Якорное — почему", "name": "Предприятие", "inn": "ИНН", "municipality": "МО",
    "okved": "ОКВЭД", "size": "Размер", "shipped_rub": "Отгрузка, млн ₽", "growth": "Рост за год",
    "employees": "Работников", "productivity_rub": "Выработка, млн ₽/чел.",
    "export_share": "Доля экспорта", "support_rub": "Господдержка, млн ₽",
}

# 3. The cluster against the rest
CLUSTER_VS_HEADER = "3. Кластер и остальная промышленность"
CLUSTER_VS_NOTE = ("{place}. Ряд — выбранные месяцы и те же месяцы 1, 2, … лет назад (за которые есть данные); "
                   "остальная промышленность — все прочие предприятия, включая отсутствующие в реестре.")
CLUSTER_VS_TABLE = "Цифры по периодам (рост — отгрузка к тем же месяцам годом ранее; выработка — млн ₽ производства на одного работника)"
CLUSTER_VS_COL = {
    "window": "Период", "c_shipped_rub": "Отгрузка кластера, млн ₽", "share_shipped": "Доля: отгрузка",
    "share_employees": "Доля: численность", "share_support": "Доля: господдержка",
    "c_growth": "Рост: кластер", "r_growth": "Рост: прочие",
    "c_productivity_rub": "Выработка: кластер", "r_productivity_rub": "Выработка: прочие",
}
CHART_CLUSTER_SHARES = "Доля кластера в промышленности"
CHART_CLUSTER_GROWTH = "Рост отгрузки к тем же месяцам годом ранее"
CHART_CLUSTER_PRODUCTIVITY = "Выработка на одного работника"
CHART_CLUSTER_SHIPPED = "Отгрузка: кластер и остальная промышленность"
SERIES_SHARE_SHIPPED = "в отгрузке"
SERIES_SHARE_EMPLOYEES = "в численности"
SERIES_SHARE_SUPPORT = "в господдержке"
SERIES_CLUSTER = "Кластер"
SERIES_REST = "Остальная промышленность"

# 4. Decree 779
CLUSTER_REQ_HEADER = "4. Требования постановления Правительства РФ № 779 от 31.07.2015"
CLUSTER_REQ_NOTE = ("Проверяется то, что позволяют данные дашборда. Пороги — по сводке методики проекта; "
                    "точную формулировку пунктов сверьте с действующей редакцией постановления.")
CLUSTER_REQ_PARTICIPANTS = "Промышленные предприятия — участники кластера (число)"
CLUSTER_REQ_AT_LEAST = "не менее {n}"
CLUSTER_REQ_PASS = "выполнено"
CLUSTER_REQ_FAIL = "не выполнено"
CLUSTER_REQ_UNKNOWN = "данные не позволяют проверить"
CLUSTER_REQ_UNTESTABLE = (
    {"requirement": "У каждого участника есть договор хотя бы с одним другим участником кластера",
     "threshold": "у каждого участника"},
    {"requirement": "Доля сырья и комплектующих, закупаемых у других участников кластера",
     "threshold": "не менее 20 % (10 % на особых территориях)"},
    {"requirement": "Есть специализированная организация кластера", "threshold": "есть"},
)
CLUSTER_REQ_COL = {"requirement": "Требование", "threshold": "Порог", "value": "Значение", "result": "Итог"}
CLUSTER_REQ_SUMMARY_PASS = "Проверяемое требование выполнено: участников {n} при пороге {m}."
CLUSTER_REQ_SUMMARY_FAIL = "Проверяемое требование не выполнено: участников {n} при пороге {m}."

# 5. Comparing saved definitions
CLUSTER_COMPARE_HEADER = "5. Сравнение сохранённых определений"
CLUSTER_COMPARE_NOTE = "Два сохранённых определения рядом, на тех же фильтрах (МО и месяцы)."
CLUSTER_COMPARE_A = "Первое определение"
CLUSTER_COMPARE_B = "Второе определение"
CLUSTER_COMPARE_NEED_TWO = "Для сравнения сохраните хотя бы два определения."
CLUSTER_COMPARE_ROW = "Показатель"
CLUSTER_COMPARE_ROWS = {
    "codes": "Отрасли и классы ОКВЭД", "lq_threshold": "Порог LQ", "thin": "«Мало данных»",
    "anchor_rule": "Якорные", "members": "Участников", "anchors": "Якорных",
    "specialised": "Специализированные МО (LQ по численности)", "share_shipped": "Доля в отгрузке",
    "share_employees": "Доля в численности", "share_support": "Доля в господдержке",
    "growth": "Рост отгрузки к году назад", "productivity": "Выработка на работника",
    "requirement": "Требование о числе участников",
}
CLUSTER_COMPARE_THIN = "меньше {ent} предприятий или {emp} работников"

# Downloads and method
CLUSTER_DL_MEMBERS = "Участники кластера"
CLUSTER_DL_LQ = "Коэффициенты локализации (строки «кластер» — кластер в целом)"
CLUSTER_DL_TREND = "Кластер и остальная промышленность по годам"
CLUSTER_METHOD_HEADER = "Методика: формулы, пороги, источники"
CLUSTER_METHOD = """
**Кто входит в кластер.** Предприятия реестра, код ОКВЭД которых начинается с одного из кодов определения
(раздел 28 включает все классы 28.xx, группа 28.2 — классы 28.21–28.29). Участник — такое предприятие,
отчитавшееся об отгрузке или производстве за выбранные месяцы. По умолчанию — разделы 26, 27, 28, 29, 30 и 33
(электроника, электрооборудование, машины и оборудование, автомобили, прочий транспорт, ремонт и монтаж машин).

**Коэффициент локализации (LQ).** `LQ = (e_ij / e_j) / (E_i / E)`, где e_ij —
численность работников (или объём производства) отрасли i в муниципальном образовании j, e_j — всех
отраслей с данными в этом МО, E_i — отрасли i во всём крае, E — всех отраслей края. LQ больше 1 — доля
отрасли в МО выше, чем в крае; МО считается специализированным, если LQ не ниже порога (по умолчанию 1,25 —
распространённый на практике порог). Численность — среднемесячная численность каждого предприятия за выбранные
месяцы (среднее по месяцам, за которые оно отчиталось), сложенная по предприятиям; производство — сумма за месяцы.
Край берётся целиком, даже если в фильтре выбраны отдельные МО. Предприятия, которых нет в реестре, в LQ не входят:
их отрасль и МО неизвестны.

**«Мало данных».** Если в МО меньше заданного числа предприятий или работников кластера, LQ неустойчив (одно
предприятие даёт и 5, и 0). Такие МО и клетки показываются серым с пометкой «мало данных» и не считаются
специализированными. То же правило действует для каждой клетки «МО × отрасль».

**Квадрант** (Purdue Center for Regional Development, PCRD). По горизонтали — LQ кластера сейчас, по вертикали —
его изменение к тем же месяцам N лет назад, размер пузыря — численность работников кластера. «Ведущие» — LQ не ниже
порога и растёт; «зрелые» — не ниже порога, но снижается; «растущие» — ниже порога, но растёт; «трансформирующиеся» —
ниже порога и снижается (рост — изменение больше нуля). Линии — порог LQ и нулевое изменение.

**Якорные предприятия.** Крупные по реестру (более 250 работников или выручка более 2 млрд ₽ — 209-ФЗ,
постановление № 265 от 2016 г.) и/или N крупнейших участников кластера по отгрузке в крае за выбранные месяцы.

**Кластер и остальная промышленность.** Доли кластера в отгрузке, численности и господдержке выбранной территории
(господдержка — займы ФРП, кроме отказанных, и субсидии с датой решения в выбранных месяцах); рост — отгрузка
к тем же месяцам годом ранее; выработка — объём производства за период на одного работника. Численность здесь —
среднемесячная: сумма численности за месяцы периода, делённая на число месяцев с данными о производстве (для
предприятий, отчитывающихся каждый месяц, это та же сумма их среднемесячной численности, что и в таблице участников).

**Требования к промышленному кластеру — постановление Правительства РФ № 779 от 31.07.2015** (реестр кластеров
ведёт Минпромторг; совместные проекты участников могут получать субсидии до 50 % затрат по постановлению № 41
от 2016 г.). Кратко: около 10 и более промышленных предприятий-участников (точную формулировку пункта и порог нужно
сверить с текстом постановления — порог задаётся в определении); у каждого участника договор хотя бы с одним другим
участником; не менее 20 % сырья и комплектующих (10 % на особых территориях) закупается у других участников;
специализированная организация кластера. Данные дашборда позволяют проверить только число участников; остальное
отмечено «данные не позволяют проверить» и не угадывается.

**Источники методики.** US Cluster Mapping Project (Delgado, Porter, Stern, 2016): кластеры связанных отраслей,
«портфель кластеров» региона, пузырьковые диаграммы специализации. European Cluster Observatory: «звёзды» за размер
(10 % крупнейших по численности), специализацию (LQ), фокус (доля в занятости региона) и производительность.
Purdue PCRD: квадрант «LQ — изменение LQ».

**Скачивание.** Таблица коэффициентов локализации — столбцы oktmo, municipality, division, lq_employment, lq_output,
employees (среднемесячная численность), output_rub (производство, руб.) за выбранные месяцы и МО; строки кластера
в целом — с division = «кластер». Участники — все столбцы таблицы участников в исходных единицах (рубли, доли).
Сохранённые определения — файлы clusters/НАЗВАНИЕ.json в папке данных: их можно переносить вместе с данными.
"""

# --- Production, ФРП loans, subsidies (pages/production.py, pages/loans.py, pages/subsidies.py) ---
PAGE_PRODUCTION = "Производство"
PAGE_LOANS = "Займы ФРП"
PAGE_SUBSIDIES = "Субсидии"
UNIT_PEOPLE = "чел."

# Production
PRODUCTION_TITLE = "Производство и производительность труда"
PRODUCTION_NOTE = (
    "**Выработка на работника** (производительность труда, показатель национального проекта) — объём производства "
    "за выбранные месяцы, делённый на среднемесячную численность работников за эти месяцы, в рублях на одного "
    "работника. Среднемесячная численность — численность, сложенная по месяцам и делённая на число месяцев, "
    "за которые она указана. В расчёт выработки входят только строки, где указана численность (и в объёме, "
    "и в численности). Сравнение — с теми же месяцами год назад.")
KPI_HEADCOUNT = "Среднемесячная численность"
KPI_PRODUCTIVITY = "Выработка на работника"
KPI_PRODUCTIVITY_HELP = "Объём производства за выбранные месяцы на одного работника (среднемесячная численность)."
CHART_OUTPUT_MONTHLY = "Производство по месяцам"
SERIES_OUTPUT = "Производство"
CHART_HEADCOUNT_MONTHLY = "Численность работников по месяцам (сумма по отчитавшимся предприятиям)"
SERIES_HEADCOUNT = "Численность"
MAP_OUTPUT = "Карта: производство по муниципальным образованиям"
CHART_OUTPUT_BY_MUNI = "Производство по муниципальным образованиям"
CHART_OUTPUT_BY_DIVISION = "Производство по отраслям (ОКВЭД)"
CHART_PRODUCTIVITY_BY_MUNI = "Выработка на работника по муниципальным образованиям"
CHART_PRODUCTIVITY_BY_DIVISION = "Выработка на работника по отраслям (ОКВЭД)"
CHART_PRODUCTIVITY_CHANGE_BY_MUNI = "Изменение выработки на работника к тем же месяцам год назад"
PER_EMPLOYEE = "на работника"
TABLE_TOP_OUTPUT = "Крупнейшие предприятия по объёму производства"
TABLE_TOP_PRODUCTIVITY = "Наибольший рост выработки на работника к тем же месяцам год назад"
TABLE_TOP_PRODUCTIVITY_NOTE = "Только предприятия, указавшие численность и в выбранных месяцах, и год назад."
ENTERPRISE_SEARCH = "Поиск предприятия"
ENTERPRISE_SEARCH_PLACEHOLDER = "ИНН или часть названия"
ENTERPRISE_SEARCH_HELP = ("Начало ИНН или любая часть названия, без учёта регистра и различия «е» и «ё». "
                          "Таблицы ниже покажут только найденные предприятия.")
TOP_SHOWN = "Показаны первые {shown} из {total} предприятий; весь список — в выгрузке «{download}» ниже."
SEARCH_SHOWN = "По запросу «{search}» найдено не меньше {shown}; показаны первые {shown}."
SEARCH_FOUND = "По запросу «{search}»: {shown}."
SEARCH_NOTHING = "По запросу «{search}» предприятий не найдено (в выбранных месяцах и муниципальных образованиях)."
DL_PRODUCTION_MONTHLY = "Производство и численность по месяцам"
DL_PRODUCTION_BY_MUNI = "Производство и выработка по муниципальным образованиям"
DL_PRODUCTION_BY_DIVISION = "Производство и выработка по отраслям"
DL_PRODUCTION_ENTERPRISES = "Производство и выработка по предприятиям"
DL_PRODUCTION_ROWS = "Производство по предприятиям и месяцам"

# ФРП loans
LOANS_TITLE = "Займы Фонда развития промышленности"
# Loan statuses meaning a refused (or withdrawn) application, compared trimmed and case-insensitively; a missing
# or other status is not a refusal. The one definition: the model loads it into the table loan_refused_statuses,
# read by the macro is_refused (queries/model/measures.sql); no query takes it as a parameter.
LOAN_REFUSED_STATUSES = ("Отказано", "Отказ", "Отклонено", "Отклонён", "Отклонен", "Отозвано", "Отозван", "Отозвана")
LOANS_NOTE = (
    "Займы федерального ФРП и ФРП Краснодарского края с датой решения в выбранных месяцах; муниципальное "
    "образование и отрасль — заёмщика. В портфель не входят отказы (статус «Отказано» и подобные); они видны "
    "на графике по статусам и в таблице займов. Ставка и срок — средние, взвешенные по сумме займа.")
KPI_LOANS_PORTFOLIO = "Портфель займов"
KPI_LOANS_NUMBER = "Число займов"
KPI_RATE_AVG = "Средняя ставка"
KPI_TERM_AVG = "Средний срок, лет"
KPI_LOANS_REFUSED = "Отказано заявок"
KPI_RATE_HELP = "Средняя ставка, взвешенная по сумме займа."
KPI_TERM_HELP = "Средний срок, взвешенный по сумме займа."
CHART_LOANS_BY_FUND = "Займы по фондам"
CHART_LOANS_BY_PROGRAMME = "Займы по программам"
CHART_LOANS_BY_STATUS = "Решения по статусам (с отказами)"
CHART_LOANS_BY_YEAR = "Займы по годам решения"
CHART_LOANS_MONTHLY = "Одобренные займы по месяцам решения"
CHART_LOANS_BY_MUNI = "Займы по муниципальным образованиям заёмщиков"
MAP_LOANS = "Карта: займы ФРП по муниципальным образованиям заёмщиков"
STATUS_NOT_STATED = "Статус не указан"
TABLE_LOANS = "Займы и отгрузка заёмщиков"
LOANS_TABLE_NOTE = (
    "Отгрузка заёмщика: «До решения, 12 мес.» — за 12 месяцев перед месяцем решения; «Последние 12 мес.» — "
    "за {latest}, последние 12 месяцев, по которым есть данные; «Месяцев после решения» — сколько месяцев "
    "прошло от месяца решения до последнего месяца с данными.")
DL_LOANS_LIST = "Займы с отгрузкой заёмщиков до и после решения"
DL_LOANS_PORTFOLIO = "Портфель займов по фондам, программам, статусам, годам и МО"
DL_LOANS_MONTHLY = "Одобренные займы по месяцам"

# Subsidies and support intensity
SUBSIDIES_TITLE = "Субсидии промышленным предприятиям"
SUBSIDIES_NOTE = ("Субсидии с датой решения в выбранных месяцах; муниципальное образование и отрасль — "
                  "получателя субсидии.")
KPI_SUBSIDY_COUNT = "Число субсидий"
KPI_RECIPIENTS = "Получателей"
KPI_INTENSITY = "Интенсивность поддержки"
KPI_INTENSITY_HELP = "Рублей займов ФРП и субсидий на 1 млн ₽ отгрузки за те же месяцы."
CHART_SUBSIDIES_BY_PROGRAMME = "Субсидии по направлениям"
CHART_SUBSIDIES_BY_BUDGET = "Субсидии по уровню бюджета"
CHART_SUBSIDIES_BY_YEAR = "Субсидии по годам решения"
CHART_SUBSIDIES_BY_MUNI = "Субсидии по муниципальным образованиям"
BUDGET_NOT_STATED = "Бюджет не указан"
INTENSITY_TITLE = "Интенсивность поддержки"
INTENSITY_NOTE = (
    "Интенсивность поддержки — рубли поддержки (займы ФРП без отказов и субсидии, по дате решения в выбранных "
    "месяцах) на 1 млн ₽ отгрузки тех же месяцев в муниципальном образовании.")
INTENSITY_UNIT = "₽ на 1 млн ₽ отгрузки"
MAP_INTENSITY = "Карта: интенсивность поддержки (₽ на 1 млн ₽ отгрузки)"
CHART_INTENSITY = "Интенсивность поддержки по муниципальным образованиям"
TABLE_RECIPIENTS = "Получатели субсидий"
DL_SUBSIDIES_SUMMARY = "Субсидии по направлениям, бюджетам, годам и МО"
DL_SUBSIDY_RECIPIENTS = "Получатели субсидий"
DL_SUBSIDY_ROWS = "Субсидии (каждое решение)"
DL_INTENSITY = "Интенсивность поддержки по МО"

COL.update({
    "output_rub": "Производство, млн ₽", "output_prev_rub": "Производство год назад, млн ₽",
    "output_growth": "Рост производства", "employees_avg": "Среднемесячная численность, чел.",
    "productivity_rub": "Выработка на работника, тыс. ₽",
    "productivity_prev_rub": "Выработка год назад, тыс. ₽", "productivity_growth": "Рост выработки",
    "loan_id": "Номер займа", "fund": "Фонд", "programme": "Программа", "amount_rub": "Сумма, млн ₽",
    "rate_pct": "Ставка, %", "term_years": "Срок, лет", "decision_date": "Дата решения",
    "shipped_before_rub": "Отгрузка за 12 мес. до решения, млн ₽",
    "shipped_latest_rub": "Отгрузка за последние 12 мес., млн ₽", "shipped_change": "Изменение отгрузки",
    "months_after": "Месяцев данных после решения",
    "subsidies": "Субсидий", "programmes": "Направления", "last_decision": "Последнее решение",
})
INTENSITY_UNIT_SHORT = "₽ на 1 млн ₽"
PRODUCERS_NOTE = "Отчитались о производстве предприятий: {n}."
COL.update({"shipped_before_rub": "До решения, 12 мес., млн ₽", "shipped_latest_rub": "Последние 12 мес., млн ₽",
            "shipped_change": "Изменение отгрузки", "months_after": "Месяцев после решения"})

# --- Text is text; URLs (issue 7: kuban/app/routes.py, kuban/app/ui.py, kuban/data/cluster_definitions.py) ---
ROUTE_GUESS = "Страницы «/{path}» в дашборде нет — открыта похожая: «{page}»."
ROUTE_UNKNOWN = "Страницы «/{path}» в дашборде нет — открыта главная страница «{page}». Остальные страницы — в меню слева."
URL_FILTERS_DROPPED = "В ссылке есть значения фильтров, которых нет в данных, — они не применены: {items}."
URL_FILTER_ITEM = "{filter} — {values}"
MORE_ITEMS = "и ещё {n}"
DATA_FOLDER_TEXT = "Папка данных: {path}"
CLUSTER_ERR_TOO_BIG = "файл больше {kb} КБ — это не определение кластера"
CLUSTER_ERR_TOO_DEEP = "слишком глубокая вложенность — это не определение кластера"
CLUSTER_ERR_NOT_FILE = "это не обычный файл"
CLUSTER_ERR_FOLDER = "папку clusters/ не удалось прочитать: {error}"
CLUSTER_TOO_MANY = "В папке clusters/ файлов определений: {n}; читаются первые {shown} по имени."

# --- Charts by kind (kuban/app/charts.py) and the cluster page's display (kuban/app/cluster_view.py) ---
UNIT_PERCENT = "%"
CHART_HOVER_YEAR_AGO = "{month}, год назад"          # {month}: Plotly's placeholder of the month's name
MAP_NO_DATA = "нет данных"
DISTRICT_WORD = " район"                              # left out of names on the map and the quadrant: «Абинский»
CHART_LQ_SCALE = "LQ"
CHART_LQ_HOVER = "{municipality}<br>{column}<br>LQ {lq}, предприятий: {n}"
CHART_LQ_HOVER_THIN = "{municipality}<br>{column}<br>LQ {lq} — {thin}, предприятий: {n}"
CHART_QUADRANT_HOVER = "{municipality}<br>LQ {lq}, изменение {change}<br>{size} {unit} · {quadrant}"
CLUSTER_ANCHORS_OR = " или "
CLUSTER_COMPARE_REQUIREMENT = "{result} ({value} из {n})"

# The benchmark's report (python -m kuban bench, kuban/tools/bench/).
BENCH_LABELS = {
    "progress_generate": "Синтетическая папка",
    "progress_first_load": "Первая загрузка",
    "progress_serve": "DuckDB: страницы",
    "progress_pandas": "pandas: страницы",
    "progress_sessions": "Сеансы",
    "progress_page_runs": "Страницы целиком (AppTest)",
    "progress_done": "готово за {seconds} с",
    "scenario_krai": "весь край, последние 12 мес.",
    "scenario_one": "один район ({name})",
    "scenario_five": "пять МО и раздел {division}",
    "scenario_year": "весь край, {year} год",
    "title": "Замер дашборда: {rows} строк в каждой таблице фактов",
    "folder": "Папка: {folder} ({how})",
    "folder_written": "создана за {seconds} с",
    "folder_reused": "взята готовая",
    "loaded_rows": "Загружено строк: {tables}; отклонено: {refused}",
    "first_load": "Первая загрузка (хранилища нет): {seconds} с, пик памяти {mb} МБ",
    "restart": "Перезапуск ({store}): {seconds} с",
    "store_yes": "хранилище есть",
    "store_no": "хранилища нет, загрузка заново",
    "serve_peak": "Пик памяти обслуживающего процесса (перезапуск и все смены фильтров): {mb} МБ",
    "changes": "Смена фильтра, мс (медиана / 95-й процентиль из {repeat} замеров; кэш результатов очищен):",
    "col_page": "страница",
    "col_all": "все сценарии",
    "col_pandas": "pandas, медиана",
    "page_runs": ("Прогон страницы целиком после смены фильтра (сценарий, запросы, графики, таблицы), мс, медиана / "
                  "95-й процентиль из {repeat} на сценарий:"),
    "col_query": "запросы",
    "col_new": "новый вид (кэши пусты)",
    "col_seen": "вид уже строился",
    "pandas": "pandas: чтение таблиц {seconds} с, пик памяти {mb} МБ, медиана смены фильтра {ms} мс",
    "agree": "Ответы DuckDB и pandas совпадают: {n} чисел (до 1e-9 относительно)",
    "disagree": "Ответы DuckDB и pandas расходятся ({n}):",
    "speedup": "Время pandas / время DuckDB (все страницы): {x} — медиана по сценариям ({each})",
    "sessions_title": "Одновременные зрители ({client}): {sessions} сеансов, {seconds} с, папка {folder}",
    "client_websocket": "протокол websocket Streamlit",
    "client_chromium": "страницы Chromium",
    "sessions_think": "Пауза зрителя после перерисовки: около {think} с (от половины до полутора)",
    "sessions_start": "Сервер готов за {start} с, первая страница за {first} с",
    "sessions_changes": "Смен фильтра: {changes}, ошибок приложения: {errors}, не дождались за {timeout} с: {timeouts}",
    "sessions_redraw": "Перерисовка после смены, мс: медиана {p50}, 95-й процентиль {p95}, максимум {max}",
    "sessions_peak": "Пик памяти сервера: {mb} МБ",
    "sessions_error": "  ошибка: {error}",
    "no_websockets": "Нет клиента websocket (пакет websockets или протоколы Streamlit): {error}",
    "no_chromium": "Chromium не найден: установите пакет chromium (Debian) или укажите KUBAN_CHROMIUM",
    "server_failed": "Дашборд не запустился (код {code}); журнал: {log}",
    "phase_failed": "Шаг замера «{phase}» завершился с кодом {code}",
}

# Several processes behind nginx (python -m kuban serve --workers N, kuban/tools/workers.py).
WORKERS_COUNT = "--workers: нужно число процессов от 1"
WORKERS_NO_NGINX = ("nginx не найден: установите пакет Debian nginx-light (apt-get install nginx-light) или укажите "
                    "путь к nginx в переменной KUBAN_NGINX")
WORKERS_BAD_PORT = "--server.port: «{port}» — не номер порта"
WORKERS_NGINX_FAILED = "nginx не принял настройки: {error}"
WORKERS_DIED = "{what}: процесс завершился при запуске (подробности выше)"
WORKERS_TIMEOUT = "{what}: не ответили за {seconds} с"
WORKERS_WHAT_WORKERS = "Процессы дашборда"
WORKERS_WHAT_PROXY = "nginx"
WORKERS_READY = "Дашборд: {url} — {n} процесс(а/ов) за nginx (внутренние порты {ports}). Остановить: Ctrl+C."
WORKERS_RESTART = "Процесс дашборда на порту {port} завершился (код {code}) — запускаю снова."
WORKERS_PROXY_ENDED = "nginx завершился — останавливаю процессы дашборда."

# --- Access: sign-in, roles, the audit log (kuban/access/, kuban/app/signin.py) ---
USERS_BAD_LOGIN = ("«{login}» не подходит как имя пользователя: до 64 знаков — латинские строчные буквы, цифры "
                   "и . _ @ -, первым знаком буква или цифра")
USERS_SHORT_PASSWORD = "пароль короче {n} знаков"
USERS_LONG_PASSWORD = "пароль длиннее {n} знаков"
USERS_UNREADABLE = "список пользователей (access/users.json) не читается: {error}; вход по паролю закрыт"
USERS_NOT_JSON = "содержимое не является списком пользователей в формате JSON"
USERS_EXISTS = "пользователь «{login}» уже есть; чтобы сменить пароль: python -m kuban users passwd {login}"
USERS_UNKNOWN = "пользователя «{login}» нет в списке"
USERS_ADDED = "Пользователь «{login}» добавлен."
USERS_REMOVED = "Пользователь «{login}» удалён из списка пользователей; записи о нём в журнале действий сохранены."
USERS_PASSWORD_SET = "Пароль пользователя «{login}» сменён."
USERS_PASSWORD_PROMPT = "Пароль для «{login}»: "
USERS_PASSWORD_AGAIN = "Ещё раз: "
USERS_PASSWORD_MISMATCH = "пароли не совпадают"
USERS_PASSWORD_NEEDED = "нужен пароль: введите его в терминале или передайте через --password-stdin"
USERS_NONE = "Пользователей нет. Добавить: python -m kuban users add ИМЯ --role admin"
USERS_ROLE_ADDED = "В файл доступа добавлена запись [users.\"{login}\"]: {role}."
USERS_LIST_HEADER = "пользователь\tроль\tмуниципальные образования\tданные\tсоздан\tпароль сменён"
USERS_NO_ACCESS = "нет прав (не указан в файле доступа)"
USERS_WHOLE_KRAI = "весь край"
ACCESS_NOT_REGULAR = "это не обычный файл"
ACCESS_TOO_LARGE = "файл больше {kb} КБ"
ACCESS_NOT_UTF8 = "файл не в кодировке UTF-8"
ACCESS_UNREADABLE = "файл доступа (access/access.toml) не читается: {error}; до исправления данные не видны никому"
ACCESS_BAD_TOML = "ошибка в записи TOML: {error}"
ACCESS_NOT_TABLE = "{where}: ожидается раздел с полями role, municipalities, detail"
ACCESS_BAD_ROLE = "{where}: роль «{role}» неизвестна (нужна municipal, krai, editor или admin); запись не действует"
ACCESS_BAD_DETAIL = ("{where}: detail = «{detail}» не подходит (нужно full или aggregates; aggregates — только для "
                     "ролей municipal и krai); запись не действует")
ACCESS_NO_MUNIS = "{where}: для роли municipal нужен список municipalities; запись не действует"
ACCESS_UNKNOWN_MUNI = "{where}: муниципальные образования {names} не найдены (ближайшие: {closest}); запись не действует"
ACCESS_MUNIS_IGNORED = "{where}: municipalities не действует для роли {role} (она видит весь край)"
ACCESS_UNKNOWN_SECTION = "раздел [{section}] не предусмотрен (нужны [users.…] и [groups.…]) и пропущен"
ACCESS_BAD_MEMBERS = "{where}: members должен быть списком имён или адресов"
ROLE_LABELS = {"municipal": "просмотр своих муниципальных образований", "krai": "просмотр всего края",
               "editor": "редактор", "admin": "администратор"}
DETAIL_LABELS = {"full": "полные (с предприятиями)", "aggregates": "только сводные, малые ячейки скрыты"}
SIGNIN_TITLE = "Вход"
SIGNIN_LOGIN = "Имя пользователя"
SIGNIN_PASSWORD = "Пароль"
SIGNIN_BUTTON = "Войти"
SIGNIN_SSO = "Войти через единый вход организации"
SIGNIN_WRONG = "Неверное имя пользователя или пароль."
SIGNIN_THROTTLED = "Слишком много неудачных попыток входа. Повторите через {seconds} с."
SIGNIN_IDLE = "Сеанс завершён: не было действий больше {minutes} мин. Войдите снова."
SIGNIN_NO_ACCESS = ("Вход выполнен ({user}), но прав на просмотр данных у вас нет: вас нет в файле доступа "
                    "или запись о вас содержит ошибку. Обратитесь к администратору дашборда.")
SIGNIN_OPEN_REFUSED = ("Вход в дашборд не настроен, поэтому без входа он открывается только на том компьютере, "
                       "где запущен (адрес 127.0.0.1). Администратору: добавьте пользователей командой "
                       "`python -m kuban users add ИМЯ --role admin` или настройте единый вход "
                       "(раздел [auth] в .streamlit/secrets.toml), либо запустите дашборд с адресом 127.0.0.1.")
SIGNIN_OPEN_SIDEBAR = "Вход не настроен: дашборд открыт только на этом компьютере."
SIGNIN_AS = "Вы вошли как **{user}** — {role}."
SIGNOUT = "Выйти"
ACCESS_RESTRICTED_NOTICE = ("Вам доступны данные только по муниципальным образованиям: {names}. Все итоги, графики, "
                            "карты, таблицы и выгрузки — по ним.")
ACCESS_AGGREGATES_NOTICE = ("Вам доступны только сводные данные: сведения об отдельных предприятиях не показываются, "
                            "а значения, за которыми меньше 3 предприятий, скрыты («—»).")
ACCESS_ENTERPRISES_HIDDEN = "Сведения по отдельным предприятиям скрыты: вам доступны только сводные данные."
USERS_MUNIS_NEEDED = "для роли municipal укажите муниципальные образования: --municipality \"Кореновский район\""
USERS_MUNIS_ROLE = "--municipality действует только вместе с --role municipal"
USERS_MUNI_UNKNOWN = "муниципальное образование «{name}» не найдено (ближайшие: {closest})"
USERS_NO_ROLE_YET = ("Прав у «{login}» пока нет: добавьте запись в access/access.toml папки данных или повторите "
                     "с --role (например, python -m kuban users add {login} --role krai).")
USERS_ENTRY_REMOVED = "Его запись в файле доступа тоже удалена (членство в группах — нет)."
USERS_SSO = "единый вход"
ACCESS_FILE_HEADER = ("# Кто что видит в дашборде «Промышленность Кубани». Роли: municipal — свои муниципальные\n"
                      "# образования (municipalities = [...]), krai — весь край, editor — весь край и изменения,\n"
                      "# admin — всё. detail = \"aggregates\" — только сводные данные. Подробнее — в README.md.\n")
CLI_USER_PREFIX = "командная строка: "
CLI_FILE_UNREADABLE = "файл не удалось прочитать: {error}"
CLI_ADD_LINE = "{file} → «{title}»: строк {rows}, отклонено {refused}, заменят имеющиеся {superseded}"
CLI_ADD_STORED = "; сохранён как {stored}"
CLI_ADD_NOTHING_STORED = "Файл отклонён целиком — ничего не сохранено."
CLI_ADD_DRY_RUN = "Проверка без сохранения (--dry-run): ничего не сохранено."
CLI_HISTORY_LINE = "{time}  {user}  {action}: {stored} (исходное имя «{original}»){now}"
CLI_HISTORY_UNTRACKED = "положен в папку вручную (нет записи в истории): {stored}"
CLI_WITHDRAWN = "Файл {stored} отозван: перенесён в архив, дашборд его больше не читает."
CLI_RESTORED = "Файл {stored} восстановлен и снова читается дашбордом."
AUDIT_UPLOAD_DETAIL = "исходное имя «{original}», строк {rows}, отклонено {refused}"
HISTORY_ACTIONS = {"accepted": "добавлен", "replaced": "заменён", "withdrawn": "отозван", "restored": "восстановлен"}
HISTORY_STATE = {"accepted": "", "restored": "", "replaced": " — сейчас в архиве", "withdrawn": " — сейчас в архиве"}
CLI_AS_NO_ACCESS = "у пользователя «{user}» нет прав по файлу доступа: ни одной строки он не увидит"
CLI_AS_AGGREGATES = ("«{user}» видит только сводные данные со скрытыми малыми ячейками; произвольный SQL от его "
                     "имени не выполняется — смотрите страницы дашборда")
CLI_AS_BYPASS = ("запрос с --as читает таблицы только по их простым именам (shipments, enterprises, …) и макросам "
                 "дашборда; «{what}» так не читается")
CLI_REPORT_BAD_MONTH = "«{value}» — не месяц: нужен вид ГГГГ-ММ, например 2025-03"
CLI_REPORT_UNKNOWN_PAGE = "Нет страницы «{page}»; справка есть у страниц: {pages}"
CLI_REPORT_CLOSEST = " (похоже на {page})"
CLI_REPORT_MUNI_NOT_PERMITTED = "«{user}» не видит муниципальное образование «{name}» (по файлу доступа)"
CLI_REPORT_UNKNOWN_DIVISION = "Раздела ОКВЭД «{code}» нет среди обрабатывающих производств; есть: {codes}"
CLI_REPORT_NO_MONTHS = "В данных нет ни одного месяца: справку составить не из чего"
CLI_REPORT_PERIOD_REVERSED = "Месяц --from {first} позже месяца --to {last}"
CLI_REPORT_MONTH_OUTSIDE = "За {month} данных нет: они есть с {first} по {last}"
CLI_REPORT_PAGE_FAILED = "Страница «{page}» не построилась: {error}"
CLI_REPORT_NOTHING_RECORDED = "на ней нечего показать"
CLI_REPORT_NO_OUT_FOLDER = "Нет папки для файла справки: {folder}"
CLI_REPORT_OUT_IS_FOLDER = "{file} — это папка; укажите имя файла"
CLI_REPORT_WRITE_FAILED = "Не удалось записать {file}: {error}"
CLI_REPORT_NO_PICTURES = ("Графики не нарисованы: браузер Chromium не найден или не запустился (укажите его в "
                          "KUBAN_CHROMIUM или установите: make chromium). Справка Word записана без рисунков.")
CLI_REPORT_WRITTEN = "Справка «{title}» записана в {file}: графиков {figures}, таблиц {tables}."
DL_BY_DIVISION = "Отгрузка по отраслям"
CLUSTER_SAVE_EDITORS = "Сохранять определения кластера могут редакторы и администраторы."
CLUSTER_REQ_HIDDEN = ("Число участников не проверяется: для этого нужны сведения об отдельных предприятиях, "
                      "а вам доступны только сводные данные.")
SIGNIN_OPEN_DATA = ("Вход не настроен: дашборд открыт без входа и показывает всё, но только на этом компьютере "
                    "(адрес 127.0.0.1). Чтобы открыть его другим, настройте вход: пользователи — командой "
                    "`python -m kuban users add ИМЯ --role admin`, права — в файле access/access.toml папки данных; "
                    "или единый вход организации (раздел [auth] в .streamlit/secrets.toml). Подробнее — в README.md.")
ACCESS_SUMMARY = "Вы вошли как **{user}**: {role}; муниципальные образования: {munis}; данные: {detail}."
DATA_REPORT_EDITORS = ("Отчёт о загрузке (файлы и отклонённые строки всех муниципальных образований) доступен "
                       "редакторам и администраторам.")
AUDIT_HEADER = "Журнал действий"
TABLE_MORE_COLUMNS = "Таблица шире страницы: правее, если прокрутить её вбок, — {columns}."
AUDIT_EMPTY = "В журнале пока нет записей."
AUDIT_NOTE = ("Входы и неудачные попытки, выходы, выгрузки, сохранённые определения кластера — кто, когда, что. "
              "Показаны последние записи; файл «Журнал действий» ниже — все.")
AUDIT_ACTIONS = {"signin": "вход", "signin_failed": "неудачная попытка входа",
                 "signin_throttled": "попытка входа отклонена (слишком много неудачных)", "signout": "выход",
                 "idle_timeout": "выход по бездействию", "access_denied": "вход без прав на данные",
                 "download": "выгрузка", "definition_saved": "сохранено определение кластера",
                 "upload": "загрузка файла", "withdraw": "файл отозван", "restore": "файл восстановлен"}
AUDIT_COLUMNS = {"time": "Время", "user": "Пользователь", "action": "Действие", "ip": "Адрес",
                 "what": "Что", "filter": "Фильтр", "detail": "Подробности"}
DL_AUDIT = "Журнал действий"
ACCESS_DUPLICATE = "{where}: запись об этом имени уже есть (регистр букв не различается); обе записи не действуют"

# «Справка»: the page as a Word document and a self-contained HTML file (kuban/app/brief.py, brief_docx.py,
# brief_html.py; the buttons in kuban/app/ui.py downloads).
BRIEF_DOWNLOADS = "Справка для совещания: всё, что показано на странице, с графиками"
BRIEF_DOCX = "Справка (Word)"
BRIEF_DOCX_HELP = ("Документ Word (A4): условия выборки, основные показатели, каждый график рисунком, таблица "
                   "и примечания — для текущих фильтров. Собирается несколько секунд")
BRIEF_HTML = "Справка (HTML)"
BRIEF_HTML_HELP = ("Один файл HTML: открывается без сети, графики интерактивные; печатается в PDF из браузера "
                   "(Ctrl+P)")
BRIEF_FILE = "справка"
BRIEF_STEMS = {"overview": "обзор", "shipments": "отгрузка", "production": "производство", "loans": "займы-ФРП",
               "subsidies": "субсидии", "cluster": "кластер"}
BRIEF_KIND = "Справка"
BRIEF_SOURCE = "Дашборд «Промышленность Кубани»"
BRIEF_CONDITIONS = "Условия выборки"
BRIEF_FILTER = "Муниципальные образования: {munis}. Отрасли (разделы ОКВЭД): {divisions}. Месяцы: {period}."
BRIEF_ALL_DIVISIONS = "все"
BRIEF_DATA_TO = "Данные по: {month} (последний месяц, за который есть данные)."
BRIEF_MADE = "Сформировано: {made}; пользователь: {user}."
BRIEF_USER_OPEN = "без входа (этот компьютер)"
BRIEF_METRICS = "Основные показатели"
BRIEF_METRICS_COLUMNS = ("Показатель", "Значение")
BRIEF_DELTA = "{delta} к тем же месяцам год назад"
BRIEF_CHARTS = "Графики"
BRIEF_FIGURE_CAPTION = "Рисунок {n} — {title}"
BRIEF_TABLES = "Таблица"
BRIEF_TABLE_CAPTION = "Таблица {n} — {title}"
BRIEF_ROWS_CUT = "Показаны первые {shown} из {total}; все строки — в CSV."
BRIEF_NOTES = "Примечания"
BRIEF_UNTITLED = "График"
BRIEF_TABLE_UNTITLED = "Таблица"
BRIEF_NO_PICTURES = ("Графики не удалось нарисовать на сервере (нет браузера Chromium); они есть в справке HTML "
                     "и на странице дашборда.")
BRIEF_PAGE_NUMBER = "Страница "

# --- «Предприятие» (the enterprise card) and «Муниципалитет» (the municipality passport) --------------------
PAGE_ENTERPRISE = "Предприятие"
PAGE_MUNICIPALITY = "Муниципалитет"
ENTERPRISE_TITLE = "Карточка предприятия"
ENTERPRISE_NOTE = ("Отгрузка, экспорт, производство и численность предприятия по месяцам выбранного периода и год "
                   "назад; займы ФРП и субсидии с отгрузкой до и после решения; место в отрасли и в муниципальном "
                   "образовании; участие в кластере.")
ENTERPRISE_FIND = "ИНН или название предприятия"
ENTERPRISE_FIND_PLACEHOLDER = "например, 2399356047 или ЗЭСКМИ"
ENTERPRISE_FIND_HELP = ("Начало ИНН или любая часть названия, без учёта регистра и различия «е» и «ё». "
                        "Ищутся предприятия реестра, доступные вам.")
ENTERPRISE_PICK = "Найденные предприятия"
ENTERPRISE_PICK_PLACEHOLDER = "Выберите предприятие"
ENTERPRISE_FOUND_MORE = "Показаны первые {n} найденных; уточните запрос, чтобы увидеть остальные."
ENTERPRISE_FOUND_NONE = "По запросу «{search}» предприятий не найдено."
ENTERPRISE_START = "Найдите предприятие по ИНН или названию — или щёлкните по строке предприятия в таблице на другой странице."
NO_ACCESS_OR_DATA = "Нет доступа или нет данных."
ENTERPRISE_BAD_INN = "В ссылке указан неверный ИНН: нужно 10 или 12 цифр."
ENTERPRISE_HEAD = "{name}"
ENTERPRISE_FACTS = "ИНН {inn} · ОКВЭД {okved} · {division} · {municipality} · {size}"
ENTERPRISE_NO_NAME = "Наименование не указано"
KPI_EMPLOYEES_AVG = "Среднемесячная численность"
ENTERPRISE_PLACE_DIVISION = "Место по отгрузке в разделе ОКВЭД {division}"
ENTERPRISE_PLACE_MUNICIPALITY = "Место по отгрузке в МО"
ENTERPRISE_PLACE_VALUE = "{rank} из {of}"
ENTERPRISE_PLACE_NONE = "нет отгрузки"
ENTERPRISE_PLACE_HELP = ("Среди предприятий реестра с отгрузкой в выбранных месяцах; 1 — наибольшая отгрузка, "
                         "равные отгрузки делят место. Пользователю с ограниченным доступом — среди доступных ему.")
CHART_ENTERPRISE_SHIPMENTS = "Отгрузка по месяцам"
CHART_ENTERPRISE_OUTPUT = "Производство по месяцам"
CHART_ENTERPRISE_HEADCOUNT = "Численность по месяцам"
TABLE_ENTERPRISE_MONTHLY = "Помесячные показатели"
TABLE_ENTERPRISE_SUPPORT = "Займы ФРП и субсидии"
ENTERPRISE_SUPPORT_NOTE = ("Все решения по предприятию за всё время; отгрузка — за 12 месяцев до месяца решения и 12 "
                           "месяцев после него (месяц решения не входит ни туда, ни туда).")
ENTERPRISE_SUPPORT_NONE = "Займов ФРП и субсидий у предприятия нет."
SUPPORT_KINDS = {"loan": "Заём ФРП", "subsidy": "Субсидия"}
SUPPORT_REFUSED = "отказ"
ENTERPRISE_CLUSTER = "Участие в кластере"
ENTERPRISE_CLUSTER_NOTE = ("Для каждого сохранённого определения кластера (и определения по умолчанию): входит ли "
                           "предприятие в кластер за выбранные месяцы, якорное ли оно и почему.")
CLUSTER_MEMBER_YES = "входит"
CLUSTER_MEMBER_NO = "не входит"
CLUSTER_WHY_CODE = "ОКВЭД {okved} подпадает под код {code}"
CLUSTER_WHY_NOT_CODE = "ОКВЭД {okved} не подпадает ни под один код определения ({codes})"
CLUSTER_WHY_NO_FACTS = "ОКВЭД {okved} подпадает под код {code}, но в выбранных месяцах нет отгрузки и производства"
CLUSTER_ANCHOR_NO = "нет"
CLUSTER_TABLE_COLUMNS = {"definition": "Определение кластера", "member": "Участник", "why": "Почему",
                         "anchor": "Якорное", "anchor_reason": "Якорное — почему"}
DL_ENTERPRISE_MONTHLY = "Предприятие по месяцам"
DL_ENTERPRISE_SUPPORT = "Займы ФРП и субсидии предприятия"
DL_ENTERPRISE_SUMMARY = "Итоги предприятия за период"
DL_ENTERPRISE_CLUSTER = "Участие предприятия в кластерах"
OPEN_ENTERPRISE_HINT = "Щёлкните по строке, чтобы открыть карточку предприятия."

MUNICIPALITY_TITLE = "Паспорт муниципального образования"
MUNICIPALITY_NOTE = ("Муниципальное образование на фоне края за выбранные месяцы: доли в отгрузке, производстве, "
                     "численности, займах и субсидиях, место среди муниципальных образований, динамика, крупнейшие "
                     "предприятия и специализация по отраслям.")
MUNICIPALITY_PICK = "Муниципальное образование"
MUNICIPALITY_PICK_PLACEHOLDER = "Выберите муниципальное образование"
MUNICIPALITY_START = "Выберите муниципальное образование — или щёлкните по нему на карте любой страницы."
MUNICIPALITY_BAD_CODE = "В ссылке указан неверный код ОКТМО: нужно 8 цифр."
MUNICIPALITY_FACTS = "{kind} · административный центр: {center}"
PASSPORT_MEASURES = {"shipped": "Отгрузка", "export": "Экспорт", "output": "Производство",
                     "employees": "Среднемесячная численность", "loans": "Займы ФРП", "subsidies": "Субсидии",
                     "intensity": "Поддержка на 1 млн ₽ отгрузки"}
PASSPORT_COLUMNS = {"measure": "Показатель", "value": "Значение", "total": "Край", "share": "Доля в крае",
                    "rank": "Место", "of": "Из"}
PASSPORT_COLUMNS_RESTRICTED = {"total": "Доступные вам МО", "share": "Доля среди доступных"}
PASSPORT_RANK = "{rank} из {of}"
PASSPORT_SHARE_HELP = "Доля в крае и место среди {of} муниципальных образований (1 — наибольшее значение)."
PASSPORT_HIDDEN = "скрыто"
PASSPORT_THIN = "мало данных"
TABLE_PASSPORT = "Доли и места"
CHART_PASSPORT_SHIPMENTS = "Отгрузка по месяцам"
CHART_PASSPORT_OUTPUT = "Производство по месяцам"
CHART_PASSPORT_LQ = "Специализация: коэффициент локализации по занятости (1 — как в крае)"
PASSPORT_LQ_NOTE = ("Коэффициент локализации отрасли = её доля в занятости муниципального образования / её доля в "
                    "занятости края; выше 1 — отрасль представлена сильнее, чем в крае. «Мало данных» — меньше 3 предприятий или 100 "
                    "работников: такое значение неустойчиво.")
TABLE_PASSPORT_TOP = "Крупнейшие предприятия по отгрузке"
DL_PASSPORT = "Паспорт: доли и места"
DL_PASSPORT_LQ = "Специализация по отраслям"
DL_PASSPORT_TOP = "Крупнейшие предприятия муниципального образования"
MAP_HINT_PASSPORT = "Щёлкните по кружку муниципального образования, чтобы открыть его паспорт."


# --- Backups (kuban/data/backup.py, `python -m kuban backup | restore`) -----------------------------------------
BACKUP_NOT_REGULAR = "«{file}» — не обычный файл: в копию не взят"
BACKUP_FILE_CHANGING = ("Файл «{file}» менялся всё время, пока его копировали (его кто-то записывает вручную?). "
                        "Копия не создана; повторите, когда запись закончится.")
BACKUP_OUT_IS_FOLDER = "«{file}» — папка; укажите имя файла архива, например backup-2026-12-07.tar.gz"
BACKUP_DONE = "Копия папки данных записана: {file} — файлов {files}, {size}."
BACKUP_SKIPPED = "Не взяты в копию (ссылки и не обычные файлы): {items}"
BACKUP_NO_ARCHIVE = "Архив не найден: {file}"
BACKUP_DAMAGED = ("Архив «{file}» повреждён или обрезан (не читается до конца или не сходится его контрольная "
                  "сумма). Ничего не записано; возьмите другую копию.")
BACKUP_BAD_MANIFEST = ("В архиве нет описи файлов (MANIFEST.json) или она не такая, какую пишет дашборд. "
                       "Это не резервная копия дашборда. Ничего не записано.")
BACKUP_NEWER_FORMAT = ("Архив записан в формате {version}, а эта версия программы читает формат до {ours}: "
                       "обновите программу. Ничего не записано.")
BACKUP_STRANGE_MEMBER = ("В архиве есть «{member}» — не файл папки данных или путь за её пределы. "
                         "Ничего не записано.")
BACKUP_FILES_DIFFER = "Файлы архива не совпадают с его описью (MANIFEST.json). Ничего не записано."
BACKUP_CHECKSUM = ("Файл «{file}» в архиве не совпадает с описью (размер или контрольная сумма SHA-256): "
                   "архив повреждён. Ничего не записано.")
BACKUP_NO_SPACE = "Для восстановления нужно около {size} МБ свободного места, столько нет. Ничего не записано."
BACKUP_WRITE_FAILED = "Файлы не удалось записать: {error}. Ничего не оставлено."
BACKUP_TARGET_NOT_FOLDER = "«{folder}» — не папка."
BACKUP_TARGET_NOT_EMPTY = ("Папка «{folder}» не пуста: восстановление её не перезапишет. Укажите пустую или новую "
                           "папку, или добавьте --force (тогда прежняя папка будет переименована, не удалена).")
RESTORE_DONE = "Папка данных восстановлена: {folder} — файлов {files}, {size}; контрольные суммы сошлись."
RESTORE_MOVED_ASIDE = "Прежняя папка сохранена под именем {folder}."
RESTORE_NEXT = "Хранилище (.kuban) будет построено заново при первом запуске; проверить: python -m kuban check --data-dir {folder}"

# --- The offline bundle (kuban/tools/bundle.py, `make bundle`) ------------------------------------------------
BUNDLE_DONE = "Архив для установки без сети: {archive} ({mb} МБ). На сервере: tar xzf …, затем sh install-offline.sh"
BUNDLE_WHEELS_FAILED = "Колёса для Python {version} не скачаны (pip download): {error}"
STORE_UPGRADED = ("Хранилище (.kuban) создано другой версией программы ({old}, формат {old_format}); эта версия "
                  "({new}, формат {new_format}) строит его заново из файлов папки данных. Файлы данных не меняются.")
