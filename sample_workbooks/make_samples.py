"""Write the sample workbooks (run: ``python sample_workbooks/make_samples.py [FOLDER]``; into
this folder when no FOLDER is given).

The samples are what staff of Dostuk ayil okmotu (Aravan district) and of the school and the
kindergarten under it really keep: the tables of order No. 114 (register) and order No. 159
(action plan), with the untidiness of the seed document and the Annex I scores typed in the
ways people type them. See README.md beside this file for what each file carries on purpose,
and tests/data/sample_expectations.json for the values expected from them (worked out by hand).

openpyxl only. Deterministic: fixed document properties, and the zip is rewritten with fixed
entry timestamps, so running the script twice gives byte-identical .xlsx files. The .ods copy
is made by LibreOffice when ``soffice`` is on the PATH (LibreOffice stamps its own metadata, so
the .ods is not byte-identical between runs).

The header texts come from headers.py beside this file, shared with the tests' builders; each
sample's own wording is the standard header with named changes.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from headers import RISK_REF_KY, plan_header, register_header  # this folder is on sys.path
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

HERE = Path(__file__).resolve().parent

FIXED_TIME = dt.datetime(2026, 6, 15, 9, 0, 0)
ZIP_TIME = (2026, 6, 15, 9, 0, 0)

FONT_NAME = "Times New Roman"
THIN = Side(style="thin", color="FF000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP_TOP = Alignment(wrap_text=True, vertical="top")
WRAP_CENTER = Alignment(wrap_text=True, horizontal="center", vertical="center")
CENTER_TOP = Alignment(wrap_text=True, horizontal="center", vertical="top")

NBSP = "\u00a0"
LATIN_O = "\u006f"  # Latin small o, typed inside a Cyrillic word


# --------------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------------


def new_workbook(title: str, creator: str) -> Workbook:
    wb = Workbook()
    wb.properties.creator = creator
    wb.properties.lastModifiedBy = creator
    wb.properties.title = title
    wb.properties.created = FIXED_TIME
    wb.properties.modified = FIXED_TIME
    return wb


def font(bold: bool = False, size: int = 11, italic: bool = False) -> Font:
    return Font(name=FONT_NAME, size=size, bold=bold, italic=italic)


def set_widths(ws, widths: list[float]) -> None:
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w


def estimate_height(values: list, widths: list[float], size: int = 11) -> float:
    """A row height that shows wrapped text (Excel does not auto-fit rows written by openpyxl)."""
    lines = 1
    for value, width in zip(values, widths, strict=False):
        if value is None:
            continue
        text = str(value)
        per_line = max(1.0, width * 1.05)
        n = sum(max(1, math.ceil(len(part) / per_line)) for part in text.split("\n"))
        lines = max(lines, n)
    return round(lines * size * 1.32 + 4, 1)


def write_row(
    ws,
    row: int,
    values: list,
    widths: list[float],
    *,
    bold: bool = False,
    align: Alignment = WRAP_TOP,
    border: bool = True,
    height: float | None = None,
    center_cols: tuple[int, ...] = (),
) -> None:
    for col, value in enumerate(values, start=1):
        cell = ws.cell(row=row, column=col)
        if value is not None:
            cell.value = value
        cell.font = font(bold=bold)
        cell.alignment = CENTER_TOP if col in center_cols else align
        if border:
            cell.border = BORDER
    ws.row_dimensions[row].height = height or estimate_height(values, widths)


def border_range(ws, first_row: int, last_row: int, ncols: int) -> None:
    for r in range(first_row, last_row + 1):
        for c in range(1, ncols + 1):
            ws.cell(row=r, column=c).border = BORDER


def merged_line(
    ws,
    row: int,
    ncols: int,
    text: str,
    *,
    bold: bool = False,
    size: int = 11,
    horizontal: str = "center",
    height: float | None = None,
    first_col: int = 1,
) -> None:
    """A line of text above or below the table, merged across columns first_col..ncols."""
    cell = ws.cell(row=row, column=first_col, value=text)
    cell.font = font(bold=bold, size=size)
    cell.alignment = Alignment(wrap_text=True, horizontal=horizontal, vertical="center")
    if ncols > first_col:
        ws.merge_cells(start_row=row, start_column=first_col, end_row=row, end_column=ncols)
    if height:
        ws.row_dimensions[row].height = height


def section_row(ws, row: int, ncols: int, text: str) -> None:
    """A section heading inside the table: bold, merged across the table, bordered."""
    cell = ws.cell(row=row, column=1, value=text)
    cell.font = font(bold=True)
    cell.alignment = Alignment(wrap_text=True, horizontal="left", vertical="center")
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=ncols)
    border_range(ws, row, row, ncols)
    ws.row_dimensions[row].height = 18 if len(text) < 120 else 33


def page_setup(ws, landscape: bool = True) -> None:
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.5


@dataclass(frozen=True)
class Line:
    """A line of text above the table (title, annex line, approval), merged from ``first_col``
    across the table."""

    row: int
    text: str
    bold: bool = False
    size: int = 11
    horizontal: str = "center"
    height: float | None = None
    first_col: int = 1


@dataclass(frozen=True)
class TableSheet:
    """A sheet laid out like the seed's tables: its name, column widths and page set-up, the
    ``lines`` above the table, the bold header at ``header_row``, the row of column numbers under
    it (``numbers``: True for 1..n, a list as typed, None for none), the header rows repeated on
    printed pages (``print_titles``), and the ``signature`` under the table (column -> text)."""

    name: str
    headers: list[str]
    widths: list[float]
    lines: list[Line]
    header_row: int
    numbers: bool | list[int] | None = None
    print_titles: bool = False
    signature: dict[int, str] = field(default_factory=dict)
    signature_bold: bool = True
    signature_height: float | None = None

    def head(self, ws) -> int:
        """Write everything above the table's body; returns the body's first row."""
        ws.title = self.name
        n = len(self.headers)
        set_widths(ws, self.widths)
        page_setup(ws)
        for line in self.lines:
            merged_line(ws, line.row, n, line.text, bold=line.bold, size=line.size,
                        horizontal=line.horizontal, height=line.height, first_col=line.first_col)
        write_row(ws, self.header_row, self.headers, self.widths, bold=True, align=WRAP_CENTER)
        last = self.header_row
        if self.numbers is not None:
            numbers = list(range(1, n + 1)) if self.numbers is True else list(self.numbers)
            last += 1
            write_row(ws, last, numbers, self.widths, align=WRAP_CENTER, height=15)
        if self.print_titles:
            ws.print_title_rows = f"{self.header_row}:{last}"
        return last + 1

    def sign(self, ws, row: int) -> None:
        """The signature under the table, at ``row``; a text with a line break wraps."""
        for col, text in self.signature.items():
            cell = ws.cell(row=row, column=col, value=text)
            cell.font = font(bold=self.signature_bold)
            if "\n" in text:
                cell.alignment = Alignment(wrap_text=True)
        if self.signature_height:
            ws.row_dimensions[row].height = self.signature_height


def save_deterministic(wb: Workbook, path: Path) -> None:
    """Save, then rewrite the zip with fixed timestamps and the fixed modified date."""
    buf = io.BytesIO()
    wb.save(buf)
    stamp = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ")
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(buf.getvalue())) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                text = data.decode("utf-8")
                text = re.sub(
                    r"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                    rf"\g<1>{stamp}\g<2>",
                    text,
                )
                data = text.encode("utf-8")
            zi = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o600 << 16
            dst.writestr(zi, data)
    path.write_bytes(out.getvalue())


# --------------------------------------------------------------------------------------------
# 1. Dostuk register (annex to order No. 114), administration staff, scores added
# --------------------------------------------------------------------------------------------

# The seed's eight cells word for word (line breaks, "орточо нөлдүк"), then the Annex I inputs
# added "in the existing table format", one of them in words of its own.
DOSTUK_HEADERS = register_header(
    function="Достук айыл өкмөтүнө караштуу мектеп жана балдар бакчаларына жана апарат "
    "кызматкерлеринин\nфункциясы (ыйгарым укуктары)",
    category="Коррупциялык тобокелдиктин категориясы:\nСистемалуу (реалдуу), потенциалдуу, "
    "кырдаалдык",
    stated_level="деңгээли\n(нөлдүк, төмөнкү, орточо нөлдүк)",
    other_bodies="Башка маморгандарда/ЖӨБода коррупциялык тобокелдиктин пайда болушу мүмкүнбү\n"
    "(ооба болсо, кайсы экенин көрсөтүү)",
    harm_reason="Зыяндын негиздемеси",
)
DOSTUK_WIDTHS = [5, 30, 30, 16, 12, 30, 30, 34, 13, 34, 13, 34, 15]

_LSG = "Жергиликтүү өз алдынча башкаруу органдары"
_LSG_OTHER = (
    "Бул тобокелдик мамлекеттик органдарга жана жергиликтүү өз алдынча башкаруу "
    "органдарынын ишине тиешелүү болушу мүмкүн"
)

# Each risk: number, function, cases, category, level, unit, positions, other bodies,
#            probability, its reason, harm, its reason, control.
DOSTUK_SECTION_1 = [
    [
        1,
        "Айыл өкмөтүнүн кызматкерлери жана жеке менчик турак жай куруу үчүн жер тилкелерин "
        "берүү ижарага берүү комиссиялары",
        "Жеке менчик турак жай куруу жер тилкелерин жана берүү ижарага берүү учурлары",
        "Кырдаалдык",
        "Жогору",
        "Айыл өкмөтүнүн кызматкерлери жана жеке менчик турак жай куруу үчүн жер тилкелерин "
        "берүү жана ижарага берүү комиссиялары",
        "Айыл өкмөтүнүн кызматкерлери жана менчик турак жай куруу үчүн жер тилкелерин берүү "
        "жана ижарага берүү комиссиялары",
        "Жерге муктаждардын документтерин кабыл алууда, жеке комиссиясынын отурумунда жана "
        "аукцион өткөрүүдө",
        3,
        "Жер тилкелерин бөлүштүрүүдө комиссиянын дискрециялык ыйгарым укуктары кеңири, "
        "арыздар көп, кезек ачык жарыяланбайт",
        2.0,
        "Жер тилкесинин мыйзамсыз берилиши айыл өкмөтүнүн айрым жол-жоболоруна жана беделине "
        "зыян келтирет",
        "Жогорку",
    ],
    [
        2,
        "Айыл өкмөтүнүн муктаждыктар үчүн товарларды сатып алуу",
        "Мамлекеттик сатып алуулар",
        "Кырдаалдык",
        "Жогору",
        "Айыл өкмөтүнүн кызматкерлери жана товарларды",
        "Айыл өкмөтүнүн кызматкерлери жана товарларды",
        "Кыргыз Республикасынын мыйзамдарында каралбаган маалыматты суроо",
        " 2 ",
        "Сатып алуулар электрондук порталда өткөрүлөт, бирок техникалык шарттарды түзүүдө "
        "чектелген дискреция бар",
        "жогорку",
        "Жергиликтүү бюджеттин каражаттарына олуттуу финансылык зыян, коомдук ишенимдин төмөндөшү",
        "орточо",
    ],
]
# The seed's continuation row after risk 2: text of the unit / positions cells split off.
DOSTUK_CONTINUATION_1 = [
    None,
    None,
    None,
    None,
    None,
    "сатып алуу боюнча түзүлгөн комиссия курамы",
    "сатып алуу боюнча түзүлгөн комиссия курамы",
    "Бош кызмат оруну пайда болгон жана аттестациялоо учурлары",
    None,
    None,
    None,
    None,
    None,
]
DOSTUK_SECTION_1B = [
    [
        3,
        "Айыл өкмөтүнүн муниципалдык кызмат орундарына дайындоо, кадрлар резервине киргизүү, "
        "аттестациялоо",
        "Бош кызмат оруну пайда болгондо, аттестациялоо учурлары",
        "Кырдаалдык",
        "Орго",
        "Айыл өкмөтүнүн кызматкерлери муниципалдык кызмат орундарына дайындоо, кадрлар "
        "резервине киргизүү, аттестациялоо комиссия курамы",
        "Айыл өкмөтүнүн кызматкерлери муниципалдык кызмат орундарына дайындоо, кадрлар "
        "резервине киргизүү, аттестациялоо комиссия курамы",
        "Бош кызмат оруну пайда болгон жана аттестациялоо учурлары",
        "2 балл",
        "Конкурстук комиссиянын курамы бекитилген, бирок тестирлөөнүн жыйынтыктары ачык "
        "жарыяланбайт",
        2,
        "Даярдыгы жок адамдын дайындалышы айрым функциялардын аткарылышына таасир этет",
        None,
    ],
    [
        4,
        "Айыл өкмөтүнө караштуу балдарды мектепке чейинки билим берүү мекемелерине кабыл алуу",
        "Балдарды мектепке чейинки билим берүү мекемелерине кабыл алуу учурлары",
        "Потенциалдуу",
        "Жогору",
        "Мектепке чейинки билим берүү мекемелери",
        "Мектепке чейинки билим берүү мекемелеринин башчылары",
        "Балдарды мектепке чейинки билим берүү мекемелерине кабыл алуу учурлары",
        "Орточо",
        "Кабыл алуу электрондук кезек аркылуу жүргүзүлөт, кезектен тышкары кабыл алуу учурлары "
        "сейрек",
        1,
        "Зыян айрым үй-бүлөлөр менен чектелет, мекеменин ишине олуттуу таасир этпейт",
        "төмөн",
    ],
    [
        5,
        "Аймактык социалдык экономикалык өнүгүүсүнө жана инфраструктурасын жакшыртуу, "
        "жергиликтүү бюджетти жогорулатуу",
        "Социалдык объектилерин оңдоп түзөтүүгө берилген тендерлер, чечимдерди, токтомдорду "
        "кабыл алуу",
        "Кырдаалдык",
        "Жогору",
        _LSG,
        "Айыл өкмөт башчылары, орун басарлары, жооптуу катчылар жана тиешелүү адистер",
        "Бул тобокелдиктер жергиликтүү өз алдынча башкаруу органдарынын ишине тиешелүү болушу "
        "мүмкүн",
        3,
        "Тендердик документтерди даярдоодо жана жеңүүчүнү тандоодо дискреция кеңири, көзөмөл "
        "жетишсиз",
        3,
        "Социалдык объектилердин сапатсыз оңдолушу бюджетке жана коомдук ишенимге олуттуу "
        "зыян келтирет",
        "жогору",
    ],
    [
        6,
        "Жөлөк пулдарды дайындоо",
        "Жөлөк пулдарды дайындоо үчүн документтерди кабыл алуу учурлары",
        "Потенциалдуу",
        "Орто",
        "Эмгек, социалдык коргоо жана миграция башкармалыгы айыл өкмөтүнүн соц адистери",
        "Жөлөк пулдарды дайындоо адистери",
        "Жөлөк пулдарды дайындоо үчүн документтерди кабыл алуу учурлары, Кыргыз "
        "Республикасынын мыйзамдарында каралбаган маалыматты суроо",
        2,
        "Документтердин тизмеси мыйзам менен аныкталган, бирок кошумча маалымкаттар суралган "
        "учурлар бар",
        "2 балл",
        None,  # the missing justification
        "орточо",
    ],
]
DOSTUK_SECTION_2 = [
    [
        1,
        "Жергиликтүү салыктардын өлчөмүн белгилөө, жыйноо",
        "Жергиликтүү салыктардын өлчөмүн белгилөө, жыйноо учурлары",
        "Потенциалдуу",
        "Жогору",
        "Жергиликтүү өз алдынча башкаруу органдарынын салыкчылары",
        "Салык кызматынын адиси, жергиликтүү өз алдынча башкаруу органдарынын салык боюнча адиси",
        "Салык кызматынын жана жергиликтүү өз алдынча башкаруу органдарынын ишине тиешелүү "
        "болушу мүмкүн, салыктардын ашыкча жыйналгандарын кайтаруу, же эсепке алуу учурлары",
        2,
        "Салыктын өлчөмү ченемдик актылар менен белгиленет, жеңилдик берүүдө гана айрым "
        "дискреция бар",
        2,
        "Жергиликтүү бюджеттин кирешесинин бир бөлүгү жоготулат",
        "Жогорку",
    ],
    [
        2,
        "Жайыттарды пайдалануу, ижарага берүү",
        "Жайыттарды убактылуу пайдаланууга берүү, аукцион өткөрүү, ижарага берүү учурлары",
        "Кырдаалдык",
        "Жогору",
        _LSG,  # merged down with the next risk
        "Жергиликтүү өз алдынча башкаруу органдарынын башчылары, жайыт комитетинин төрагасы",
        _LSG_OTHER,  # merged down with the next risk
        "3",
        "Жайыт билеттерин берүү жана аукцион тартиби ачык-айкын эмес, малдын саны текшерилбейт",
        3,
        "Жайыттардын тозушу, бюджетке жана жергиликтүү коомчулуктун ишенимине олуттуу зыян",
        "жогору",
    ],
    [
        3,
        "Турак жай салуу үчүн жер тилкелерин берүү",
        "Жер бөлүп берүү учурунда мыйзамсыз жер бөлүп берүү",
        "Кырдаалдык",
        "Жогору",
        None,  # merged from the row above
        "Жергиликтүү өз алдынча башкаруу органдарынын башчылары, жер адиси",
        None,  # merged from the row above
        3,
        "Жер бөлүп берүү чечимин чектелген адамдар кабыл алат, коомдук талкуу өткөрүлбөйт",
        "Орточо",
        "Мыйзамсыз берилген жер тилкелери сот талаштарына жана айрым жол-жоболордун "
        "бузулушуна алып келет",
        None,
    ],
    [
        4,
        "Жер өлчөмдөрүн баалоо, акы",
        "Төлөмдөрдүн көлөмүн",
        "Потенциалдуу",
        "Жогору",
        _LSG,
        "Жергиликтүү өз алдынча башкаруу органдарынын башчылары, жер адиси",
        "Бул тобокелдик мамлекеттик органдарга",
        "2.0",  # typed into a text-formatted cell
        "Баалоонун ченемдери бар, бирок эсептөөнү бир эле адис жүргүзөт",
        3,
        "Жер үчүн төлөмдөрдүн азайтылышы жергиликтүү бюджетке олуттуу зыян келтирет",
        "төмөн",
    ],
]
# The seed's risk 4 of the permitting section runs over a page break: the rest of its text
# stands in a row of its own, without a number.
DOSTUK_CONTINUATION_2 = [
    None,
    "жер мамилелерин жөнгө салууда жана укуктук системаны ишке ашырууда, муниципалдык "
    "менчиктерди убактылуу пайдаланууга берүүдө жана башкарууда",
    "темендетүп көрсөтү",
    None,
    None,
    "башкаруу органдары",
    "башкаруу органдарынын башчылары, мекеме-ишканалардын жетекчилери, тиешелүү кызматкерлер",
    "жана алдынча органдарынын тиешелүү болушу мүмкүн\nөз башкаруу ишине",
    None,
    None,
    None,
    None,
    None,
]
DOSTUK_SECTION_2B = [
    [
        5,
        "Таза сууну пайдаланууда, катуу тиричилик калдыктарын таштоочу адамдардын санын "
        "(тизмесин) түзүүдө",
        "Үй-бүлө мүчөлөрүн санын азайтып жазуу тобокелдиги",
        "Кырдаалдык",
        "Орто",
        "Таза суу жана тазалык муниципалдык ишканасы",
        "Муниципалдык ишкананын тиешелүү кызматкерлери",
        "Бул мамлекеттик жана алдынча органдарынын тиешелүү болушу мүмкүн\n"
        "тобокелдик органдарга өз башкаруу ишине",
        "1",
        "Үй-бүлө мүчөлөрүнүн тизмеси үй чарба китеби менен салыштырылат",
        " 2 ",
        "Тарифтик кирешенин азайышы муниципалдык ишкананын ишине таасир этет",
        "орточо",
    ],
]


DOSTUK_SHEET = TableSheet(
    "Тизмек",
    DOSTUK_HEADERS,
    DOSTUK_WIDTHS,
    lines=[
        Line(1, "Достук айыл өкмөтүнүн 2026-\nжылдагы № 114 буйругуна\n№ тиркеме",
             horizontal="right", height=48),
        Line(3, "Достук айыл өкмөтүнүн коррупциянын келип чыгуу тобокелдиги бар учурлардын жана "
             "кырдаалдардын\nИш-планы", bold=True, size=12, height=36),
    ],
    header_row=5,
    numbers=True,
    print_titles=True,
    signature={2: "Жооптуу катчы:", 7: "А.А.Абдуллаева"},
)


def make_dostuk_register(path: Path) -> None:
    wb = new_workbook(
        "Коррупциянын келип чыгуу тобокелдиги бар учурлардын жана кырдаалдардын тизмеги",
        "А.А.Абдуллаева",
    )
    ws = wb.active
    n = len(DOSTUK_HEADERS)
    r = DOSTUK_SHEET.head(ws)  # row 7
    centre = (1, 4, 5, 9, 11, 13)
    section_row(ws, r, n, "Кызмат көрсөтүү функциясы")
    r += 1
    for risk in DOSTUK_SECTION_1:  # rows 8, 9
        write_row(ws, r, risk, DOSTUK_WIDTHS, center_cols=centre)
        r += 1
    write_row(ws, r, DOSTUK_CONTINUATION_1, DOSTUK_WIDTHS)  # row 10
    r += 1
    for risk in DOSTUK_SECTION_1B:  # rows 11..14
        write_row(ws, r, risk, DOSTUK_WIDTHS, center_cols=centre)
        r += 1
    ws.row_dimensions[13].hidden = True  # risk 5 of the first section, hidden
    # the harm score typed as 2.0: a number shown with one decimal
    ws.cell(row=8, column=11).number_format = "0.0"

    ws.row_dimensions[r].height = 12  # row 15: blank row between the sections
    r += 1
    section_row(ws, r, n, "Уруксат берүү функциясы")  # row 16
    r += 1
    for risk in DOSTUK_SECTION_2:  # rows 17..20
        write_row(ws, r, risk, DOSTUK_WIDTHS, center_cols=centre)
        r += 1
    ws.cell(row=20, column=9).number_format = "@"  # a text cell: "2.0" stays text
    write_row(ws, r, DOSTUK_CONTINUATION_2, DOSTUK_WIDTHS)  # row 21
    r += 1
    for risk in DOSTUK_SECTION_2B:  # row 22
        write_row(ws, r, risk, DOSTUK_WIDTHS, center_cols=centre)
        r += 1
    # risks 2 and 3 of the permitting section share the unit and the "other bodies" cells
    ws.merge_cells("F18:F19")
    ws.merge_cells("H18:H19")

    r += 1  # row 23 blank
    DOSTUK_SHEET.sign(ws, r + 1)
    save_deterministic(wb, path)


# --------------------------------------------------------------------------------------------
# 2. School register in Russian
# --------------------------------------------------------------------------------------------

SCHOOL_HEADERS = register_header(
    "ru",
    function="Функции (полномочия)",
    category="Категория коррупционного риска: системный (реальный), потенциальный, ситуативный",
    stated_level="Уровень (нулевой, низкий, средний, высокий)",
    unit="Наименование структурного подразделения (учреждения)",
    other_bodies="Возможно ли возникновение риска в других госорганах/ОМСУ (если да, указать "
    "каких)",
)
SCHOOL_WIDTHS = [6, 26, 34, 18, 13, 22, 24, 28, 12, 32, 10, 32, 15]
SCHOOL_NAME = "МОУ СОШ им. Т. Сатылганова"
_SCHOOL_UNIT = "МОУ СОШ им. Т. Сатылганова"
_OTHER_SCHOOLS = "Да, во всех общеобразовательных школах района"

SCHOOL_SECTION_1 = [
    [
        1,
        "Приём детей в 1-й класс",
        "Приём в первый класс детей, не проживающих на закреплённой за школой территории, "
        "за вознаграждение или по просьбе знакомых",
        "ситуативный",
        "высокий",
        _SCHOOL_UNIT,
        "Директор, заместитель директора по УВР",
        _OTHER_SCHOOLS,
        3,
        "Число мест меньше числа заявлений, решение о приёме принимает директор единолично",
        2,
        "Нарушение прав детей с закреплённой территории, жалобы родителей",
        "средняя",
    ],
    [
        2,
        "Организация платных образовательных услуг",
        "Сбор денежных средств с родителей на нужды класса и школы (ремонт, охрана, подарки) "
        "без оформления и без отчёта",
        "системный (реальный)",
        "Высокий",
        _SCHOOL_UNIT,
        "Директор, классные руководители, председатель родительского комитета",
        "Да, в школах и детских садах айыльного аймака",
        3,
        "Сборы проводятся ежегодно, учёт средств не ведётся, родители не получают отчёта",
        3,
        "Массовые жалобы родителей, проверки, серьёзный ущерб доверию к школе",
        "низкая",
    ],
    [
        3,
        "Оценивание знаний учащихся, итоговая аттестация",
        "Завышение четвертных и итоговых оценок, оценок выпускных экзаменов и выдача "
        "аттестатов с отличием за вознаграждение",
        "потенциальный",
        "средний",
        _SCHOOL_UNIT,
        "Учителя-предметники, члены экзаменационной комиссии",
        "Нет",
        "средняя",
        "Экзамены проводит комиссия, но устные экзамены не записываются",
        2,
        "Искажение результатов аттестации, отдельные жалобы",
        "высокая",
    ],
    [
        4,
        "Выдача справок и дубликатов документов об образовании",
        "Выдача справок об обучении и дубликатов аттестатов с нарушением порядка",
        "ситуативный",
        "нулевой",
        _SCHOOL_UNIT,
        "Секретарь-делопроизводитель",
        "Нет",
        1,
        "Справки выдаются по журналу регистрации, бланки строгой отчётности учитываются",
        1,
        "Единичные случаи, ущерб незначительный",
        "высокая",
    ],
]
SCHOOL_SECTION_2 = [
    [
        1,
        "Организация питания учащихся",
        "Закупка продуктов питания для горячего питания учащихся начальных классов у заранее "
        "определённого поставщика по завышенным ценам",
        "ситуатвный",
        "высокий",
        _SCHOOL_UNIT,
        "Директор, завхоз, повар",
        "Да, в школах и детских садах (закупки продуктов питания)",
        4,
        "Закупки малыми партиями без конкурса, поставщик не меняется третий год",
        3,
        "Ущерб бюджету и здоровью детей, серьёзный ущерб доверию",
        "низкая",
    ],
    [
        2,
        "Кадровая работа",
        "Приём на работу педагогов и технического персонала из числа родственников и знакомых "
        "без конкурса",
        "потенциальный",
        "Средний",
        _SCHOOL_UNIT,
        "Директор",
        _OTHER_SCHOOLS,
        "?",
        "Вакансии не объявляются публично, решение о приёме принимает директор",
        2,
        "Снижение качества обучения, конфликты в коллективе",
        "средняя",
    ],
    [
        3,
        "Распределение учебной нагрузки",
        "Распределение учебной нагрузки (часов) и классного руководства между учителями в "
        "обмен на личную выгоду",
        "ситуативный",
        "низкий",
        _SCHOOL_UNIT,
        "Директор, заместитель директора по УВР",
        "Нет",
        1,
        "Нагрузка утверждается педсоветом и тарификационной комиссией",
        2,
        "Недовольство учителей, жалобы в районный отдел образования",
        "высокая",
    ],
    [
        4,
        "Распоряжение имуществом школы",
        "Сдача в аренду помещений школы (спортзал, актовый зал) без договора, оплата наличными "
        "директору",
        "потенциальный",
        "Средний",
        _SCHOOL_UNIT,
        "Директор, завхоз",
        "Да, в других школах айыльного аймака",
        2,
        "Аренда разрешается айыл окмоту, но договоры хранятся только в школе",
        1,
        "Недополученный доход небольшой, на учебный процесс не влияет",
        "средняя",
    ],
]


SCHOOL_SHEET = TableSheet(
    "Перечень рисков",
    SCHOOL_HEADERS,
    SCHOOL_WIDTHS,
    lines=[
        Line(1, "УТВЕРЖДАЮ", bold=True, horizontal="left", first_col=10),
        Line(2, f"Директор {SCHOOL_NAME}", horizontal="left", first_col=10),
        Line(3, "____________ Р.К. Юсупова", horizontal="left", first_col=10),
        Line(4, "«17» июня 2026 г.", horizontal="left", first_col=10),
        Line(6, f"Перечень коррупционных рисков {SCHOOL_NAME} айыльного аймака Достук "
             "Араванского района", bold=True, size=12, height=20),
        Line(7, "(случаи и ситуации, при которых возможно возникновение коррупции)", height=16),
    ],
    header_row=9,
    print_titles=True,
    signature={2: "Ответственный за антикоррупционную работу:",
               6: "Ж.А. Мамажанова, зам. директора по ВР"},
    signature_bold=False,
)


def make_school_register(path: Path) -> None:
    wb = new_workbook("Перечень коррупционных рисков", "Р.К. Юсупова")
    ws = wb.active
    n = len(SCHOOL_HEADERS)
    r = SCHOOL_SHEET.head(ws)  # row 10
    centre = (1, 4, 5, 9, 11, 13)
    section_row(ws, r, n, "Оказание услуг")
    r += 1
    for risk in SCHOOL_SECTION_1:  # rows 11..14
        write_row(ws, r, risk, SCHOOL_WIDTHS, center_cols=centre)
        r += 1
    section_row(ws, r, n, "Административно-хозяйственная деятельность")  # row 15
    r += 1
    for risk in SCHOOL_SECTION_2:  # rows 16..19
        write_row(ws, r, risk, SCHOOL_WIDTHS, center_cols=centre)
        r += 1
    r += 1
    SCHOOL_SHEET.sign(ws, r + 1)

    notes = wb.create_sheet("Лист2")
    notes.column_dimensions["A"].width = 90
    lines = [
        "Рабочая группа по оценке коррупционных рисков (приказ по школе № 27 от 10.06.2026):",
        "Юсупова Р.К. — директор, председатель",
        "Мамажанова Ж.А. — зам. директора по ВР, секретарь",
        "Абдыкадыров Н.Т. — учитель истории, член",
        "Турсунова М.Б. — председатель родительского комитета, член",
        "",
        "Оценка проведена 12.06.2026, протокол № 3. "
        "Перечень разместить на сайте школы до 01.07.2026.",
        "Копию отправить в айыл окмоту (ответственный секретарь А.А. Абдуллаева).",
        "Не забыть: исправить категорию по питанию, уточнить балл по приёму на работу!",
    ]
    for i, line in enumerate(lines, start=1):
        notes.cell(row=i, column=1, value=line or None).font = font()
    save_deterministic(wb, path)


# --------------------------------------------------------------------------------------------
# 3. Kindergarten register in Kyrgyz, short headers, and its LibreOffice copy
# --------------------------------------------------------------------------------------------

# Short headers: every column but № in a word or two.
BAKCHA_HEADERS = register_header(
    function="Функциясы",
    cases="Тобокелдиги бар учурлар жана кырдаалдар",
    category="Категориясы",
    stated_level="Деңгээли",
    unit="Мекеменин аталышы",
    positions="Кызмат орундары",
    other_bodies="Башка органдарда пайда болушу мүмкүнбү",
    probability="Ыктымалдуулук",
    probability_reason="Негиздеме",
    harm="Зыян",
    harm_reason="Негиздеме",
    control="Контролдун натыйжалуулугу",
)
BAKCHA_WIDTHS = [5, 24, 34, 16, 12, 20, 22, 24, 12, 30, 9, 30, 14]
_BAKCHA = "«Балапан» балдар бакчасы"
_FOOD = "Балдарды тамак-аш менен камсыз кылуу"

BAKCHA_RISKS = [
    [
        1,
        "Балдарды бакчага кабыл алуу",
        "Балдарды кезексиз же кезекти бузуп кабыл алуу, ата-энелерден акча талап кылуу",
        "Кырдаалдык",
        f"Ж{LATIN_O}горку",
        _BAKCHA,
        "Башчы",
        "Ооба, башка балдар бакчаларында",
        3,
        "Орун аз, кезек электрондук эмес, чечимди башчы өзү кабыл алат",
        2,
        "Ата-энелердин даттануулары, бакчанын беделине зыян",
        "Орточо",
    ],
    [
        2,
        _FOOD,  # merged down over risks 2 and 3
        "Тамак-аш азыктарын сатып алууда баасын жогорулатуу, сапатсыз азык кабыл алуу",
        "Системалуу (реалдуу)",
        "Жогорку",
        _BAKCHA,
        "Башчы, чарба башчысы, ашпозчу",
        "Ооба, мектептерде (ысык тамак)",
        "Жогорку",
        "Сатып алуулар майда партиялар менен, бир эле жеткирүүчүдөн",
        3,
        "Бюджетке жана балдардын ден соолугуна олуттуу зыян",
        "төмөнкү",
    ],
    [
        3,
        None,
        "Азык-түлүктү эсептен чыгарууда колдонулбаган азыктарды жазуу",
        "Потенциалдуу",
        "Орто",
        _BAKCHA,
        "Чарба башчысы, медайым",
        "Ооба, мектептерде",
        2,
        "Меню-талаптама күн сайын түзүлөт, бирок калдыктар текшерилбейт",
        2,
        "Азыктардын бир бөлүгүнүн жоголушу",
        "Жогорку",
    ],
    [
        4,
        "Ата-энелер менен иштөө",
        "Ата-энелерден оңдоо, коопсуздук жана майрамдар үчүн акча чогултуу",
        "Кырдаалдык/потенциалдуу",
        f"Орточо{NBSP}",
        _BAKCHA,
        "Башчы, тарбиячылар",
        "Ооба, мектептерде",
        3,
        "Акча жыл сайын чогултулат, эсеби жүргүзүлбөйт",
        "2",
        "Ата-энелердин нааразычылыгы, айрым даттануулар",
        "орточо",
    ],
    [
        5,
        "Кызматкерлерди жумушка алуу",
        "Тарбиячыларды жана техникалык кызматкерлерди тааныштыгы боюнча жумушка алуу",
        "Потенциалдуу",
        "Төмөнкү",
        _BAKCHA,
        "Башчы",
        "Ооба, бардык мекемелерде",
        1,
        "Бош орундар аз, жумушка алууну айыл өкмөтү менен макулдашат",
        2,
        "Тарбиялоонун сапатына таасир этет",
        None,
    ],
]


BAKCHA_SHEET = TableSheet(
    "Лист1",
    BAKCHA_HEADERS,
    BAKCHA_WIDTHS,
    lines=[
        Line(1, "БЕКИТЕМИН", bold=True, horizontal="left", first_col=10),
        Line(2, "«Балапан» балдар бакчасынын башчысы ________ Г.Т. Мамытова",
             horizontal="left", first_col=10, height=30),
        Line(4, "«Балапан» балдар бакчасынын коррупциянын келип чыгуу тобокелдиги бар учурлардын "
             "жана кырдаалдардын тизмеги", bold=True, size=12, height=20),
    ],
    header_row=5,
    signature={2: "Башчы:", 6: "Г.Т. Мамытова"},
)


def make_bakcha_register(path: Path) -> None:
    wb = new_workbook("Коррупциялык тобокелдиктердин тизмеги", "Г.Т. Мамытова")
    ws = wb.active
    r = BAKCHA_SHEET.head(ws)
    for risk in BAKCHA_RISKS:  # rows 6..10
        write_row(ws, r, risk, BAKCHA_WIDTHS, center_cols=(1, 4, 5, 9, 11, 13))
        r += 1
    ws.merge_cells("B7:B8")  # one function over two risks
    BAKCHA_SHEET.sign(ws, 12)
    save_deterministic(wb, path)


def convert_to_ods(xlsx: Path) -> Path | None:
    """A LibreOffice round trip: xlsx -> ods beside it. Skipped when soffice is missing."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        print("soffice not found: skipping", xlsx.with_suffix(".ods").name, file=sys.stderr)
        return None
    with tempfile.TemporaryDirectory() as profile:
        cmd = [
            soffice,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "ods",
            "--outdir",
            str(xlsx.parent),
            str(xlsx),
        ]
        try:
            subprocess.run(cmd, check=True, capture_output=True, timeout=180)
        except (subprocess.SubprocessError, OSError) as exc:
            print(f"soffice failed ({exc}): skipping the .ods", file=sys.stderr)
            return None
    out = xlsx.with_suffix(".ods")
    return out if out.exists() else None


