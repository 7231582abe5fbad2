"""mojibake: names and plan text decoded with the wrong code page, repaired exactly."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, strategies as st

from organize_repo import PLAN_MOJIBAKE, PLAN_RU, make_repo
from papershelf.cli import repo_check_main
from papershelf.mojibake_repair import decode, encode, repair

TITLE = "Разработка LLM с нуля"


def test_the_shared_example_repairs_to_the_original_byte_for_byte() -> None:
    broken = PLAN_MOJIBAKE.read_bytes().decode("utf-8")
    fixed = repair(broken)
    assert fixed is not None
    assert fixed.description == "UTF-8 read as Mac Roman"
    assert fixed.text.encode("utf-8") == PLAN_RU.read_bytes()


def test_correct_text_is_left_alone() -> None:
    assert repair(PLAN_RU.read_text(encoding="utf-8")) is None
    for name in (
        TITLE,
        "café.pdf",
        "naïve Bayes.pdf",
        "Straße",
        "Ёжик — «ёлка» №1",
        "⚡ Plan",
        "Ђорђе",
        "Јелена",
        "Україна, Київ",
        "Ґанок",
        "Ўсё",
        "«мама»",
        "Don’t panic",
    ):
        assert repair(name) is None, name


@pytest.mark.parametrize(
    ("original", "broken", "description"),
    [
        (TITLE, TITLE.encode().decode("mac_roman"), "UTF-8 read as Mac Roman"),
        (TITLE, decode(TITLE.encode(), "sloppy-cp1252"), "UTF-8 read as Windows-1252"),
        (TITLE, TITLE.encode().decode("latin-1"), "UTF-8 read as Latin-1"),
        (TITLE, TITLE.encode().decode("cp437"), "UTF-8 read as DOS code page 437"),
        (TITLE, TITLE.encode("cp1251").decode("cp866"), "Windows-1251 read as DOS code page 866"),
        (TITLE, TITLE.encode("cp866").decode("cp1251"), "DOS code page 866 read as Windows-1251"),
        ("Юля", "Юля".encode("cp866").decode("cp1251"), "DOS code page 866 read as Windows-1251"),
        ("Don’t panic", "Don’t panic".encode().decode("cp1252"), "UTF-8 read as Windows-1252"),
    ],
)
def test_each_wrong_code_page(original: str, broken: str, description: str) -> None:
    fixed = repair(broken)
    assert fixed is not None
    assert (fixed.text, fixed.description) == (original, description)


@given(
    st.text(
        alphabet=st.characters(min_codepoint=0x410, max_codepoint=0x44F)
        | st.sampled_from(list(" ._-019aXЁё&()")),
        min_size=1,
    ),
    st.sampled_from(["mac_roman", "latin-1", "cp437", "sloppy-cp1252"]),
)
def test_utf8_misreads_always_round_trip(text: str, codepage: str) -> None:
    broken = decode(text.encode(), codepage)
    fixed = repair(broken)
    if text.isascii():
        assert fixed is None
    else:
        assert fixed is not None and fixed.text == text
        assert decode(encode(fixed.text, "utf-8"), fixed.codepage) == broken


def test_rule_reports_names_and_the_plan_text(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = f"06_Engineering_&_Tuning/{TITLE.encode().decode('mac_roman')}"
    repo = make_repo(
        tmp_path / "repo",
        {
            "00_The_Guidebook_&_Roadmap/.gitkeep": "",
            "HOW_TO_READ.md": PLAN_MOJIBAKE.read_bytes(),
            f"{folder}/01.md": "x",
            f"{folder}/02.md": "x",
            f"06_Engineering_&_Tuning/{TITLE}/ok.md": "x",
        },
    )
    code = repo_check_main(["--rule", "mojibake", str(repo)])
    out = capsys.readouterr().out.splitlines()
    assert code == 0
    assert out == [
        f"{folder}: warning mojibake: the name is mojibake (UTF-8 read as Mac Roman); "
        f"repaired: `06_Engineering_&_Tuning/{TITLE}`",
        f"  hint: repo-check --fix renames it: git mv -- '{folder}' "
        f"'06_Engineering_&_Tuning/{TITLE}'",
        "HOW_TO_READ.md:1: warning mojibake: the plan's text is mojibake (UTF-8 read as "
        "Mac Roman); this line reads: # ⚡ Алгоритм изучения (Action Plan)",
        "  hint: repo-check --fix rewrites the file with the repaired text",
        "2 findings: 2 warnings",
    ]


def test_rule_is_quiet_on_a_correct_plan(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = make_repo(
        tmp_path / "repo",
        {
            "00_The_Guidebook_&_Roadmap/.gitkeep": "",
            "HOW_TO_READ.md": PLAN_RU.read_bytes(),
            "notes/café.md": "x",
        },
    )
    assert repo_check_main(["--rule", "mojibake", str(repo)]) == 0
    assert capsys.readouterr().out == "no findings\n"
