"""Builders of hostile and broken input files, made by code in a given directory.

Every builder takes a directory and returns the Path of the file it wrote. ``HOSTILE`` maps each
builder of a file to refuse to the reason code :func:`workbook_tools.guard.inspect` must give;
``VALID`` maps builders of acceptable files to the format inspect must return.
"""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl

NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
CT_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
CT_MACRO = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
CT_SHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
CT_SST = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"

BILLION_LAUGHS_DTD = (
    '<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
        for i in range(1, 10)
    )
    + "]>"
)

# --- generic writers -----------------------------------------------------------------------------


def sheet_xml(sheet_data: str, after: str = "", dimension: str = "A1") -> str:
    """A worksheet part around ``sheet_data`` (the rows), with extra elements ``after`` it."""
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{NS_MAIN}">'
        f'<dimension ref="{dimension}"/><sheetData>{sheet_data}</sheetData>{after}</worksheet>'
    )


def write_xlsx(
    path: Path,
    sheet: str | bytes | None = None,
    shared_strings: str | None = None,
    workbook: str | bytes | None = None,
    macro: bool = False,
    extra: dict[str, bytes] | None = None,
) -> Path:
    """A minimal xlsx package written part by part (one sheet named "Risks")."""
    if sheet is None:
        sheet = sheet_xml('<row r="1"><c r="A1" t="inlineStr"><is><t>№</t></is></c></row>')
    overrides = [
        ("/xl/workbook.xml", CT_MACRO if macro else CT_MAIN),
        ("/xl/worksheets/sheet1.xml", CT_SHEET),
    ]
    rels = [("rId1", "worksheet", "worksheets/sheet1.xml")]
    if shared_strings is not None:
        overrides.append(("/xl/sharedStrings.xml", CT_SST))
        rels.append(("rId2", "sharedStrings", "sharedStrings.xml"))
    content_types = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        + "".join(f'<Override PartName="{p}" ContentType="{t}"/>' for p, t in overrides)
        + "</Types>"
    )
    root_rels = (
        f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{NS_PKG_REL}">'
        f'<Relationship Id="rId1" Type="{NS_REL}/officeDocument" Target="xl/workbook.xml"/>'
        "</Relationships>"
    )
    if workbook is None:
        workbook = (
            f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{NS_MAIN}" '
            f'xmlns:r="{NS_REL}"><sheets><sheet name="Risks" sheetId="1" r:id="rId1"/>'
            "</sheets></workbook>"
        )
    wb_rels = (
        f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{NS_PKG_REL}">'
        + "".join(
            f'<Relationship Id="{i}" Type="{NS_REL}/{t}" Target="{target}"/>'
            for i, t, target in rels
        )
        + "</Relationships>"
    )
    parts: dict[str, str | bytes] = {
        "[Content_Types].xml": content_types,
        "_rels/.rels": root_rels,
        "xl/workbook.xml": workbook,
        "xl/_rels/workbook.xml.rels": wb_rels,
        "xl/worksheets/sheet1.xml": sheet,
    }
    if shared_strings is not None:
        parts["xl/sharedStrings.xml"] = shared_strings
    parts.update(extra or {})
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    return path