# --------------------------------------------------------------------------------------------
# 4. Dostuk action plan (annex to order No. 159)
# --------------------------------------------------------------------------------------------

PLAN_HEADERS = plan_header()
PLAN_WIDTHS = [5, 30, 58, 16, 44, 18, 16, 15]
PLAN_NUMBERS = [1, 2, 3, 5, 6, 6, 7, 8]  # the seed's "1 2 3 5 6 6 7", and the added column

_AO = "айыл өкмөтү"
_LB = "Жергиликтүү бюджет"
_NR = "Талап кылынбайт"
_MSP = "“Мамлекеттик жана муниципалдык кызмат көрсөтүүлөр жөнүндө”"

# ("section", text) or (number, task, activity, deadline, expected, responsible, funding, status)
PLAN_ROWS: list[tuple] = [
    (
        "section",
        "1. Коррупциянын алдын алуу максатында айыл өкмөтүнүн ишинин натыйжалуулугун "
        "жана ачык-айкындуулугун камсыздоо",
    ),
    (
        1,
        "Айыл өкмөтүнүн ишинде айкындуулук жана ачыктык принциптерин бекемдөө",
        "Айыл өкмөтүнүн аппарат кызматкерлердин аракети (аракетсиздиги) үчүн коррупциянын алдын "
        "алуунун ички системасын түзүү, мыйзамдардын сакталышына, кызматтык тартиптин абалына "
        "үзгүлтүксүз контролду камсыз кылуу аркылуу жоопкерчилигин бекитүү",
        "2025-жылдын 3-кварталы",
        "Айыл өкмөтүнүн кызматкерлеринин кызматтык нускамаларына коррупциянын алдын алуунун ички "
        "системасын түзүү чараларын көбөгөндүгү үчүн алардын жетекчилеринин жоопкерлигин "
        "жогорулаткан толуктоолор киргизилет",
        "айыл өкмөтүнүн кызматкерлери",
        _NR,
        "аткарылды",
    ),
    (
        2,
        "Айыл өкмөтүнүн аппарат кызматкерлердин системасынын кызматкерлеринин коррупциялык "
        "мотивациясын төмөндөтүү",
        "Жогорку квалификациялуу адистерди тартуу жана кадрдык потенциалды сактоо үчүн "
        "шарттарды жакшыртуу, айыл өкмөтүнүн иштин кадыр-баркын жана жагымдуулугун жогорулатуу "
        "жана мамлекеттик башкаруу секторунда коррупциялык тобокелдиктердин болушун төмөндөтүү "
        "боюнча чаралардын комплексин иштеп чыгуу",
        "2025-2027-жылдар",
        "Айыл өкмөтүнүн кызмат орундарына кадрларды тандоо жана системаны жакшыртуу боюнча "
        "чаралар көрүлөт",
        "айыл өкмөтүнүн кызматкерлери",
        "Айыл өкмөтү",
        "аткарылууда",
    ),
    (
        "section",
        "2. Социалдык чөйрөнүн жана экономиканын тармактарында жарандардын айыл өкмөтү "
        "менен өз ара аракеттенүүсүндө коррупциялык көрүнүштөрдүн алдын алуу",
    ),
    (
        1,
        "Социалдык чөйрөнүн жана экономиканын тармактарында жарандардын жергиликтүү бийлик "
        "органдары менен өз ара аракеттенүүсүндө коррупциялык тобокелдиктерди минималдаштыруу",
        "Жергиликтүү бийлик органдарынын жарандар жана жеке сектор менен өз ара аракеттенүү "
        "процесстерин автоматташтырууга багытталган ченемдик укуктук актыларга талдоо жүргүзүү, "
        "жол-жоболордун жана чечимдердин кабыл алуу процесстеринин айкындуулугун жана "
        "ачыктыгын камсыз кылуу, коомдун маалымдуулугун жогорулатуу",
        "2025-жыл",
        "Жол-жоболордун айкындуулугун жана ачыктыгын камсыз кылууга, санариптештирүү фондуна "
        "талап кылган документтердин тизмесин кыскартууга багытталган ЧУА кабыл алынат",
        "айыл өкмөтүнүн тийиштүү кызматкерлери",
        _LB,
        "аткарылды",
    ),
    (
        2,
        f"{_MSP} Кыргыз Республикасынын Мыйзамын мамлекеттик жана муниципалдык кызмат "
        "көрсөтүүлөрдү аутсорсингте берүү бөлүгүндө өркүндөтүү",
        "1. Мамлекеттик жана муниципалдык кызмат көрсөтүүлөрдү мамлекет тарабынан "
        "аккредиттелген жеке юридикалык жактарга берүү (аутсорсингте) мүмкүнчүлүгүн караган "
        f"{_MSP} Кыргыз Республикасынын Мыйзамына өзгөртүүлөрдү киргизүү тууралуу” КР "
        "Мыйзамынын долбоорун иштеп чыгуу катышуу",
        "2025-жылдын 1-жарым жылдыгы",
        f"{_MSP} Кыргыз Республикасынын Мыйзамына өзгөртүүлөрдү киргизүү тууралуу” КР Мыйзамы "
        "кабыл алынды",
        _AO,
        _LB,
        None,
    ),
    (
        "same-task",
        "2. КРнын аткаруу бийлигинин мамлекеттик органдарынын жана ЖӨБОНун аутсорсингди "
        "уюштуруу үчүн кызмат көрсөтүү боюнча функцияларына талдоо жүргүзүүнү уюштуруу боюнча, "
        "ошондой эле мамлекеттик органдардын жана ЖӨБОНун мамлекеттик жана муниципалдык кызмат "
        "көрсөтүүлөрүн аутсорсингте берүүнүн вариантын аныктоо жана баалоо үчүн рыноктун "
        "даярдыгын талдоо тартибин аныктоо боюнча методикалык көрсөтмөлөрдү караган мамлекеттик "
        "жана муниципалдык кызмат көрсөтүүгө юридикалык/жеке жактарды мамлекеттик "
        "аккредитациялоо жөнүндө типтүү жобону иштеп чыгуу",
        "2025-жылдын 3-кварталы",
        "Типтүү жобону бекитүү жөнүндө ЧУА кабыл алынган",
        _AO,
        _LB,
        "башталган жок",
    ),
    (
        3,
        "Жарандардын мамлекеттик бийлик органдары менен өз ара аракеттенүүсүндө коррупциялык "
        "көрүнүштөрдүн алдын алуу",
        "Коррупцияга жол бербөө жана алдын алуу боюнча чараларды көрүү менен коррупциялык укук "
        "бузууларга байланыштуу муниципалдык кызматчыларга келип түшкөн кайрылууларды "
        "(даттанууларды) кароо жана талдоо жүргүзүү",
        "2025-2027-жылдар",
        "Ички укуктук актылар аркылуу коррупциянын алдын алуу чараларын көрүү менен "
        "кайрылууларга талдоо жүргүзүүнүн тартиби жөнгө салынды, ал жыл сайын жүргүзүлөт",
        _AO,
        _NR,
        None,
    ),
    (
        "section",
        "3. Мамлекеттик каражаттарды башкаруу, финансылык контролдоо системаларын жана "
        "сатып алуу жол-жоболорун өркүндөтүү",
    ),
    (
        1,
        "Бюджеттик процесстердин ачык-айкындуулугун жогорулатуу, контролдоо системасын "
        "өркүндөтүү жана финансылык тарипти бекемдөө",
        "Төмөнкүлөргө багытталган бюджеттик укуктук мамилелер чөйрөсүндөгү ЧУА ды колдонууга "
        "талдоо жүргүзүү:\n-кирешелерди, бюджеттик бөлүнгөн каражаттарды түзүүнүн, мамлекеттик "
        "долбоорлорду ишке ашыруунун, салык жеңилдиктерин берүүнүн, мамлекеттик (муниципалдык) "
        "менчик объекттерин менчиктештирүү процесстерин ишке ашыруунун мыйзамдуулугун жана "
        "толуктугун камсыз кылуу;\n-бюджеттик документтерди жарыялоо аркылуу бюджеттин "
        "ачык-айкындуулугун жогорулатуу боюнча чараларды көрүү, бюджеттик каражаттардын "
        "чыгымдалышын контролдоо жана көзөмөлдөө механизмдерин бекемдөө, бюджеттик процесстерге "
        "жарандык коомду тартуу, жаңы санариптик технологияларды пайдаланууда жарандардын "
        "маалымдуулугун жогорулатуу",
        "2025-жылдын 2-жарым\nжылдыгы",
        None,  # the seed leaves the expected result empty
        "Айыл өкмөтү",
        _LB,
        "аткарылууда",
    ),
    (
        "section",
        "4. Санариптештирүү процесстерин өнүктүрүү жана азыркы этапта коррупцияга каршы "
        "күрөшүүнүн натыйжалуу чараларынын бири катары мамлекеттик жана муниципалдык "
        "түзүмдөрдүн ишине маалыматтык технологияларды киргизүү",
    ),
    (
        1,
        "Жергиликтүү башкаруу системасын санариптештирүү",
        "Айыл аймагында электрондук башкарууну ишке киргизүү боюнча чараларды көрүү. "
        "Жергиликтүү органдар менен коммерциялык уюмдардын ортосунда маалымат алмашууну "
        "камсыздоо менен “Түндүк” ВЭӨСтин өнүктүрүү Маалыматты иштеп чыгуунун, берүүнүн жана "
        "жайылтуунун, электрондук форматта кызматтарды көрсөтүүнүн санариптик технологияларынын "
        "негизинде мамлекеттик башкаруу системасынын иштөөсү",
        "2025-2026-жылдар",
        "Жергиликтүү башкаруу системасында санариптик технологияларды ишке киргизүү "
        "процесстерин аяктоо боюнча чаралар көрүлдү",
        _AO,
        _LB,
        "аткарылууда",
    ),
    (
        2,
        "Улуттук таанымал кызмат адамдарынын (мындан ары-ТКА) бирдиктүү маалыматтар базасын "
        "ишеп чыгуу",
        "“Түндүк” ВЭӨС менен интеграциялоо жана “Түндүк” ВЭЭС катышуучуларынын ведомстволор "
        "аралык өз ара аракеттенүү чечимдеринин катологуна сервисти жайгаштыруу менен улуттук "
        "ТКА маалыматтар базасынын бирдиктүү формасын түзүү",
        "2026-жылдын 1-жарым жылдыгы",
        "жергиликтүү өз алдынча башкаруу чөйрөсүндөгү ыйгарым укуктуу мамлекеттик органдын "
        "алдында ТКА маалыматтар базасынын болушу жана толук иштөөсү. Индентификацияланган "
        "адамдардын барууларын эсептегич менен актуалдуу жана жаңыртуучу ТКА маалыматтар "
        "базасынын болушу",
        _AO,
        _LB,
        None,
    ),
    (
        3,
        "Салык төлөөчүлөргө көрсөтүлүүчү кызматтарды башкаруунун электрондук системасын өркүндөтүү",
        "Салыктын жол-жоболордун жана башкаруунун автоматташтырылган маалыматтык системаларын "
        "автоматташтыруу жана өркүндөтүү",
        "2025-жылдын 1-жарым жылдыгы",
        "Салык төлөөчүлөрдүн салык кызматынын органдарынын кызматкерлери менен түз байланышын "
        "минималдаштыруу",
        "Мамлекеттик салык кызматы айыл өкмөтү биргеликте",
        _LB,
        None,
    ),
    (
        4,
        "ЖӨБОда жерди пайдалануу боюнча иштин санариптик эсебин, ошондой эле айыл чарба "
        "багытындагы жерлердин санариптик реестрин түзүү",
        "ЖӨБОда жерди пайдалануу боюнча иштин санариптик эсебин, ошондой эле айыл чарба "
        "багытындагы жерлердин санариптик реестрин түзүү",
        "2025-2026-жылдар",
        "Жерди пайдалануунун натыйжалуулугун жана ачык-айкындуулугун олуттуу жогорулатууну "
        "камсыздоочу жерге жайгаштыруунун санариптик технологиялары ишке киргизилди",
        "Айыл өкмөттөр",
        _LB,
        None,
    ),
    (
        5,
        "Санариптештирүү нүн алкагында муниципалдык кызматтарды алуу мүмкүнчүлүктөрү жөнүндө "
        "маалымдуулук боюнча жергиликтүү органдардын жана жарандардын өз ара аракеттенүүсү",
        "Интернет-ресурстар аркылуу муниципалдык кызматтарды (маалыматтар ж.б.) алуу "
        "мүмкүнчүлүгү жөнүндө жарандардын маалымдуулугун кеңейтүү боюнча уюштуруучулук жана "
        "практикалык чараларды көрүү",
        "2025-2027-жылдар",
        "Жарандарды интернет-ресурстар аркылуу муниципалдык кызматтарды алуу мүмкүнчүлүгү "
        "жөнүндө маалымат менен камсыздоо боюнча чаралар көрүлдү",
        _AO,
        _LB,
        "аткарылууда",
    ),
    (
        6,
        "Жарандардын маалыматка жетүү мүмкүндүгүн камсыз кылуу",
        "Айыл өкмөтүнүн расмий сайтына коррупцияны алдын алуу боюнча жүргүзүлүп жаткан иштер "
        "жөнүндө маалыматтарды мезгил-мезгили менен жарыялоо, жарандардын маалыматка эркин "
        "жетүү мүмкүнчүлүгүн камсыз кылууга мүмкүндүк берүүчү программалык-маалыматтык "
        "камсыздоонун санариптик технологияларын киргизүү, ошондой эле мобилдик тиркемелерди "
        "өнүктүрүү.",
        "2025-2027-жылдар",
        "Муниципалдык расмий сайтына алардын иши жөнүндө, “Коррупцияга каршы аракеттенүү” "
        "атайын бөлүгүн маалыматтык толтурууну актуалдаштыруу аркылуу коррупцияны алдын алуу "
        "жаатындагы иштер жөнүндө маалыматтарды жарыялоо боюнча чаралар көрүлөт",
        _AO,
        _LB,
        None,
    ),
    ("section", "5.Стратегияны ишке ашыруу механизмдери, финансы ресурстары"),
    (
        1,
        "Стратегияны ишке ашыруу механизмдерин иштеп чыгуу",
        "Коррупцияга каршы аракеттенүү стратегиялык ыкмаларды жана багыттарды камтыган, ушул "
        "иш-чаралар планынын биринчи этабын ишке ашыруу механизмдерин камсыз кылуу",
        "2025-жылдын 1-кварталы",
        "Айыл өкмөтү тарабынан жыл сайын Стратегиялык документтин иш-чаралар планын ишке "
        "ашырууну камсыз кылуучу иштин багыттары боюнча деталдаштырылган коррупцияга каршы "
        "пландуу иш-чаралар бекитилген",
        _AO,
        _LB,
        "аткарылды",
    ),
    (
        2,
        "Коррупцияга каршы иш-чараларды өз убагында жана толук финансалык камсыздоо",
        "Стратегияны ишке ашыруу боюнча коррупцияга каршы иш-чараларды каржылоо",
        "2025-2027-жылдар",
        "Стратегиядан келип чыккан коррупцияга каршы иш-чаралар мамлекеттин бюджетинен жана "
        "башка мүмкүн болгон булактардан каржылоо менен камсыз болгон, бул аларды натыйжалуу "
        "ишке ашырууга мүмкүндүк берет",
        _AO,
        _LB,
        None,
    ),
    (
        3,
        "Пландуу иш-чараларды актуалдаштыруу, жаңы милдеттерди коюу жана коррупциянын азыркы "
        "чакырыктарына жана коркунучтарына ылайык келген коррупцияга каршы чараларды иштеп "
        "чыгуу",
        "Коррупцияга каршы пландуу иш-чаралардын 1-этабын ишке ашыруунун жыйынтыктарын чыгаруу "
        "жана 2028-2030-жылдарга коррупцияга каршы аракеттенүү боюнча мамлекеттик стратегияны "
        "ишке ашыруу боюнча иш-чаралар планынын 2-этабынын добоорун иштеп чыгуу",
        "2027-жылдын 1-жарым жылдыгы",
        "Талдоонун негизинде 2028-2030-жылдарга коррупцияга каршы аракеттенүү боюнча "
        "мамлекеттик стратегияны ишке ашыруу боюнча иш-чаралар планы даярдалат жана бекитилет",
        _AO,
        _LB,
        None,
    ),
    ("section", "7.Стратегияны ишке ашыруу процесстерине мониторинг жана баалоо жүргүзүү"),
    (
        1,
        "Стратегияны ишке ашыруунун натыйжалуулугу на мониторинг жана баалоо жүргүзүү "
        "системасынын укуктук механизмдерин киргизүү",
        "Натыйжалуулук жана таасирдүүлүк индикаторлоруна негизделген коррупцияга каршы "
        "мамлекеттик стратегияны ишке ашырууга мониторинг жана баалоо жүргүзүү системасынын "
        "укуктук механизмдерин, ошондой эле аны автоматташтыруу мүмкүнчүлүгүн кароо менен "
        "мониторинг жөнүндө отчеттун бирдиктүү формасын иштеп чыгуу",
        "2025-жылдын 1-жарым жылдыгы",
        "Мониторинг жүргүзүүнүн тартиби (методикасы) жана коррупцияга каршы мамлекеттик "
        "стратегияны ишке ашырууга мониторингжүргүзүү жөнүндө отчеттун бирдиктүү формасы "
        "иштелип чыкты жана бекитилди. Коррупцияга каршы аракеттенүү боюнча мамлекеттик "
        "башкаруу жана ЖӨБО нын ишин баалоо боюнча статистикалык маалыматтарга киргизүү үчүн "
        "негизги көрсөткүчтөр аныкталды, мониторинг жүргүзүү процесстерин автоматташтыруу "
        "инструменттери иштелип чыкты",
        _AO,
        _LB,
        "аткарылды",
    ),
    (
        2,
        "Стратегияны ишке ашыруу процессине системалуу мониторинг жана баалоо жүргүзүү",
        "Сандык жана сапаттык көрсөткүчтөрдү эске алуу менен коррупцияга каршы иш-чараларды "
        "ишке ашыруунун жүрүшү жөнүндө отчетту даярдоо үчүн ички мониторинг жүргүзүү",
        "2025-2027-жылдар (жыл сайын)",
        "Жыл сайын, отчеттук жылдан кийинки жылдын 1-февралынан кечиктирбестен, жооптуу "
        "аткаруучулар тарабынан Стратегиядан келип чыккан планын ишке ашыруунун жүрүшү жөнүндө "
        "отчеттор. Коррупцияны алдын алуу боюнча ыйгарым укуктуу мамлекеттик органдарга "
        "берилет",
        "Айыл өкмөтү",
        _LB,
        None,
    ),
]


