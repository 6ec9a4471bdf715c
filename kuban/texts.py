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
