"""The command line speaks the user's language: --help, usage errors, --version and the --lang
default, chosen by --lang, else WORKBOOK_TOOLS_LANG, else the locale, else Kyrgyz."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from click.testing import CliRunner

from workbook_tools import messages
from workbook_tools.cli import main
from workbook_tools.clilang import pick_lang


@pytest.mark.parametrize(
    ("args", "env", "lang"),
    [
        ([], {}, "ky"),
        (["score", "--lang", "ru", "a.xlsx"], {}, "ru"),
        (["score", "--lang=en", "a.xlsx"], {"WORKBOOK_TOOLS_LANG": "ru"}, "en"),
        (["score", "a.xlsx"], {"WORKBOOK_TOOLS_LANG": "ru"}, "ru"),
        (["score", "a.xlsx"], {"WORKBOOK_TOOLS_LANG": "RU "}, "ru"),
        (["score"], {"WORKBOOK_TOOLS_LANG": "xx", "LANG": "ru_RU.UTF-8"}, "ru"),
        (["score"], {"LC_ALL": "ky_KG.UTF-8", "LANG": "ru_RU.UTF-8"}, "ky"),
        (["score"], {"LANG": "en_US.UTF-8"}, "en"),
        (["score"], {"LANG": "C.UTF-8"}, "ky"),
        (["score"], {"LANG": "de_DE.UTF-8"}, "ky"),
        (["score", "--lang"], {"LANG": "ru_RU.UTF-8"}, "ru"),  # --lang without a value
        (["score", "--lang", "fr"], {}, "ky"),  # not a language of the tool
    ],
)
def test_the_language_of_a_run(args: list[str], env: dict[str, str], lang: str) -> None:
    assert pick_lang(args, env) == lang


HELP_WORDS = {
    "ky": ("Колдонуу:", "Параметрлер:", "Буйруктар:", "Ушул жардамды көрсөтүп, чыгуу."),
    "ru": ("Использование:", "Параметры:", "Команды:", "Показать эту справку и выйти."),
    "en": ("Usage:", "Options:", "Commands:", "Show this message and exit."),
}


@pytest.mark.parametrize("lang", messages.LANGS)
def test_help_in_the_users_language(lang: str) -> None:
    result = CliRunner().invoke(main, ["--help", "--lang", lang])
    assert result.exit_code == 0, result.output
    for word in HELP_WORDS[lang]:
        assert word in result.output
    assert messages.text("help.score", lang)[:30] in " ".join(result.output.split())


@pytest.mark.parametrize("lang", ["ky", "ru"])
def test_command_help_has_no_english_words(lang: str) -> None:
    """Every word of `score --help` in Kyrgyz or Russian is theirs, but for the option names,
    the language codes and the example's file names."""
    result = CliRunner().invoke(main, ["score", "--help"], env={"WORKBOOK_TOOLS_LANG": lang},
                                prog_name="workbook-tools")
    assert result.exit_code == 0
    text = result.output
    text = re.sub(r"--[\w-]+|\b(ky|ru|en|low|zero)\b|\S+\.(xlsx|scored\.xlsx)\b|"
                  r"workbook-tools|score|validate|sample_workbooks|WORKBOOK_TOOLS_LANG|JSON|Excel",
                  " ",
                  text)
    assert not re.findall(r"[A-Za-z]{2,}", text), text


@pytest.mark.parametrize(
    ("args", "lang", "expected"),
    [
        (["score", "--nope"], "ky", "деген параметр жок"),
        (["score", "--nope"], "ru", "Нет такого параметра"),
        (["validate"], "ky", "Аргумент жетишпейт"),
        (["validate"], "ru", "Не хватает аргумента"),
        (["score", "--low-residual", "high", "a.xlsx"], "ru", "Недопустимое значение"),
        (["score", "--as-of", "31.02.2026", "a.xlsx"], "ky", "Ката:"),
        (["nosuch"], "ru", "Нет такой команды"),
        (["score", "--nope"], "en", "No such option"),
    ],
)
def test_usage_errors_in_the_users_language(args: list[str], lang: str, expected: str) -> None:
    result = CliRunner().invoke(main, args, env={"WORKBOOK_TOOLS_LANG": lang})
    assert result.exit_code == 2
    assert expected in result.output
    if lang != "en":
        assert "Usage:" not in result.output and "Error:" not in result.output


def test_version_in_the_users_language() -> None:
    result = CliRunner().invoke(main, ["--version"], env={"WORKBOOK_TOOLS_LANG": "ru"})
    assert result.exit_code == 0 and result.output.startswith("workbook-tools, версия ")


def test_the_lang_default_follows_the_environment(tmp_path) -> None:
    """Without --lang, the findings are said in the language the environment chooses."""
    from tests.builders import make_register, risk

    path = make_register(tmp_path / "r.xlsx", rows=[risk(1, p="?", h=1)])
    said = {}
    for lang in ("ky", "ru"):
        result = CliRunner().invoke(main, ["validate", str(path)],
                                    env={"WORKBOOK_TOOLS_LANG": lang})
        said[lang] = result.output
    assert messages.text("severity.error", "ky") in said["ky"]
    assert messages.text("severity.error", "ru") in said["ru"]


def test_help_is_printed_without_pandas() -> None:
    """`--help` in a fresh process imports neither pandas nor pandera (the start-up cost)."""
    code = ("import sys\nfrom workbook_tools.cli import main\n"
            "try:\n    main(['score', '--help', '--lang', 'ru'])\nexcept SystemExit:\n    pass\n"
            "print(sorted(m for m in ('pandas', 'pandera', 'openpyxl') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip().endswith("[]"), out


@pytest.mark.parametrize("lang", messages.LANGS)
@pytest.mark.parametrize(("args", "said"), [
    (["score", "--help"], "[≥ 1]"),
    (["watch", "--help"], "0.1–3600]"),
    (["score", "x.xlsx", "--jobs", "0"], "0 "),
    (["watch", "inbox", "--interval", "0"], "0.1–3600"),
])
def test_ranges_are_said_without_click_s_x(lang: str, args: list[str], said: str) -> None:
    """A number's range in help and usage errors: "≥ 1", "0.1–3600", not click's "x>=1"."""
    result = CliRunner().invoke(main, args, env={"WORKBOOK_TOOLS_LANG": lang})
    assert said in result.output
    assert "x>=" not in result.output and "<=x" not in result.output
    if "--help" not in args:
        assert result.exit_code == 2