def write_plan_rows(ws, start: int, rows: list[tuple], widths: list[float], ncols: int) -> int:
    r = start
    for item in rows:
        if item[0] == "section":
            section_row(ws, r, ncols, item[1])
        elif item[0] == "same-task":
            # another activity of the task above: № and task cells merged down
            values = [None, None, *item[1:]]
            write_row(ws, r, values, widths, center_cols=(1, 4, 7, 8))
            ws.merge_cells(start_row=r - 1, start_column=1, end_row=r, end_column=1)
            ws.merge_cells(start_row=r - 1, start_column=2, end_row=r, end_column=2)
        else:
            write_row(ws, r, list(item), widths, center_cols=(1, 4, 7, 8))
        r += 1
    return r


PLAN_SHEET = TableSheet(
    "Иш-план",
    PLAN_HEADERS,
    PLAN_WIDTHS,
    lines=[
        Line(1, "ДОСТУК", bold=True, size=12),
        Line(2, "2025 жыл", bold=True),
        Line(3, "2025-2030-жылдарга коррупцияга каршы аракеттенүү боюнча стратегияны ишке "
             "ашырууда\nДостук айыл өкмөтүнүн иш-чаралар планы\n"
             "(2025-2027-жылдардын орто мөөнөттүү мезгилинде I-этап үчүн)",
             bold=True, size=12, height=50),
    ],
    header_row=5,
    numbers=PLAN_NUMBERS,
    print_titles=True,
    signature={2: "Достук айыл өкмөтүнүн\nбөлүм башчысы:", 5: "А.А.Абдуллаева."},
    signature_height=30,
)


