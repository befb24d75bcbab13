"""Write the blank self-scoring templates into sample_workbooks/templates/ (run:
``python sample_workbooks/make_templates.py [FOLDER]``).

They are what ``workbook-tools template register|plan --lang ky|ru -o FILE`` writes; kept in a
folder of their own so that ``workbook-tools score sample_workbooks/*.xlsx`` (the quick start)
does not meet them: a blank template holds no register or plan yet, and the tool says so.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from workbook_tools.template.build import build_template  # noqa: E402

NAMES = {
    ("register", "ky"): "tobokeldikter_tizmegi_ky.xlsx",
    ("register", "ru"): "perechen_riskov_ru.xlsx",
    ("plan", "ky"): "ish_charalar_plany_ky.xlsx",
    ("plan", "ru"): "plan_meropriyatiy_ru.xlsx",
}


def main(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    return [build_template(kind, folder / name, lang=lang) for (kind, lang), name in NAMES.items()]


if __name__ == "__main__":
    for path in main(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE / "templates"):
        print(path)
