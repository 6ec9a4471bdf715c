"""Every text a user sees, in one place (Russian), so a second language can come later.

Templates use str.format fields. Identifiers stay English; values are Russian.
"""
from __future__ import annotations

APP_TITLE = "Промышленность Кубани"
APP_SUBTITLE = "Аналитическая панель департамента промышленной политики Краснодарского края"

# --- Loading: reasons a row or a file is refused, superseded or warned about ---
R = {
    # file level
    "file_empty": "файл пуст: нет ни заголовка, ни строк",
    "file_binary": "файл не является таблицей (CSV или Parquet): в нём двоичные данные",
    "file_encoding": "не удалось определить кодировку файла: сохраните его в UTF-8 или Windows-1251",
    "file_unreadable": "файл не удалось прочитать как таблицу: {error}",
    "file_no_header": "в первой строке нет заголовков столбцов этой таблицы",
    "file_missing_columns": "нет обязательных столбцов: {columns}; файл не загружен",
    "file_duplicate_column": "столбец «{column}» встречается в заголовке дважды; файл не загружен",
    "file_unsupported": "файл пропущен: формат «{ext}» не поддерживается (нужен CSV или Parquet)",
    "file_excel_later": "файл пропущен: книги Excel пока не загружаются — сохраните лист как CSV (разделитель «;») и положите рядом",
    "folder_unknown": "папка «{folder}» не относится ни к одной таблице и пропущена",
    "file_outside_table": "файл «{file}» лежит вне папок таблиц и пропущен",
    # header level
    "unknown_column": "столбец «{column}» не предусмотрен форматом данных и пропущен",
    # row level
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
    "okved_format": "код ОКВЭД «{value}» не в формате NN, NN.N, NN.NN или NN.NN.N",
    "oktmo_format": "код ОКТМО «{value}» должен состоять из 8 цифр",
    "size_unknown": "категория «{value}» не распознана (допустимо: микро, малое, среднее, крупное)",
    "municipality_unknown": "муниципальное образование «{value}» не распознано; ближайшие известные: {closest}",
    "municipality_unknown_none": "муниципальное образование «{value}» не распознано; список — в справочнике муниципальных образований",
    "export_above_shipped": "экспорт {export} больше отгрузки {shipped}",
    "inn_not_in_register": "ИНН {inn} нет в реестре предприятий: строка учтена в итогах края как «Не указано»",
    "superseded": "заменена строкой {line} файла {file} (тот же ключ: {key})",
}

KIND_LABELS = {
    "refused_row": "строка отклонена",
    "refused_file": "файл отклонён",
    "superseded": "строка заменена",
    "warning": "предупреждение",
}

UNKNOWN_MUNICIPALITY = "Не указано"
WHOLE_KRAI = "Весь край"
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
FILTER_TO = "По месяц"
FILTER_PERIOD_SWAPPED = "Начало периода позже конца — месяцы поменяны местами."
FILTER_RESET = "Сбросить фильтры"
NO_DATA_YET = "В папке данных пока нет помесячных данных об отгрузке или производстве. Как их добавить — на странице «Данные»."

DEMO_BANNER = ("**Демонстрационные данные.** Предприятия с пометкой «Демо» вымышлены, цифры синтетические "
               "(откалиброваны по опубликованным итогам отрасли). Настоящие данные — в папку данных, см. страницу «Данные».")
LOAD_NOTICE = ("При загрузке отклонено: {refused}. Остальные строки загружены. "
               "Причины — на странице «Данные».")
LOAD_WARNINGS = "Загружено с предупреждениями: {warnings}. Подробности — на странице «Данные»."
DATA_FOLDER = "Папка данных: `{path}`"

DOWNLOADS = "Скачать данные"
DOWNLOAD_EXCEL = "CSV для Excel"
DOWNLOAD_EXCEL_HELP = "UTF-8 с BOM, разделитель «;», десятичная запятая — открывается в русском Excel двойным щелчком"
DOWNLOAD_PLAIN = "CSV (UTF-8, «,»)"
DOWNLOAD_PLAIN_HELP = "UTF-8, разделитель «,», десятичная точка — для других программ"
DOWNLOAD_ROWS = "{label}: {rows} строк"

MAP_HINT = "Щёлкните по кружку муниципального образования, чтобы выбрать его в фильтре; повторный щелчок снимает выбор."
MAP_SHIPMENTS = "Карта: отгрузка по муниципальным образованиям"
VS_YEAR_AGO = "к тем же месяцам год назад"
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
    "inn": "ИНН", "name": "Предприятие", "municipality": "Муниципальное образование", "okved": "ОКВЭД",
    "shipped_rub": "Отгрузка, млн ₽", "export_rub": "Экспорт, млн ₽", "export_share": "Доля экспорта",
    "shipped_prev_rub": "Год назад, млн ₽", "growth": "Рост к году назад",
    "table": "Таблица", "file": "Файл", "status": "Состояние", "rows": "Строк загружено",
    "refused": "Отклонено", "superseded": "Заменено", "warnings": "Предупреждений",
    "period_min": "С", "period_max": "По", "reason": "Причина", "line": "Строка", "column": "Столбец",
    "kind": "Что случилось",
}

# --- Data ---
DATA_TITLE = "Данные: что загружено и что отклонено"
DATA_INTRO = ("Дашборд читает файлы из папки данных: каждая таблица — своя подпапка (`enterprises`, `production`, "
              "`shipments`, `loans`, `subsidies`, `municipalities`). Чтобы добавить месяц, положите файл CSV или Parquet "
              "в нужную подпапку — дашборд заметит его без перезапуска. Файлы при загрузке не изменяются.")
DATA_FILES = "Загруженные файлы"
DATA_PROBLEMS = "Отклонённые и заменённые строки, предупреждения"
DATA_NO_PROBLEMS = "Все строки всех файлов загружены без замечаний."
DATA_KIND_FILTER = "Показать"
DATA_KIND_ALL = "Все виды замечаний"
DATA_SHOWN_FIRST = "Показаны первые {shown} из {total}; полный список — в файле «Отчёт о загрузке» ниже."
DATA_FILES_COUNT = "Файлов загружено"
DATA_ROWS = "Строк в таблицах"
DATA_REFUSED = "Отклонено"
DATA_SUPERSEDED = "Заменено исправлениями"
DATA_WARNINGS = "Предупреждений"
DL_PROBLEMS = "Отчёт о загрузке"
DL_FILES = "Список файлов"
STATUS_LABELS = {"loaded": "загружен", "refused": "отклонён"}
TABLE_LABELS = {
    "municipalities": "Муниципальные образования", "enterprises": "Предприятия", "production": "Производство",
    "shipments": "Отгрузка", "loans": "Займы ФРП", "subsidies": "Субсидии",
}