def make_dostuk_plan(path: Path) -> None:
    wb = new_workbook("Иш-чаралар планы (2025-2027-жылдар, I-этап)", "А.А.Абдуллаева")
    ws = wb.active
    r = write_plan_rows(ws, PLAN_SHEET.head(ws), PLAN_ROWS, PLAN_WIDTHS, len(PLAN_HEADERS))
    PLAN_SHEET.sign(ws, r + 1)
    save_deterministic(wb, path)


# --------------------------------------------------------------------------------------------
# 5. A register and a plan in one workbook
# --------------------------------------------------------------------------------------------

MIXED_REG_HEADERS = register_header(
    category="Коррупциялык тобокелдиктин категориясы", stated_level="Деңгээли"
)
MIXED_REG_WIDTHS = [5, 24, 34, 16, 12, 22, 24, 22, 12, 30, 12, 30, 14]
_LAND = "Айыл өкмөтүнүн жер жана муниципалдык менчик боюнча бөлүмү"
MIXED_RISKS = [
    [
        1,
        "Жер тилкелерин ижарага берүү",
        "Айыл чарба багытындагы жер тилкелерин аукционсуз, түз келишим менен ижарага берүү",
        "Кырдаалдык",
        "Жогорку",
        _LAND,
        "Жер адиси, айыл өкмөтүнүн башчысы",
        "Ооба, бардык айыл өкмөттөрүндө",
        3,
        "Аукцион өткөрүү тартиби сакталбаган учурлар болгон, чечимди бир адам даярдайт",
        3,
        "Жергиликтүү бюджетке олуттуу зыян, коомдук ишенимдин төмөндөшү",
        "орточо",
    ],
    [
        2,
        "Жайыттарды пайдалануу",
        "Жайыт билеттерин малдын санын азайтып көрсөтүү менен берүү",
        "Системалуу (реалдуу)",
        "Жогорку",
        "Жайыт комитети",
        "Жайыт комитетинин төрагасы, мал дарыгер",
        "Ооба, жайыт комитеттеринде",
        3,
        "Малдын саны текшерилбейт, билеттер кол менен толтурулат",
        2,
        "Жайыт акысынын бир бөлүгү бюджетке түшпөйт",
        "төмөнкү",
    ],
    [
        3,
        "Муниципалдык менчикти башкаруу",
        "Муниципалдык имараттарды ижарага берүүдө ижара акысын төмөндөтүп көрсөтүү",
        "Потенциалдуу",
        "Орточо",
        _LAND,
        "Муниципалдык менчик боюнча адис",
        "Ооба, башка ЖӨБОлордо",
        2,
        "Ижара акысынын ставкасы айылдык кеңеш тарабынан бекитилген, бирок эсептөө текшерилбейт",
        2,
        "Бюджеттин айрым кирешелери азаят",
        "Жогорку",
    ],
    [
        4,
        "Маалымкат берүү",
        "Үй-бүлө курамы жөнүндө маалымкаттарды акы алып же кечиктирип берүү",
        "Кырдаалдык",
        "Төмөнкү",
        "Айыл өкмөтүнүн аппараты",
        "Катчы-иш жүргүзүүчү",
        "Жок",
        1,
        "Маалымкаттар журналга катталат, тартиби жарыяланган",
        2,
        "Жарандардын айрым даттануулары",
        "жогорку",
    ],
]
# no status column; the last one cites the register's risk
MIXED_PLAN_HEADERS = [*plan_header(status=None), RISK_REF_KY]
MIXED_PLAN_WIDTHS = [5, 30, 52, 18, 40, 20, 16, 14]
MIXED_PLAN_ROWS = [
    (
        1,
        "Жер тилкелерин ижарага берүүнүн ачык-айкындуулугун камсыз кылуу",
        "Айыл чарба багытындагы жер тилкелерин ижарага берүүнү аукцион аркылуу гана өткөрүү, "
        "аукциондун жыйынтыктарын айыл өкмөтүнүн расмий сайтына жарыялоо (тизмектин "
        "№1 тобокелдиги)",
        "2026-жылдын 4-кварталы",
        "Жер тилкелери аукционсуз ижарага берилбейт, жыйынтыктар жарыяланат",
        "Жер адиси",
        _NR,
        "№1",
    ),
    (
        2,
        "Муниципалдык менчикти ижарага берүүнү тартипке келтирүү",
        "Муниципалдык имараттардын ижара акысын эсептөө тартибин айылдык кеңешке бекиттирүү "
        "жана ижара келишимдерин жыл сайын текшерүү (тизмектин №3 тобокелдиги)",
        "2027-жылдын 1-жарым жылдыгы",
        "Ижара акысы бекитилген тартип менен эсептелет, келишимдер текшерилди",
        "Муниципалдык менчик боюнча адис",
        _NR,
        "№3",
    ),
    (
        3,
        "Кызматкерлердин укуктук маалымдуулугун жогорулатуу",
        "Аппарат кызматкерлери үчүн коррупцияга каршы мыйзамдар боюнча окуу семинарын өткөрүү",
        "2026-2027-жылдар (жыл сайын)",
        "Кызматкерлер жылына бир жолу окутулат",
        "Жооптуу катчы",
        _LB,
        None,
    ),
]


