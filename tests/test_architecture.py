"""The package's layout holds: no import cycle, no oversized module, no kind-name branch, and
``validate`` and ``score`` agree on the findings of a file.

The first three read the source (every import, those inside functions too); the last runs the
pipeline on the bundled samples and on a workbook whose copy neutralises a formula.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from openpyxl import Workbook

from workbook_tools import Options, analyse, score_file
from workbook_tools.outputs import report

PACKAGE = Path(__file__).resolve().parent.parent / "workbook_tools"
SAMPLES = Path(__file__).resolve().parent.parent / "sample_workbooks"
MODULES = sorted(PACKAGE.rglob("*.py"))
#: findings only writing the copy can make
COPY_CODES = {"formula.neutralised", "link.removed"}


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """The package's modules ``path`` imports, anywhere in it (functions included)."""
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    known = {_module_name(p) for p in MODULES}
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.ImportFrom):
            base = package
            for _ in range(node.level - 1):
                base = base.rpartition(".")[0]
            target = (f"{base}.{node.module}" if node.module else base) if node.level \
                else node.module or ""
            for alias in node.names:
                sub = f"{target}.{alias.name}"
                out.add(sub if sub in known else target)
        elif isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
    return {m for m in out if m in known and m != name}


def test_no_import_cycle() -> None:
    graph = {_module_name(p): _imports(p) for p in MODULES}
    # a package's __init__ re-exporting its modules is no dependency of those modules
    state: dict[str, int] = {}
    path: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycle = path[path.index(nxt):] + [nxt]
                if not all(m == c or not c.startswith(m + ".") for m, c in zip(cycle, cycle[1:],
                                                                               strict=False)):
                    continue  # a module importing its own package's __init__ is not a loop
                pytest.fail("import cycle: " + " -> ".join(cycle))
            if nxt not in state:
                visit(nxt)
        path.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_module_over_600_lines(path: Path) -> None:
    assert len(path.read_text("utf-8").splitlines()) <= 600


KIND_BRANCH = re.compile(r"""kind(?:\.name)?\s*[!=]=\s*["'](?:register|plan)["']""")


@pytest.mark.parametrize("path", [p for p in MODULES if "kinds" not in p.parts],
                         ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_kind_name_branch_outside_the_kinds(path: Path) -> None:
    """The pipeline, the copy and the outputs call a table's kind; they never test its name."""
    assert not KIND_BRANCH.search(path.read_text("utf-8"))


def _findings(doc: dict) -> list[tuple]:
    return [tuple(f[k] for k in ("severity", "code", "sheet", "row", "column", "message"))
            for f in doc["files"][0]["findings"]]


SAMPLE_FILES = sorted(p.name for p in SAMPLES.iterdir() if p.suffix in (".xlsx", ".ods"))


@pytest.mark.parametrize("name", SAMPLE_FILES)
def test_score_reports_the_findings_validate_reports(tmp_path: Path, name: str) -> None:
    """``score`` = ``validate`` + only the findings of writing the copy, in the same order."""
    options = Options(lang="ru")
    checked = report.document([analyse(SAMPLES / name, options)], "ru")
    scored = report.document([score_file(SAMPLES / name, tmp_path, options)], "ru")
    assert scored["files"][0]["tables"] == checked["files"][0]["tables"]
    own = [f for f in _findings(scored) if f[1] in COPY_CODES]
    assert [f for f in _findings(scored) if f[1] not in COPY_CODES] == _findings(checked)
    assert own == []  # the samples reach nothing outside themselves


def test_findings_of_the_copy_follow_the_analysis(tmp_path: Path) -> None:
    """A formula reaching outside the workbook: ``score`` adds its neutralisation finding after
    the analysis' findings, which stay exactly those of ``validate``."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Тизмек"
    ws.append(["№", "Функциясы", "Коррупциянын тобокелдиги бар учурлар жана кырдаалдар",
               "Ыктымалдуулук (балл)", "Кесепеттер (зыян) (балл)", "Деңгээли"])
    ws.append([1, "Кат кабыл алуу", "Каттарды каттоодо пара талап кылуу", 3, 3, "Орточо"])
    ws["H2"] = '=WEBSERVICE("http://example.com")'
    src = tmp_path / "r.xlsx"
    wb.save(src)
    checked = _findings(report.document([analyse(src)]))
    result = score_file(src, tmp_path / "out")
    scored = _findings(report.document([result]))
    assert result.output is not None and result.output.is_file()
    assert scored[: len(checked)] == checked
    assert [f[1] for f in scored[len(checked):]] == ["formula.neutralised"]
    assert any(f[1] == "level.mismatch" for f in checked)
