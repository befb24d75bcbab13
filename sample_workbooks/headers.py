"""The header texts of each table format, as staff type them: one definition for the sample
workbooks (make_samples.py, run as a script: this folder is on sys.path) and for the tests
(tests/builders.py imports ``sample_workbooks.headers``).

Each format has its column keys (those of schemas/register.toml and schemas/plan.toml) and its
standard header in Kyrgyz and Russian. A table with its own wording, or the seed's typos, is the
standard header with named changes: ``register_header(stated_level="Деңгээли")``.
"""

from __future__ import annotations

from collections.abc import Sequence

#: The register (order No. 114) with the Annex I columns, in the order of the headers below.
REGISTER_KEYS = (
    "number", "function", "cases", "category", "stated_level", "unit", "positions",
    "other_bodies", "probability", "probability_reason", "harm", "harm_reason", "control",
)

REGISTER_KY = (
    "№",
    "Функциясы (ыйгарым укуктары)",
    "Коррупциянын тобокелдиги бар учурлар жана кырдаалдар",
    "Коррупциялык тобокелдиктин категориясы: Системалуу (реалдуу), потенциалдуу, кырдаалдык",
    "Деңгээли (нөлдүк, төмөнкү, орточо, жогорку)",
    "Түзүмдүк бөлүмдүн (мамлекеттик органдын, мекеменин) аталышы",
    "Коррупциялык тобокелдикке кабылган кызмат орундары",
    "Башка маморгандарда/ЖӨБОдо пайда болушу мүмкүнбү",
    "Ыктымалдуулук (балл)",
    "Ыктымалдуулуктун негиздемеси",
    "Кесепеттер (зыян) (балл)",
    "Кесепеттердин (зыяндын) негиздемеси",
    "Ички контролдун натыйжалуулугу",
)

REGISTER_RU = (
    "№ п/п",
    "Функция (полномочия)",
    "Коррупционно-опасные случаи и ситуации",
    "Категория коррупционного риска",
    "Уровень риска",
    "Наименование структурного подразделения",
    "Должности, подверженные коррупционному риску",
    "Возможен ли риск в других госорганах/ОМСУ",
    "Вероятность (балл)",
    "Обоснование вероятности",
    "Ущерб (балл)",
    "Обоснование ущерба",
    "Эффективность внутреннего контроля",
)

#: The action plan (order No. 159), with the status column staff add to report on it.
PLAN_KEYS = ("number", "task", "activity", "deadline", "expected", "responsible", "funding",
             "status")

PLAN_KY = (
    "№",
    "Милдеттер",
    "Иш-чаралар",
    "Ишке ашыруу мөөнөтү",
    "Күтүлүүчү натыйжалар",
    "Жооптуу аткаруучулар",
    "Каржылоо булактары",
    "Аткарылышы",
)

PLAN_RU = (
    "№ п/п",
    "Задачи",
    "Мероприятия",
    "Срок исполнения",
    "Ожидаемые результаты",
    "Ответственные исполнители",
    "Источники финансирования",
    "Статус",
)

#: The plan's optional column that cites the risk an activity answers.
RISK_REF_KY = "Тобокелдикке шилтеме"

REGISTER = {"ky": REGISTER_KY, "ru": REGISTER_RU}
PLAN = {"ky": PLAN_KY, "ru": PLAN_RU}


def changed(keys: Sequence[str], header: Sequence[str], **changes: str | None) -> list[str]:
    """``header`` with the text of each named column replaced; ``None`` leaves it out."""
    unknown = sorted(set(changes) - set(keys))
    if unknown:
        raise KeyError(f"no such column: {', '.join(unknown)}")
    out = [changes.get(key, text) for key, text in zip(keys, header, strict=True)]
    return [text for text in out if text is not None]


def register_header(lang: str = "ky", **changes: str | None) -> list[str]:
    """The register's standard header in ``lang`` with the named changes."""
    return changed(REGISTER_KEYS, REGISTER[lang], **changes)


def plan_header(lang: str = "ky", **changes: str | None) -> list[str]:
    """The plan's standard header in ``lang`` with the named changes."""
    return changed(PLAN_KEYS, PLAN[lang], **changes)
