"""What the command line prints for a file, as text: the headline that says what matters (a
register's counts by level, a plan's overdue and due-soon activities, then errors and
warnings) and one line per finding. The CLI only prints these."""

from __future__ import annotations

from .. import messages
from ..model import FileReport, Finding


def headline(report: FileReport, lang: str) -> str:
    """"Тизмек: 11 тобокелдик: 6 жогорку, 3 орточо, 2 төмөнкү; 0 ката, 7 эскертүү"."""
    if report.status == "rejected":
        reason = messages.rejection(report, lang)
        return f"{messages.text('cli.rejected', lang)}: {reason}"
    tables = "; ".join(f"{t.sheet}: {t.kind.headline(t, lang)}" for t in report.tables)
    errors = sum(1 for f in report.findings if f.is_error)
    warnings = len(report.findings) - errors
    counts = (f"{messages.counted(errors, 'cli.errors', lang)}, "
              f"{messages.counted(warnings, 'cli.warnings', lang)}")
    return f"{tables}; {counts}" if tables else counts


def finding_line(finding: Finding, lang: str) -> tuple[str, str]:
    """(severity word, "sheet!cell: message") of a finding."""
    where = finding.sheet or ""
    if finding.row:
        where += f"!{finding.column or ''}{finding.row}"
    severity = messages.text(f"severity.{finding.severity.value}", lang)
    return severity, f"{where}: {messages.render(finding, lang)}"
