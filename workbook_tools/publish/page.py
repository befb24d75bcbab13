"""The page for the official website: the register (and the plan, when the workbook has one)
as one static, self-contained HTML file.

The page is made by Jinja2 from ``templates/page.html`` with autoescaping on, so every text
from the workbook (a cell "<script>…", quotes) is shown as text, never read as markup. It holds
no script and fetches nothing (its Content-Security-Policy forbids both): the styles are inline.
Accessible: ``lang`` of the page's language, real tables with column and row headers (each
section a row group), a level always written as a word (its colour only repeats it), and a
legend; on a phone each row is shown as a card, every value with its column's name.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import jinja2

from .. import messages
from ..atomic import save_atomic
from ..model import Level
from ..rules import matrix
from ..rules.formats import table_format
from .select import Part, Selection

TEMPLATES = Path(__file__).parent / "templates"

#: The columns of each kind of table on the page: (column key, the cell's class); "level" and
#: "residual_level" are shown as words on their colour, "scores" as "2 + 3 = 5", "measures" as
#: the recommended measures or else the management measure of the level (point 6).
COLUMNS: dict[str, tuple[str, ...]] = {
    "register": ("number", "function", "cases", "category", "unit", "positions", "scores",
                 "level", "residual_level", "measures"),
    "plan": ("number", "task", "activity", "deadline", "expected", "responsible", "funding"),
}
SHOWN_LEVELS = matrix.MATRIX_LEVELS


@cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,  # every value is escaped: a workbook's text is never markup
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _text(v: Any) -> str:
    if v is None or (isinstance(v, float) and v != v):
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v).strip()


def _label(kind: str, key: str, lang: str) -> str:
    """A column's header: the page's short one where it has one, else the table format's."""
    code = f"page.col.{key}"
    if messages.has(code):
        return messages.text(code, lang)
    return str(table_format(kind).column(key).label[lang])


def _cell(key: str, rec: dict[str, Any], lang: str) -> dict[str, str]:
    if key in ("level", "residual_level"):
        level = rec.get(key)
        if isinstance(level, str):
            return {"text": messages.level_name(level, lang), "cls": f"lvl lvl-{Level(level)}"}
        return {"text": messages.level_name(None, lang), "cls": ""}
    if key == "scores":
        p, h, s = (rec.get(k) for k in ("probability", "harm", "score"))
        if isinstance(s, int | float) and s == s:
            return {"text": f"{_text(p)} + {_text(h)} = {_text(s)}", "cls": "num"}
        return {"text": "", "cls": "num"}
    if key == "measures":
        own = _text(rec.get("measures"))
        measure = rec.get("measure")
        if not own and isinstance(measure, str):
            own = messages.text(measure.replace("measure.", "measure_short."), lang)
        return {"text": own, "cls": ""}
    if key == "category":
        return {"text": _text(rec.get("category_raw")), "cls": ""}
    if key == "deadline":
        return {"text": _text(rec.get("deadline_raw")), "cls": ""}
    return {"text": _text(rec.get(key)), "cls": ""}


def _table(part: Part, lang: str, heading: str, legend: bool) -> dict[str, Any]:
    kind = part.table.kind.name
    keys = COLUMNS.get(kind, ())
    columns = [{"label": _label(kind, k, lang), "num": k == "number"} for k in keys]
    groups: list[dict[str, Any]] = []
    for _row, rec in part.rows:
        section = _text(rec.get("section"))
        if not groups or groups[-1]["section"] != section:
            groups.append({"section": section, "rows": []})
        groups[-1]["rows"].append([_cell(k, rec, lang) for k in keys])
    items = [{"code": lvl.value, "word": messages.level_name(lvl, lang),
              "measure": messages.text(matrix.MEASURE_KEY[lvl].replace("measure.",
                                                                       "measure_short."), lang)}
             for lvl in SHOWN_LEVELS] if legend else []
    return {"heading": heading, "columns": columns,
            "groups": groups, "legend": items}


def render(sel: Selection, lang: str, day: date) -> str:
    """The page's HTML."""
    t = messages.text
    title = t("page.register_title", lang)
    tables = [_table(p, lang, title, legend=True) for p in sel.registers]
    tables += [_table(p, lang, t("page.plan_title", lang), legend=False) for p in sel.plans]
    fills = {lvl.value: matrix.LEVEL_FILL[lvl][-6:] for lvl in matrix.LEVEL_FILL}
    return _environment().get_template("page.html").render(
        lang=lang, title=title if sel.registers else t("page.plan_title", lang),
        unit=sel.unit, date=messages.day_text(day), date_iso=day.isoformat(),
        date_label=t("page.date", lang), legend_label=t("page.legend", lang),
        legend_note=t("page.legend_note", lang), empty=t("page.empty", lang),
        made_by=t("page.made_by", lang, file=sel.file_name), tables=tables, fills=fills,
    )


@dataclass(frozen=True)
class WrittenPage:
    """What ``write_page`` wrote: the page and how many rows it shows."""

    path: Path
    count: int


def write_page(sel: Selection, target: str | Path, lang: str, day: date) -> WrittenPage:
    """The page, written (atomically) to ``target``, UTF-8. Raises ``OSError`` when it cannot
    be written."""
    target = Path(target)
    html = render(sel, lang, day)
    save_atomic(lambda tmp: tmp.write_text(html, encoding="utf-8", newline="\n"), target)
    return WrittenPage(target, sum(len(p.rows) for p in sel.parts))
