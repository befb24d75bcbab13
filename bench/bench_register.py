"""Benchmark of issue 2: a generated 10,000-row register, timed as whole processes.

Targets, measured in the same run against their floors:
  * ``workbook-tools score``    <= 1.5x the time of a process that only loads and saves the file
                                 with openpyxl, and <= 1.2x its peak memory;
  * ``workbook-tools validate`` <= 2x the time of a process that only reads it with
                                 python-calamine.

Run: ``python bench/bench_register.py [--rows 10000] [--repeat 3]``. Prints a table and the
ratios; record them in bench/README.md.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SEED_TEXTS = [
    ("Айыл өкмөтүнүн кызматкерлери жана жеке менчик турак жай куруу үчүн жер тилкелерин берүү "
     "ижарага берүү комиссиялары",
     "Жеке менчик турак жай куруу жер тилкелерин жана берүү ижарага берүү учурлары"),
    ("Айыл өкмөтүнүн муктаждыктар үчүн товарларды сатып алуу", "Мамлекеттик сатып алуулар"),
    ("Айыл өкмөтүнүн муниципалдык кызмат орундарына дайындоо, кадрлар резервине киргизүү, "
     "аттестациялоо", "Бош кызмат оруну пайда болгондо, аттестациялоо учурлары"),
    ("Айыл өкмөтүнө караштуу балдарды мектепке чейинки билим берүү мекемелерине кабыл алуу",
     "Балдарды мектепке чейинки билим берүү мекемелерине кабыл алуу учурлары"),
    ("Жергиликтүү салыктардын өлчөмүн белгилөө, жыйноо",
     "Жергиликтүү салыктардын өлчөмүн белгилөө, жыйноо учурлары"),
    ("Жайыттарды пайдалануу, ижарага берүү",
     "Жайыттарды убактылуу пайдаланууга берүү, аукцион өткөрүү, ижарага берүү учурлары"),
]
# (probability, harm, stated level) as staff type them; one in fifty disagrees with the matrix.
ROWS = [
    (1, "1", "Төмөнкү"), ("2 балл", 2, "Орточо"), (3, 2.0, "Жогору"), (" 2 ", 1, "Төмөн"),
    ("жогорку", 3, "Жогорку"), ("Орточо", 3, "Жогорку"), (2, 2, "Орто"), (1, 2, "Төмөнкү"),
    (3, 1, "Орточо"), (2, "2 балл", "орточо"),
]
CONTROL = ["Жогорку", "орточо", "төмөн", None]


def generate(path: Path, rows: int) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    ws = wb.active
    ws.title = "Тизмек"
    ws.append(["Достук айыл өкмөтүнүн 2026-жылдагы № 114 буйругуна тиркеме"])
    ws.append(["Коррупциянын келип чыгуу тобокелдиги бар учурлардын жана кырдаалдардын Иш-планы"])
    ws.append([
        "№", "Функциясы (ыйгарым укуктары)",
        "Коррупциянын тобокелдиги бар учурлар жана кырдаалдар",
        "Коррупциялык тобокелдиктин категориясы: Системалуу (реалдуу), потенциалдуу, кырдаалдык",
        "деңгээли (нөлдүк, төмөнкү, орточо, жогорку)",
        "Түзүмдүк бөлүмдүн (мамлекеттик органдын, мекеменин) аталышы",
        "Коррупциялык тобокелдикке кабылган кызмат орундары",
        "Башка маморгандарда/ЖӨБОдо коррупциялык тобокелдиктин пайда болушу мүмкүнбү",
        "Ыктымалдуулук (балл)", "Ыктымалдуулуктун негиздемеси", "Кесепеттер (зыян) (балл)",
        "Зыяндын негиздемеси", "Ички контролдун натыйжалуулугу",
    ])
    for c in ws[3]:
        c.font = Font(bold=True)
        c.alignment = Alignment(wrap_text=True)
    ws.append(list(range(1, 14)))
    section = 0
    number = 0
    for i in range(rows):
        if i % 500 == 0:
            section += 1
            number = 0
            ws.append([f"{section}. Кызмат көрсөтүү функциясы"])
        number += 1
        func, case = SEED_TEXTS[i % len(SEED_TEXTS)]
        ws.append([
            number, func, f"{case} ({i})", ["Кырдаалдык", "Потенциалдуу", "Системалуу"][i % 3],
            ROWS[i % len(ROWS)][2] if i % 50 else "Жогорку", "Айыл өкмөтүнүн кызматкерлери",
            "Айыл өкмөт башчылары, орун басарлары, жооптуу катчылар жана тиешелүү адистер",
            "Бул тобокелдик жергиликтүү өз алдынча башкаруу органдарынын ишине тиешелүү",
            ROWS[i % len(ROWS)][0], "Арыздардын саны көп, жол-жоболор ачык эмес",
            ROWS[i % len(ROWS)][1], "Бюджетке жана ишенимге зыян",
            CONTROL[i % len(CONTROL)],
        ])
    wb.save(path)


def measure(cmd: list[str]) -> tuple[float, int]:
    """Wall time (s) and peak resident memory (KiB) of one process."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - started
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        err = proc.stderr.read().decode() if proc.stderr else ""
        raise SystemExit(f"{cmd} failed with {code}: {err}")
    return elapsed, usage.ru_maxrss


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    tool = shutil.which("workbook-tools")
    if tool is None:
        raise SystemExit("install the project first: pip install .")
    py = sys.executable
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "register.xlsx"
        generate(src, args.rows)
        out = Path(tmp) / "out"
        commands = {
            "openpyxl load+save": [py, "-c", "import openpyxl,sys; "
                                   "openpyxl.load_workbook(sys.argv[1]).save(sys.argv[2])",
                                   str(src), str(Path(tmp) / "copy.xlsx")],
            "workbook-tools score": [tool, "score", str(src), "--out", str(out)],
            "calamine read": [py, "-c", "import python_calamine as c,sys; wb=c.CalamineWorkbook."
                              "from_path(sys.argv[1]); [wb.get_sheet_by_name(n).to_python() "
                              "for n in wb.sheet_names]", str(src)],
            "workbook-tools validate": [tool, "validate", str(src)],
        }
        results: dict[str, tuple[float, int]] = {}
        for name, cmd in commands.items():
            runs = [measure(cmd) for _ in range(args.repeat)]
            results[name] = (statistics.median(r[0] for r in runs), max(r[1] for r in runs))
        print(f"rows: {args.rows}, file: {src.stat().st_size / 1e6:.1f} MB, "
              f"median of {args.repeat} runs")
        print(f"{'process':28} {'time s':>8} {'peak MiB':>9}")
        for name, (t, m) in results.items():
            print(f"{name:28} {t:8.2f} {m / 1024:9.1f}")
        floor_t, floor_m = results["openpyxl load+save"]
        score_t, score_m = results["workbook-tools score"]
        cal_t, _ = results["calamine read"]
        val_t, _ = results["workbook-tools validate"]
        print(f"score time ratio    {score_t / floor_t:5.2f}  (target <= 1.5)")
        print(f"score memory ratio  {score_m / floor_m:5.2f}  (target <= 1.2)")
        print(f"validate time ratio {val_t / cal_t:5.2f}  (target <= 2.0)")


if __name__ == "__main__":
    main()
