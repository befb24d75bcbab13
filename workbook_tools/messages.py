"""Every user-facing text, in Kyrgyz (default), Russian and English, keyed by a stable code.

Findings and rejections carry a code and parameters; they become text only here, at the edge.
The words are the documents' own (Annex I, orders No. 114 and No. 159).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from .model import Level

LANGS = ("ky", "ru", "en")
DEFAULT_LANG = "ky"

#: Every text: code -> (ky, ru, en), in the order of :data:`LANGS`. Read-only.
CATALOGUE: Mapping[str, tuple[str, str, str]] = MappingProxyType({
    # --- files that cannot be used -------------------------------------------------------------
    "file.not_found": (
        "Файл табылган жок: {path}",
        "Файл не найден: {path}",
        "File not found: {path}",
    ),
    "file.empty": (
        "Файл бош (0 байт).",
        "Файл пуст (0 байт).",
        "The file is empty (0 bytes).",
    ),
    "file.not_spreadsheet": (
        "Бул файл Excel же LibreOffice таблицасы эмес (мисалы, аты өзгөртүлгөн CSV же текст файлы).",
        "Это не таблица Excel или LibreOffice (например, переименованный CSV или текстовый файл).",
        "This is not an Excel or LibreOffice workbook (for example a CSV or text file renamed).",
    ),
    "file.corrupt": (
        "Файл бузулган же толук көчүрүлгөн эмес, ачылбайт: {detail}",
        "Файл повреждён или скопирован не полностью, не открывается: {detail}",
        "The file is damaged or was copied incompletely and cannot be opened: {detail}",
    ),
    "file.encrypted": (
        "Файл сырсөз менен корголгон (шифрленген). Сырсөздү алып салып, кайра жөнөтүңүз.",
        "Файл защищён паролем (зашифрован). Снимите пароль и отправьте файл снова.",
        "The file is password-protected (encrypted). Remove the password and send it again.",
    ),
    "file.entities": (
        "Файлдын ичиндеги XML коркунучтуу түзүлүштү (entity жарыялоосун) камтыйт, файл окулбайт.",
        "XML внутри файла объявляет сущности (entity): такой файл опасен и не читается.",
        "XML inside the file declares entities: such a file is unsafe and is not read.",
    ),
    "file.zip_bomb": (
        "Файл ачылганда өтө чоң болуп кетет ({detail}; чек: {limit}), файл окулбайт.",
        "При распаковке файл становится слишком большим ({detail}; предел: {limit}), не читается.",
        "The file inflates too much when unpacked ({detail}; limit: {limit}) and is not read.",
    ),
    "file.too_large": (
        "«{sheet}» барагы өтө чоң: {detail} (чек: {limit}).",
        "Лист «{sheet}» слишком велик: {detail} (предел: {limit}).",
        "Sheet “{sheet}” is too large: {detail} (limit: {limit}).",
    ),
    "file.unsupported_format": (
        "Бул форматтагы файл окулбайт ({detail}). .xlsx, .xlsm, .xls же .ods файлын жөнөтүңүз.",
        "Этот формат не поддерживается ({detail}). Нужен файл .xlsx, .xlsm, .xls или .ods.",
        "This format is not supported ({detail}). Send an .xlsx, .xlsm, .xls or .ods file.",
    ),
    "file.no_table": (
        "Файлдан тобокелдиктердин тизмеги да, иш-чаралар планы да табылган жок: эч бир баракта "
        "баш сап жок (№, функциясы, учурлар жана кырдаалдар, деңгээли же Милдеттер, Иш-чаралар, "
        "Ишке ашыруу мөөнөтү).",
        "В файле не найдены ни перечень коррупционных рисков, ни план мероприятий: ни на одном "
        "листе нет строки заголовков (№, функция, случаи и ситуации, уровень или задачи, "
        "мероприятия, срок исполнения).",
        "No risk register and no action plan found in the file: no sheet has a header row "
        "(№, function, cases and situations, level; or tasks, activities, deadline).",
    ),
    "file.no_plan": (
        "--plan файлында иш-чаралар планы табылган жок (баш сап: Милдеттер, Иш-чаралар, Ишке "
        "ашыруу мөөнөтү).",
        "В файле --plan не найден план мероприятий (строка заголовков: задачи, мероприятия, "
        "срок исполнения).",
        "No action plan found in the --plan file (header: tasks, activities, deadline).",
    ),
    "file.timeout": (
        "Файлды окуу өтө көп убакыт алды ({limit} сек. ашык), токтотулду.",
        "Чтение файла заняло слишком много времени (более {limit} с) и остановлено.",
        "Reading the file took too long (over {limit} s) and was stopped.",
    ),
    "file.unreadable": (
        "Файл окулбай калды: {detail}",
        "Не удалось прочитать файл: {detail}",
        "The file could not be read: {detail}",
    ),
    "file.output_failed": (
        "Белгиленген көчүрмө жазылган жок: {detail}",
        "Не удалось записать размеченную копию: {detail}",
        "The scored copy could not be written: {detail}",
    ),
    "formula.neutralised": (
        "Файлдын сыртына кайрылган формула текст катары гана көчүрүлдү: {value}",
        "Формула, обращающаяся за пределы файла, скопирована только как текст: {value}",
        "A formula reaching outside the workbook was copied as text only: {value}",
    ),
    "link.removed": (
        "Тышкы шилтеме көчүрмөдө өчүрүлдү: {value}",
        "Внешняя ссылка удалена в копии: {value}",
        "An external link was removed in the copy: {value}",
    ),
    # --- table and column ----------------------------------------------------------------------
    "column.missing": (
        "Таблицада «{column}» мамычасы жок.",
        "В таблице нет столбца «{column}».",
        "The table has no “{column}” column.",
    ),
    "register.not_scored": (
        "Таблицада баллдар жок: {count} тобокелдик али бааланган эмес. Ыктымалдуулук жана "
        "кесепеттер (зыян) баллдарынын мамычаларын кошуңуз (I-тиркеме).",
        "В таблице нет баллов: рисков без оценки — {count}. Добавьте столбцы баллов вероятности "
        "и последствий (ущерба) (Приложение I).",
        "The table has no scores: {count} risks are not yet scored. Add probability and harm "
        "score columns (Annex I).",
    ),
    "row.continuation": (
        "Бул саптагы текст {number}-саптагы жазуунун уландысы катары кабыл алынды.",
        "Текст этой строки принят как продолжение записи в строке {number}.",
        "The text of this row was taken as the continuation of the entry in row {number}.",
    ),
    # --- values ----------------------------------------------------------------------------------
    "score.unreadable": (
        "«{column}»: «{value}» балл катары окулбайт; 1, 2 же 3 (же Төмөнкү, Орточо, Жогорку) "
        "жазыңыз.",
        "«{column}»: «{value}» не читается как балл; укажите 1, 2 или 3 (или низкий, средний, "
        "высокий).",
        "“{column}”: “{value}” cannot be read as a score; write 1, 2 or 3 (or low, medium, high).",
    ),
    "score.out_of_range": (
        "«{column}»: {value} балл 1–3 чегинен тышкары.",
        "«{column}»: балл {value} вне шкалы 1–3.",
        "“{column}”: score {value} is outside the 1–3 scale.",
    ),
    "score.missing": (
        "«{column}» толтурулган эмес: тобокелдиктин деңгээли эсептелбейт.",
        "«{column}» не заполнен: уровень риска не вычисляется.",
        "“{column}” is empty: the risk level cannot be computed.",
    ),
    "reason.missing": (
        "«{column}» жок: ар бир ыйгарылган баллга кыскача негиздеме келтирилет (7-пункт).",
        "Нет «{column}»: каждый присвоенный балл требует краткого обоснования (пункт 7).",
        "“{column}” is missing: every score given needs a short justification (point 7).",
    ),
    "level.mismatch": (
        "Көрсөтүлгөн деңгээл «{value}» эсептелгенге дал келбейт: {total} балл = {computed}.",
        "Указанный уровень «{value}» не совпадает с вычисленным: {total} балла = {computed}.",
        "The stated level “{value}” differs from the computed one: {total} points = {computed}.",
    ),
    "level.unknown": (
        "Деңгээл «{value}» таанылган жок: нөлдүк, төмөнкү, орточо же жогорку болушу керек.",
        "Уровень «{value}» не распознан: нулевой, низкий, средний или высокий.",
        "Level “{value}” is not recognised: zero, low, medium or high.",
    ),
    "category.unknown": (
        "Категория «{value}» таанылган жок: системалуу (реалдуу), потенциалдуу же кырдаалдык.",
        "Категория «{value}» не распознана: системный (реальный), потенциальный или ситуативный.",
        "Category “{value}” is not recognised: systemic (real), potential or situational.",
    ),
    "control.unknown": (
        "Контролдун натыйжалуулугу «{value}» таанылган жок: жогорку, орточо же төмөнкү.",
        "Эффективность контроля «{value}» не распознана: высокая, средняя или низкая.",
        "Control effectiveness “{value}” is not recognised: high, medium or low.",
    ),
    "word.typo": (
        "«{value}» «{meant}» деп кабыл алынды (жазуу катасы окшойт), текшериңиз.",
        "«{value}» принято как «{meant}» (похоже на опечатку), проверьте.",
        "“{value}” was taken as “{meant}” (it looks like a typo); please check.",
    ),
    "cases.missing": (
        "Коррупциянын тобокелдиги бар учур же кырдаал жазылган эмес.",
        "Не описан случай или ситуация с коррупционным риском.",
        "The case or situation with corruption risk is not described.",
    ),
    # --- plan -------------------------------------------------------------------------------------
    "deadline.unreadable": (
        "Мөөнөт «{value}» түшүнүлгөн жок; даталары бош калды.",
        "Срок «{value}» не распознан; даты оставлены пустыми.",
        "Deadline “{value}” is not understood; its dates are left empty.",
    ),
    "deadline.implausible": (
        "Мөөнөт «{value}» ишенимсиз: {year}-жыл {low}–{high} аралыгынан тышкары.",
        "Срок «{value}» неправдоподобен: {year} год вне {low}–{high}.",
        "Deadline “{value}” is implausible: year {year} is outside {low}–{high}.",
    ),
    "deadline.reversed": (
        "Мөөнөт «{value}»: башталышы аягынан кийин.",
        "Срок «{value}»: начало позже окончания.",
        "Deadline “{value}”: the start is after the end.",
    ),
    "activity.missing": (
        "Иш-чара жазылган эмес.",
        "Мероприятие не указано.",
        "The activity is empty.",
    ),
    "status.unknown": (
        "Аткарылышы «{value}» таанылган жок: аткарылды, аткарылууда же башталган жок.",
        "Статус «{value}» не распознан: выполнено, в процессе или не начато.",
        "Status “{value}” is not recognised: done, in progress or not started.",
    ),
    "risk.no_measure": (
        "Жогорку тобокелдикке каршы иш-чаралар планында чара жок: 6-пункт боюнча ал башкаруу "
        "планына биринчи кезекте киргизилет.",
        "Для высокого риска нет мероприятия в плане: по пункту 6 он первым включается в план "
        "управления рисками.",
        "No plan activity covers this high risk: point 6 puts it first into the risk management "
        "plan.",
    ),
    # --- plan: statuses, columns, summary, yearly report ------------------------------------------
    "deadline.missing": (
        "Ишке ашыруу мөөнөтү көрсөтүлгөн эмес.",
        "Срок исполнения не указан.",
        "The deadline is not given.",
    ),
    "status.overdue": ("Мөөнөтү өттү", "Просрочено", "Overdue"),
    "status.due_soon": ("Мөөнөтү жакындады (30 күн)", "Срок скоро (30 дней)", "Due soon (30 days)"),
    "status.on_track": ("Убагында", "В срок", "On track"),
    "status.done": ("Аткарылды", "Выполнено", "Done"),
    "status.no_deadline": ("Мөөнөтү белгисиз", "Срок не известен", "No known deadline"),
    "col.due_start": ("Мөөнөтүнүн башталышы", "Начало срока", "Due from"),
    "col.due_end": ("Мөөнөтүнүн аягы", "Окончание срока", "Due by"),
    "col.recurring": ("Жыл сайын", "Ежегодно", "Yearly"),
    "col.status": ("Абалы", "Состояние", "Status"),
    "word.yes": ("ооба", "да", "yes"),
    "plan.as_of": ("абалы боюнча", "по состоянию на", "as of"),
    "plan.by_status": ("Иш-чаралар абалы боюнча", "Мероприятия по состоянию", "Activities by status"),
    "plan.overdue": ("Мөөнөтү өткөн иш-чаралар", "Просроченные мероприятия", "Overdue activities"),
    "plan.task": ("Милдеттер", "Задачи", "Tasks"),
    "plan.activity": ("Иш-чаралар", "Мероприятия", "Activities"),
    "plan.deadline": ("Ишке ашыруу мөөнөтү", "Срок исполнения", "Deadline"),
    "plan.expected": ("Күтүлүүчү натыйжалар", "Ожидаемые результаты", "Expected results"),
    "plan.responsible": ("Жооптуу аткаруучулар", "Ответственные исполнители",
                         "Responsible executors"),
    "plan.by_responsible": ("Жооптуу аткаруучулар боюнча", "По ответственным исполнителям",
                            "By responsible executor"),
    "plan.by_funding": ("Каржылоо булактары боюнча", "По источникам финансирования",
                        "By funding source"),
    "sheet.yearly": ("Жылдык отчет {year}", "Годовой отчёт {year}", "Yearly report {year}"),
    "yearly.title": (
        "{year}-жылы иш-чаралар планынын аткарылышы жөнүндө отчет "
        "({due}-жылдын 1-февралынан кечиктирбестен берилет)",
        "Отчёт о выполнении плана мероприятий за {year} год "
        "(представляется не позднее 1 февраля {due} года)",
        "Report on the action plan for {year} (due by 1 February {due})",
    ),
    "yearly.done_note": ("Аткарылышы жөнүндө маалымат", "Информация о выполнении",
                         "What was done"),
    # --- short titles of finding codes (Summary sheet) ------------------------------------------
    "title.score.unreadable": ("Балл окулбайт", "Балл не читается", "Score cannot be read"),
    "title.score.out_of_range": ("Балл 1–3 чегинен тышкары", "Балл вне шкалы 1–3", "Score outside 1–3"),
    "title.score.missing": ("Балл толтурулган эмес", "Балл не заполнен", "Score missing"),
    "title.column.missing": ("Мамыча жок", "Нет столбца", "Column missing"),
    "title.reason.missing": ("Баллдын негиздемеси жок", "Нет обоснования балла", "Justification missing"),
    "title.level.mismatch": ("Көрсөтүлгөн деңгээл эсептелгенге дал келбейт", "Указанный уровень не совпадает с вычисленным", "Stated level differs from the computed one"),
    "title.word.typo": ("Сөз жазуу катасы катары кабыл алынды", "Слово принято как опечатка", "Word accepted as a typo"),
    "title.level.unknown": ("Деңгээл таанылган жок", "Уровень не распознан", "Level not recognised"),
    "title.category.unknown": ("Категория таанылган жок", "Категория не распознана", "Category not recognised"),
    "title.control.unknown": ("Контролдун натыйжалуулугу таанылган жок", "Эффективность контроля не распознана", "Control effectiveness not recognised"),
    "title.status.unknown": ("Аткарылышы таанылган жок", "Статус не распознан", "Status not recognised"),
    "title.cases.missing": ("Учур же кырдаал жазылган эмес", "Не описан случай или ситуация", "Case not described"),
    "title.activity.missing": ("Иш-чара жазылган эмес", "Мероприятие не указано", "Activity empty"),
    "title.deadline.missing": ("Мөөнөт көрсөтүлгөн эмес", "Срок не указан", "Deadline missing"),
    "title.register.not_scored": ("Тизмек али бааланган эмес", "Перечень ещё не оценён", "Register not yet scored"),
    "title.row.continuation": ("Текст кийинки сапта уланган", "Текст продолжен в следующей строке", "Text continued in the next row"),
    "title.deadline.unreadable": ("Мөөнөт түшүнүлгөн жок", "Срок не распознан", "Deadline not understood"),
    "title.deadline.implausible": ("Мөөнөт ишенимсиз", "Срок неправдоподобен", "Deadline implausible"),
    "title.deadline.reversed": ("Мөөнөттүн башталышы аягынан кийин", "Начало срока позже окончания", "Deadline starts after it ends"),
    "title.risk.no_measure": ("Жогорку тобокелдикке чара жок", "Для высокого риска нет мероприятия", "High risk without a measure"),
    "title.formula.neutralised": ("Тышкы формула текст катары көчүрүлдү", "Внешняя формула скопирована как текст", "Outward formula copied as text"),
    "title.link.removed": ("Тышкы шилтеме өчүрүлдү", "Внешняя ссылка удалена", "External link removed"),
    # --- levels, measures, categories -------------------------------------------------------------
    "level.zero": ("Нөлдүк", "Нулевой", "Zero"),
    "level.low": ("Төмөнкү", "Низкий", "Low"),
    "level.medium": ("Орточо", "Средний", "Medium"),
    "level.high": ("Жогорку", "Высокий", "High"),
    "level.none": ("Бааланган эмес", "Не оценён", "Not scored"),
    "measure.zero": (
        "Чара талап кылынбайт",
        "Меры не требуются",
        "No measure required",
    ),
    "measure.low": (
        "Коррупциялык тобокелдиктин абалына жана белгиленген жол-жоболордун сакталышына "
        "мониторинг жүргүзүү",
        "Мониторинг состояния коррупционного риска и соблюдения установленных процедур",
        "Monitor the state of the risk and compliance with established procedures",
    ),
    "measure.medium": (
        "Коррупциялык тобокелдиктин ишке ашуу ыктымалдыгын төмөндөтүүгө жана анын пайда болушуна "
        "шарт түзгөн жагдайларды жоюуга багытталган алдын алуу, уюштуруу жана контролдук "
        "чараларды иштеп чыгуу жана ишке ашыруу",
        "Разработка и реализация превентивных, организационных и контрольных мер, направленных "
        "на снижение вероятности реализации риска и устранение условий его возникновения",
        "Develop and carry out preventive, organisational and control measures that lower the "
        "probability and remove the conditions for the risk",
    ),
    "measure.high": (
        "Тиешелүү тобокелдикти коррупциялык тобокелдиктерди башкаруу планына биринчи кезекте "
        "киргизүү, аны азайтуу же жоюу боюнча чараларды көрүү, жетекчи тарабынан контролду "
        "жүзөгө ашыруу",
        "Первоочередное включение риска в план управления коррупционными рисками, меры по его "
        "снижению или устранению, контроль со стороны руководителя",
        "Put the risk first into the corruption-risk management plan, take measures to reduce or "
        "remove it, control by the head of the body",
    ),
    "severity.error": ("Ката", "Ошибка", "Error"),
    "severity.warning": ("Эскертүү", "Предупреждение", "Warning"),
    # --- the annotated copy -----------------------------------------------------------------------
    "sheet.summary": ("Жыйынтык", "Итоги", "Summary"),
    "sheet.findings": ("Эскертүүлөр", "Замечания", "Findings"),
    "col.sum": ("Баллдардын суммасы", "Сумма баллов", "Sum of points"),
    "col.level": ("Эсептелген деңгээл", "Вычисленный уровень", "Computed level"),
    "col.residual": ("Калдык тобокелдик", "Остаточный риск", "Residual risk"),
    "col.measure": ("Талап кылынган чара (6-пункт)", "Требуемая мера (пункт 6)",
                    "Required measure (point 6)"),
    "col.findings": ("Эскертүүлөр", "Замечания", "Findings"),
    "legend.title": ("Белгилер", "Условные обозначения", "Legend"),
    "legend.finding": ("Эскертүүсү бар уяча", "Ячейка с замечанием", "Cell with a finding"),
    "summary.title": ("Баалоонун жыйынтыгы", "Итоги оценки", "Assessment summary"),
    "summary.file": ("Файл", "Файл", "File"),
    "summary.sheet": ("Барак", "Лист", "Sheet"),
    "summary.by_level": ("Деңгээлдер боюнча", "По уровням", "By level"),
    "summary.by_section": ("Бөлүмдөр боюнча", "По разделам", "By section"),
    "summary.section": ("Бөлүм", "Раздел", "Section"),
    "summary.count": ("Саны", "Количество", "Count"),
    "summary.total": ("Бардыгы", "Всего", "Total"),
    "summary.heatmap": (
        "Матрица: ыктымалдуулук ↓ / зыян →, ар бир уячада тобокелдиктердин саны",
        "Матрица: вероятность ↓ / ущерб →, в каждой ячейке число рисков",
        "Matrix: probability ↓ / harm →, number of risks in each cell",
    ),
    "summary.high_risks": ("Жогорку тобокелдиктер жана талап кылынган чара",
                           "Высокие риски и требуемая мера", "High risks and the required measure"),
    "summary.findings": ("Эскертүүлөрдүн саны", "Число замечаний", "Number of findings"),
    "summary.no_section": ("(бөлүмсүз)", "(без раздела)", "(no section)"),
    "summary.residual_rule": (
        "Калдык тобокелдик: контролдун натыйжалуулугу жогорку болсо, бир категорияга төмөн; "
        "төмөнкү → {low_becomes}.",
        "Остаточный риск: при высокой эффективности контроля на одну категорию ниже; "
        "низкий → {low_becomes}.",
        "Residual risk: one category lower when control effectiveness is high; "
        "low → {low_becomes}.",
    ),
    "findings.severity": ("Түрү", "Вид", "Severity"),
    "findings.code": ("Код", "Код", "Code"),
    "findings.value": ("Жазылганы", "Значение", "Value"),
    "findings.message": ("Түшүндүрмө", "Описание", "Message"),
    "findings.cell": ("Уяча", "Ячейка", "Cell"),
    "summary.risk": ("Тобокелдик", "Риск", "Risk"),
    "summary.row": ("Сап", "Строка", "Row"),
    # --- CLI ---------------------------------------------------------------------------------------
    "cli.rejected": ("Кабыл алынган жок", "Отклонён", "Rejected"),
    "cli.written": ("Жазылды", "Записано", "Written"),
    # counted nouns: Kyrgyz keeps one form after a number; Russian one|few|many, English one|many
    "cli.register": ("тобокелдик", "риск|риска|рисков", "risk|risks"),
    "cli.plan": ("иш-чара", "мероприятие|мероприятия|мероприятий", "activity|activities"),
    "cli.errors": ("ката", "ошибка|ошибки|ошибок", "error|errors"),
    "cli.warnings": ("эскертүү", "предупреждение|предупреждения|предупреждений",
                     "warning|warnings"),
})



def text(code: str, lang: str = DEFAULT_LANG, **params: Any) -> str:
    """The text of ``code`` in ``lang``, with ``params`` filled in; the code itself if unknown."""
    entry = CATALOGUE.get(code)
    if entry is None:
        return code
    template = entry[LANGS.index(lang) if lang in LANGS else 0]
    try:
        return template.format(**params)
    except (KeyError, IndexError, ValueError):
        return template


def counted(n: int, code: str, lang: str = DEFAULT_LANG) -> str:
    """``n`` and the noun of ``code`` in the form that number takes ("3 ошибки", "5 ошибок")."""
    forms = text(code, lang).split("|")
    if lang == "ru" and len(forms) == 3:
        if n % 10 == 1 and n % 100 != 11:
            form = forms[0]
        elif 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
            form = forms[1]
        else:
            form = forms[2]
    elif lang == "en" and len(forms) == 2:
        form = forms[0] if n == 1 else forms[1]
    else:
        form = forms[-1]
    return f"{n} {form}"


def level_name(level: Level | str | None, lang: str = DEFAULT_LANG) -> str:
    if level is None:
        return text("level.none", lang)
    return text(f"level.{Level(level).value}", lang)


def has(code: str) -> bool:
    return code in CATALOGUE


def _resolve(value: Any, lang: str) -> Any:
    """A parameter given in every language ({"ky": ..., "ru": ..., "en": ...}) picks ``lang``."""
    if isinstance(value, dict) and set(value) <= set(LANGS) and value:
        return value.get(lang) or value.get(DEFAULT_LANG) or next(iter(value.values()))
    return value


def render(finding: Any, lang: str = DEFAULT_LANG) -> str:
    """The message of a :class:`~workbook_tools.model.Finding` in ``lang``."""
    params = {k: _resolve(v, lang) for k, v in finding.params.items()}
    params.setdefault("value", "" if finding.value is None else finding.value)
    params.setdefault("column", finding.column or "")
    params.setdefault("sheet", finding.sheet or "")
    return text(finding.code, lang, **params)


# The guard states sizes in English words ("12 005 entries", "ratio 950:1"); said in the
# user's language here, longest first.
_UNIT_WORDS: tuple[tuple[str, str, str], ...] = (
    ("more than the declared", "белгиленгенден көп:", "больше заявленного:"),
    ("zip directory", "zip мазмуну", "оглавление zip"),
    ("merged area", "бириктирилген аймак", "объединённая область"),
    ("more than", "ашык:", "более"),
    ("entries", "бөлүк", "частей"),
    ("columns", "мамыча", "столбцов"),
    ("bytes", "байт", "байт"),
    ("cells", "уяча", "ячеек"),
    ("ratio", "кысуу катышы", "степень сжатия"),
    ("rows", "сап", "строк"),
)


def _say_sizes(value: Any, lang: str) -> Any:
    if lang == "en" or not isinstance(value, str):
        return value
    for en, ky, ru in _UNIT_WORDS:
        value = value.replace(en, ky if lang == "ky" else ru)
    return value


def reason_text(code: str, params: Mapping[str, Any], lang: str = DEFAULT_LANG) -> str:
    """The text of a rejection reason."""
    said = {k: _resolve(v, lang) for k, v in params.items()}
    for key in ("detail", "limit"):
        if key in said and code in ("file.too_large", "file.zip_bomb"):
            said[key] = _say_sizes(said[key], lang)
    return text(code, lang, **said)


def rejection(report: Any, lang: str = DEFAULT_LANG) -> str | None:
    """Why a :class:`~workbook_tools.model.FileReport` was rejected, in ``lang``; None when it
    was not."""
    if report.reason is None:
        return None
    return reason_text(report.reason, report.reason_params, lang)