MIXED_REG_SHEET = TableSheet(
    "Тизмек",
    MIXED_REG_HEADERS,
    MIXED_REG_WIDTHS,
    lines=[Line(1, "Достук айыл өкмөтүнүн жер жана муниципалдык менчик боюнча коррупциялык "
                "тобокелдиктеринин тизмеги (2026-жыл)", bold=True, size=12, height=20)],
    header_row=3,
)
MIXED_PLAN_SHEET = TableSheet(
    "Иш-чаралар планы",
    MIXED_PLAN_HEADERS,
    MIXED_PLAN_WIDTHS,
    lines=[Line(1, "Коррупциялык тобокелдиктерди азайтуу боюнча Достук айыл өкмөтүнүн "
                "иш-чаралар планы (2026-2027-жылдар)", bold=True, size=12, height=20)],
    header_row=3,
)


def make_mixed(path: Path) -> None:
    wb = new_workbook("Тобокелдиктердин тизмеги жана иш-чаралар планы", "А.А.Абдуллаева")
    ws = wb.active
    first = MIXED_REG_SHEET.head(ws)
    for i, risk in enumerate(MIXED_RISKS):  # rows 4..7
        write_row(ws, first + i, risk, MIXED_REG_WIDTHS, center_cols=(1, 4, 5, 9, 11, 13))

    wp = wb.create_sheet()
    first = MIXED_PLAN_SHEET.head(wp)
    for i, item in enumerate(MIXED_PLAN_ROWS):  # rows 4..6
        write_row(wp, first + i, list(item), MIXED_PLAN_WIDTHS, center_cols=(1, 4, 7, 8))
    save_deterministic(wb, path)


# --------------------------------------------------------------------------------------------


def main(argv: list[str]) -> int:
    out = Path(argv[0]).resolve() if argv else HERE
    out.mkdir(parents=True, exist_ok=True)
    outputs = {
        "dostuk_apparat_register.xlsx": make_dostuk_register,
        "mektep_register_ru.xlsx": make_school_register,
        "balaban_bakcha_register_ky.xlsx": make_bakcha_register,
        "dostuk_action_plan.xlsx": make_dostuk_plan,
        "mixed_register_and_plan.xlsx": make_mixed,
    }
    for name, make in outputs.items():
        make(out / name)
        print("wrote", out / name)
    ods = convert_to_ods(out / "balaban_bakcha_register_ky.xlsx")
    if ods:
        print("wrote", ods)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