def write_ods(
    path: Path, table_body: str, encrypted: bool = False, content: str | None = None
) -> Path:
    """A minimal ods package whose one table (named "Risks") holds ``table_body`` (the rows)."""
    if content is None:
        content = (
            '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
            'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
            'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
            'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.3">'
            '<office:body><office:spreadsheet><table:table table:name="Risks">'
            f"{table_body}</table:table></office:spreadsheet></office:body>"
            "</office:document-content>"
        )
    encryption = (
        '<manifest:encryption-data manifest:checksum-type="SHA1/1K" manifest:checksum="AAAA">'
        '<manifest:algorithm manifest:algorithm-name="Blowfish CFB" '
        'manifest:initialisation-vector="AAAA"/></manifest:encryption-data>'
        if encrypted
        else ""
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
        'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
        'manifest:version="1.3">'
        '<manifest:file-entry manifest:full-path="/" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml">'
        f"{encryption}</manifest:file-entry></manifest:manifest>"
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(
            "mimetype", "application/vnd.oasis.opendocument.spreadsheet", zipfile.ZIP_STORED
        )
        zf.writestr("META-INF/manifest.xml", manifest)
        zf.writestr("content.xml", os.urandom(2048) if encrypted else content)
    return path


ODS_CELL = '<table:table-cell office:value-type="string"><text:p>риск</text:p></table:table-cell>'

_END, _FREE, _FATSECT, _NOSTREAM = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF


def cfb_bytes(streams: dict[str, bytes]) -> bytes:
    """An OLE2 compound file (v3, 512-byte sectors) holding ``streams`` in its root storage.

    Every stream is padded to at least 4096 bytes, so all of them live in regular sectors.
    """
    ss = 512
    names = list(streams)
    datas = []
    for name in names:
        data = streams[name]
        data += bytes(max(4096 - len(data), 0))
        data += bytes(-len(data) % ss)
        datas.append(data)
    dir_sectors = -(-(len(names) + 1) * 128 // ss)
    other = dir_sectors + sum(len(d) // ss for d in datas)
    n_fat = 1
    while n_fat * (ss // 4) < n_fat + other:
        n_fat += 1
    fat = [_FREE] * (n_fat * (ss // 4))
    for i in range(n_fat):
        fat[i] = _FATSECT

    def alloc(start: int, count: int) -> None:
        for k in range(count):
            fat[start + k] = start + k + 1 if k < count - 1 else _END

    dir_start = n_fat
    alloc(dir_start, dir_sectors)
    pos = dir_start + dir_sectors
    starts = []
    for data in datas:
        starts.append(pos)
        alloc(pos, len(data) // ss)
        pos += len(data) // ss

    def entry(
        name: str, kind: int, left: int, right: int, child: int, start: int, size: int
    ) -> bytes:
        raw = (name + "\0").encode("utf-16-le")
        return (
            raw.ljust(64, b"\0")
            + struct.pack("<HBBLLL", len(raw), kind, 1, left, right, child)
            + bytes(16 + 4 + 16)
            + struct.pack("<LQ", start, size)
        )

    directory = entry("Root Entry", 5, _NOSTREAM, _NOSTREAM, 1 if names else _NOSTREAM, _END, 0)
    for i, name in enumerate(names):
        right = i + 2 if i + 1 < len(names) else _NOSTREAM
        size = max(len(streams[name]), 4096)
        directory += entry(name, 2, _NOSTREAM, right, _NOSTREAM, starts[i], size)
    empty = bytes(64) + struct.pack("<HBBLLL", 0, 0, 0, _NOSTREAM, _NOSTREAM, _NOSTREAM)
    empty += bytes(128 - len(empty))
    while len(directory) < dir_sectors * ss:
        directory += empty
    header = struct.pack(
        "<8s16sHHHHH6sLLLLLLLLL",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
        bytes(16),
        0x3E,
        3,
        0xFFFE,
        9,
        6,
        bytes(6),
        0,
        n_fat,
        dir_start,
        0,
        4096,
        _END,
        0,
        _END,
        0,
    )
    header += struct.pack("<109L", *(list(range(n_fat)) + [_FREE] * (109 - n_fat)))
    return header + struct.pack(f"<{len(fat)}L", *fat) + directory + b"".join(datas)


def _rec(rid: int, data: bytes = b"") -> bytes:
    return struct.pack("<HH", rid, len(data)) + data


def biff8_workbook(
    rows: int = 3, cols: int = 2, filepass: bool = False, name: str = "Risks"
) -> bytes:
    """A BIFF8 Workbook stream: globals (BOF, [FILEPASS], BOUNDSHEET, EOF), one sheet's size."""

    def bof(dt: int) -> bytes:
        return _rec(0x0809, struct.pack("<HHHHLL", 0x0600, dt, 0x0DBB, 0x07CC, 0, 6))

    def globals_(sheet_pos: int) -> bytes:
        out = bof(0x0005)
        if filepass:
            out += _rec(0x002F, struct.pack("<HHH", 1, 1, 1) + bytes(48))
        raw = name.encode("latin-1")
        out += _rec(0x0085, struct.pack("<LBB", sheet_pos, 0, 0) + bytes([len(raw), 0]) + raw)
        return out + _rec(0x000A)

    pos = len(globals_(0))
    sheet = bof(0x0010) + _rec(0x0200, struct.pack("<LLHHH", 0, rows, 0, cols, 0)) + _rec(0x000A)
    return globals_(pos) + sheet


def _patch_sizes(path: Path, member: str, file_size: int) -> None:
    """Overwrite the declared uncompressed size of ``member`` in both of its zip headers."""
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo(member)
    struct.pack_into("<L", data, info.header_offset + 22, file_size)
    raw = member.encode()
    pos = data.find(b"PK\x01\x02")
    while pos >= 0:
        name_len = struct.unpack_from("<H", data, pos + 28)[0]
        if data[pos + 46 : pos + 46 + name_len] == raw:
            struct.pack_into("<L", data, pos + 24, file_size)
        pos = data.find(b"PK\x01\x02", pos + 4)
    path.write_bytes(bytes(data))


# --- hostile and broken files --------------------------------------------------------------------


def missing_file(tmp: Path) -> Path:
    """A path where no file exists."""
    return tmp / "missing.xlsx"


def directory(tmp: Path) -> Path:
    """A directory named like a workbook."""
    path = tmp / "folder.xlsx"
    path.mkdir()
    return path


def empty_file(tmp: Path) -> Path:
    """A 0-byte .xlsx."""
    path = tmp / "empty.xlsx"
    path.write_bytes(b"")
    return path


def csv_renamed(tmp: Path) -> Path:
    """A CSV file renamed .xlsx."""
    path = tmp / "register.xlsx"
    path.write_text("№;Функциясы;Деңгээли\n1;Жер бөлүштүрүү;Жогорку\n", encoding="utf-8")
    return path


def text_renamed(tmp: Path) -> Path:
    """A plain text file renamed .xls."""
    path = tmp / "notes.xls"
    path.write_text("Коррупциялык тобокелдиктер\n", encoding="utf-8")
    return path


def html_renamed(tmp: Path) -> Path:
    """An HTML page (a web "Excel export") renamed .xls."""
    path = tmp / "export.xls"
    path.write_text("<html><body><table><tr><td>1</td></tr></table></body></html>")
    return path


def pdf_renamed(tmp: Path) -> Path:
    """A PDF renamed .xlsx."""
    path = tmp / "scan.xlsx"
    path.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    return path


def random_bytes(tmp: Path) -> Path:
    """64 KB of random bytes named .ods."""
    path = tmp / "noise.ods"
    path.write_bytes(b"\x01" + os.urandom(65535))
    return path


def truncated_xlsx(tmp: Path) -> Path:
    """A real openpyxl xlsx cut at half its length (an interrupted copy)."""
    full = normal_xlsx(tmp)
    data = full.read_bytes()
    path = tmp / "truncated.xlsx"
    path.write_bytes(data[: len(data) // 2])
    return path


def zip_of_text(tmp: Path) -> Path:
    """A zip of text files renamed .xlsx."""
    path = tmp / "archive.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("readme.txt", "hello")
        zf.writestr("data/risks.csv", "1;2;3\n")
    return path


def docx_renamed(tmp: Path) -> Path:
    """A Word-like OOXML package renamed .xlsx."""
    path = tmp / "letter.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", "<document/>")
    return path


def _bomb(path: Path, megabytes: int, level: int) -> Path:
    """An xlsx plus a second sheet whose XML is ``megabytes`` MB of blanks, written streaming."""
    write_xlsx(path)
    head, _, tail = sheet_xml("<row/>").partition("<sheetData>")
    block = b" " * (1024 * 1024)
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED, compresslevel=level) as zf:
        with zf.open("xl/worksheets/sheet2.xml", "w", force_zip64=True) as fh:
            fh.write((head + "<sheetData>").encode())
            for _ in range(megabytes):
                fh.write(block)
            fh.write(tail.encode())
    return path


def zip_bomb(tmp: Path) -> Path:
    """A valid-looking xlsx whose sheet XML inflates to 400 MB (over the total size limit)."""
    return _bomb(tmp / "bomb.xlsx", 400, 1)


def zip_bomb_ratio(tmp: Path) -> Path:
    """A valid-looking xlsx whose 40 MB sheet XML compresses about 1000:1 (ratio limit)."""
    return _bomb(tmp / "bomb_ratio.xlsx", 40, 9)


def zip_declared_huge(tmp: Path) -> Path:
    """An xlsx whose central directory declares a 3 GB sheet (caught before any inflating)."""
    path = write_xlsx(tmp / "declared.xlsx")
    _patch_sizes(path, "xl/worksheets/sheet1.xml", 3_000_000_000)
    return path


def zip_lying_size(tmp: Path) -> Path:
    """An xlsx whose sheet declares 900 bytes but inflates to 30 MB (a lying size)."""
    path = tmp / "liar.xlsx"
    body = "".join(f'<row r="{i}"><c r="A{i}"><v>{i}</v></c></row>' for i in range(1, 11))
    write_xlsx(path, sheet=sheet_xml(body + " " * 30_000_000))
    _patch_sizes(path, "xl/worksheets/sheet1.xml", 900)
    return path


def too_many_entries(tmp: Path) -> Path:
    """An xlsx padded with 12 000 tiny extra parts."""
    path = tmp / "entries.xlsx"
    write_xlsx(path, extra={f"xl/media/pad{i}.bin": b"" for i in range(12_000)})
    return path


def entities_shared_strings(tmp: Path) -> Path:
    """Billion laughs in xl/sharedStrings.xml."""
    sst = (
        f'<?xml version="1.0"?>{BILLION_LAUGHS_DTD.replace("lolz", "sst")}'
        f'<sst xmlns="{NS_MAIN}" count="1" uniqueCount="1"><si><t>&lol9;</t></si></sst>'
    )
    sheet = sheet_xml('<row r="1"><c r="A1" t="s"><v>0</v></c></row>')
    return write_xlsx(tmp / "laughs_sst.xlsx", sheet=sheet, shared_strings=sst)


def entities_worksheet(tmp: Path) -> Path:
    """Billion laughs in a worksheet, the DOCTYPE placed after 100 KB of padding (chunk ends)."""
    sheet = (
        '<?xml version="1.0"?>'
        + " " * 100_003
        + BILLION_LAUGHS_DTD.replace("lolz", "worksheet")
        + f'<worksheet xmlns="{NS_MAIN}"><sheetData><row r="1"><c r="A1" t="inlineStr">'
        "<is><t>&lol9;</t></is></c></row></sheetData></worksheet>"
    )
    return write_xlsx(tmp / "laughs_sheet.xlsx", sheet=sheet)


def entities_utf16(tmp: Path) -> Path:
    """An entity declaration in a UTF-16 encoded xl/workbook.xml."""
    workbook = (
        '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE workbook [<!ENTITY x "y">]>'
        f'<workbook xmlns="{NS_MAIN}" xmlns:r="{NS_REL}"><sheets>'
        '<sheet name="&x;" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ).encode("utf-16")
    return write_xlsx(tmp / "laughs_utf16.xlsx", workbook=workbook)


def entities_ods(tmp: Path) -> Path:
    """Billion laughs in an ods content.xml."""
    content = (
        f'<?xml version="1.0"?>{BILLION_LAUGHS_DTD.replace("lolz", "office:document-content")}'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        "/>"
    )
    return write_ods(tmp / "laughs.ods", "", content=content)


def ooxml_encrypted(tmp: Path) -> Path:
    """A password-protected xlsx: an OLE2 file with EncryptionInfo and EncryptedPackage."""
    path = tmp / "secret.xlsx"
    info = struct.pack("<HHL", 4, 4, 0x40) + b"<?xml version='1.0'?><encryption/>"
    path.write_bytes(cfb_bytes({"EncryptionInfo": info, "EncryptedPackage": os.urandom(6000)}))
    return path


def xls_filepass(tmp: Path) -> Path:
    """A BIFF8 .xls whose globals hold a FILEPASS record (password to open)."""
    path = tmp / "secret.xls"
    path.write_bytes(cfb_bytes({"Workbook": biff8_workbook(filepass=True)}))
    return path


def ods_encrypted(tmp: Path) -> Path:
    """A password-protected ods: the manifest carries encryption-data."""
    return write_ods(tmp / "secret.ods", "", encrypted=True)


def ole_not_workbook(tmp: Path) -> Path:
    """An OLE2 .doc renamed .xls (a WordDocument stream, no Workbook)."""
    path = tmp / "letter.xls"
    path.write_bytes(cfb_bytes({"WordDocument": b"\xec\xa5" + bytes(100)}))
    return path


def huge_used_range(tmp: Path) -> Path:
    """An openpyxl xlsx with values in A1 and XFD1048576."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Тобокелдиктер"
    ws["A1"] = "№"
    ws["XFD1048576"] = "x"
    path = tmp / "huge_range.xlsx"
    wb.save(path)
    return path


def huge_range_lying_dimension(tmp: Path) -> Path:
    """A far cell (column ZZ, row 900 000) under a dimension that claims A1:B2."""
    body = (
        '<row r="1"><c r="A1"><v>1</v></c></row>'
        '<row r="900000"><c r="ZZ900000" s="0"><v>2</v></c></row>'
    )
    return write_xlsx(tmp / "dim_lie.xlsx", sheet=sheet_xml(body, dimension="A1:B2"))


def far_row_without_refs(tmp: Path) -> Path:
    """A cell without an r= attribute inside <row r="1000000">: calamine puts it there."""
    body = '<row r="1"><c><v>1</v></c></row><row r="1000000"><c><v>2</v></c></row>'
    return write_xlsx(tmp / "far_row.xlsx", sheet=sheet_xml(body))


def hidden_ref_attribute(tmp: Path) -> Path:
    """A far cell reference hidden after a quoted ">" in the cell tag."""
    body = '<row r="1"><c t="n" cm="a>b" r="XFD5"><v>1</v></c></row>'
    return write_xlsx(tmp / "hidden_ref.xlsx", sheet=sheet_xml(body))


def huge_merged_area(tmp: Path) -> Path:
    """A sheet with a merged range A1:Z100000 (2.6 million cells)."""
    body = '<row r="1"><c r="A1"><v>1</v></c></row>'
    after = '<mergeCells count="1"><mergeCell ref="A1:Z100000"/></mergeCells>'
    return write_xlsx(tmp / "merged.xlsx", sheet=sheet_xml(body, after))


def ods_repeated_rows(tmp: Path) -> Path:
    """An ods whose one content row is repeated 1 000 000 times."""
    body = f'<table:table-row table:number-rows-repeated="1000000">{ODS_CELL}</table:table-row>'
    return write_ods(tmp / "rows.ods", body)


def ods_repeated_columns(tmp: Path) -> Path:
    """An ods whose content cell is repeated across 100 000 columns."""
    repeat = '<table:table-cell table:number-columns-repeated="100000" '
    cell = ODS_CELL.replace("<table:table-cell ", repeat)
    return write_ods(tmp / "cols.ods", f"<table:table-row>{cell}</table:table-row>")


def ods_gap_rows(tmp: Path) -> Path:
    """An ods with content in row 1 and in row 500 002, 500 000 empty rows between."""
    empty = (
        '<table:table-row table:number-rows-repeated="500000">'
        '<table:table-cell table:number-columns-repeated="1024"/></table:table-row>'
    )
    row = f"<table:table-row>{ODS_CELL}</table:table-row>"
    return write_ods(tmp / "gap.ods", row + empty + row)


def xls_huge_dimensions(tmp: Path) -> Path:
    """A BIFF8 .xls whose sheet spans all 65 536 rows x 256 columns."""
    path = tmp / "huge.xls"
    path.write_bytes(cfb_bytes({"Workbook": biff8_workbook(rows=65536, cols=256)}))
    return path


# --- acceptable files ----------------------------------------------------------------------------


def normal_xlsx(tmp: Path) -> Path:
    """A small risk register saved by openpyxl."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Тобокелдиктер"
    ws.append(["№", "Функциясы", "Учурлар жана кырдаалдар", "Деңгээли"])
    for i in range(1, 30):
        ws.append([i, f"Функция {i}", "Жер тилкелерин бөлүштүрүүдө пара талап кылуу", "Жогорку"])
    ws.merge_cells("B40:D41")
    path = tmp / "normal.xlsx"
    wb.save(path)
    return path


def xlsm_file(tmp: Path) -> Path:
    """A macro-enabled workbook: xl/vbaProject.bin and the macroEnabled content type."""
    return write_xlsx(tmp / "macro.xlsm", macro=True, extra={"xl/vbaProject.bin": bytes(512)})


def minimal_xls(tmp: Path) -> Path:
    """A hand-made BIFF8 .xls (OLE2 Workbook stream, 3 x 2 DIMENSIONS, no cells)."""
    path = tmp / "minimal.xls"
    path.write_bytes(cfb_bytes({"Workbook": biff8_workbook()}))
    return path


def minimal_ods(tmp: Path) -> Path:
    """A hand-made ods with LibreOffice-style huge repeats on EMPTY trailing rows and cells."""
    empty = '<table:table-cell table:number-columns-repeated="16383"/>'
    row = f"<table:table-row>{ODS_CELL}{empty}</table:table-row>"
    trail = (
        '<table:table-row table:number-rows-repeated="1048575">'
        '<table:table-cell table:number-columns-repeated="16384"/></table:table-row>'
    )
    return write_ods(tmp / "minimal.ods", row + trail)


def far_empty_row(tmp: Path) -> Path:
    """An xlsx with an empty, formatted <row r="1048576"/>: no cell, nothing allocated."""
    body = '<row r="1"><c r="A1"><v>1</v></c></row><row r="1048576" ht="20" customHeight="1"/>'
    return write_xlsx(tmp / "far_empty_row.xlsx", sheet=sheet_xml(body))


def libreoffice_copy(src: Path, fmt: str) -> Path:
    """``src`` converted by LibreOffice (``soffice --headless --convert-to fmt``) next to it."""
    outdir = src.parent / f"lo_{fmt}"
    outdir.mkdir(exist_ok=True)
    profile = src.parent / "lo_profile"
    subprocess.run(
        [
            shutil.which("soffice") or "soffice",
            f"-env:UserInstallation={profile.resolve().as_uri()}",
            "--headless",
            "--convert-to",
            fmt,
            "--outdir",
            str(outdir),
            str(src),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    out = outdir / (src.stem + "." + fmt)
    if not out.exists():
        raise RuntimeError(f"LibreOffice wrote no {out.name}")
    return out


def libreoffice_ods(tmp: Path) -> Path:
    """The normal register saved as .ods by LibreOffice."""
    return libreoffice_copy(normal_xlsx(tmp), "ods")


def libreoffice_xls(tmp: Path) -> Path:
    """The normal register saved as .xls by LibreOffice."""
    return libreoffice_copy(normal_xlsx(tmp), "xls")


Builder = Callable[[Path], Path]

HOSTILE: dict[Builder, str] = {
    missing_file: "file.not_found",
    directory: "file.not_found",
    empty_file: "file.empty",
    csv_renamed: "file.not_spreadsheet",
    text_renamed: "file.not_spreadsheet",
    html_renamed: "file.not_spreadsheet",
    pdf_renamed: "file.not_spreadsheet",
    random_bytes: "file.not_spreadsheet",
    truncated_xlsx: "file.corrupt",
    zip_of_text: "file.unsupported_format",
    docx_renamed: "file.unsupported_format",
    zip_bomb: "file.zip_bomb",
    zip_bomb_ratio: "file.zip_bomb",
    zip_declared_huge: "file.zip_bomb",
    zip_lying_size: "file.zip_bomb",
    too_many_entries: "file.zip_bomb",
    entities_shared_strings: "file.entities",
    entities_worksheet: "file.entities",
    entities_utf16: "file.entities",
    entities_ods: "file.entities",
    ooxml_encrypted: "file.encrypted",
    xls_filepass: "file.encrypted",
    ods_encrypted: "file.encrypted",
    ole_not_workbook: "file.unsupported_format",
    huge_used_range: "file.too_large",
    huge_range_lying_dimension: "file.too_large",
    far_row_without_refs: "file.too_large",
    hidden_ref_attribute: "file.too_large",
    huge_merged_area: "file.too_large",
    ods_repeated_rows: "file.too_large",
    ods_repeated_columns: "file.too_large",
    ods_gap_rows: "file.too_large",
    xls_huge_dimensions: "file.too_large",
}

VALID: dict[Builder, str] = {
    normal_xlsx: "xlsx",
    xlsm_file: "xlsm",
    minimal_xls: "xls",
    minimal_ods: "ods",
    far_empty_row: "xlsx",
}
