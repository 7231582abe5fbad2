"""``papershelf plan --format html`` and ``--badge``: the page and the badge people look at."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import unquote

import pytest

from organize_repo import git, make_repo
from page_dom import PLAN_FILE, elements, item_statuses, study_repo, summary_counts
from papershelf.cli import main
from papershelf.findings import Finding, Severity
from papershelf.views import badge, html


@pytest.fixture
def study(tmp_path: Path) -> Path:
    return study_repo(tmp_path / "Учёба & код")


def plan_json(repo: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, object]:
    assert main(["plan", "--format", "json", str(repo)]) == 0
    document: dict[str, object] = json.loads(capsys.readouterr().out)
    return document


def json_items(document: dict[str, object]) -> list[dict[str, object]]:
    phases = document["phases"]
    assert isinstance(phases, list)
    return [item for phase in phases for step in phase["steps"] for item in step["items"]]


def test_page_shows_the_counts_and_items_of_the_json_view(
    study: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    document = plan_json(study, capsys)
    page_file = study / "site" / "plan.html"
    assert main(["plan", "--format", "html", "--output", str(page_file), str(study)]) == 0
    assert capsys.readouterr().out == ""
    page = page_file.read_text(encoding="utf-8")
    summary = document["summary"]
    assert isinstance(summary, dict)
    assert summary_counts(page) == {status: n for status, n in summary.items() if n}
    items = json_items(document)
    assert item_statuses(page) == [item["status"] for item in items]
    total = sum(summary.values())
    share = next(e for e in elements(page) if "#summary" in e.ancestors and "data-total" in e.attrs)
    assert share.attrs == {
        "class": "share",
        "data-present": str(summary["present"]),
        "data-total": str(total),
    }
    assert share.text.startswith(f"{summary['present']} of {total} present")
    shown = page.replace("&amp;", "&")
    for item in items:
        assert str(item["name"]) in shown
    how = {e.text for e in elements(page) if e.attrs.get("class") == "detail"}
    assert "at the path the plan gives · plan line 32" in how
    assert any(text.startswith("found by its file name · 02_Model_Backbones/") for text in how)
    ssm = "02_Model_Backbones/02_Post_Transformer_&_SSM"
    assert any(text.startswith(f"not found: in {ssm}, which is missing · ") for text in how)
    reading = document["reading"]
    assert reading == {"read": 1, "unread": 1}
    counted = next(
        e for e in elements(page) if "#summary" in e.ancestors and "data-read" in e.attrs
    )
    assert counted.attrs["data-read"] == "1" and counted.attrs["data-unread"] == "1"
    assert counted.text == "1 of 2 read"
    marks = [e.attrs["data-read"] for e in elements(page) if "data-read" in e.attrs]
    assert marks.count("read") == 1 and marks.count("unread") == 1


def test_page_is_self_contained_and_accessible(
    study: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["plan", "--format", "html", str(study)]) == 0
    page = capsys.readouterr().out
    found = elements(page)
    tags = [e.tag for e in found]
    assert page.startswith('<!doctype html>\n<html lang="en">')
    assert "script" not in tags and "link" not in tags and "img" not in tags
    assert "prefers-color-scheme:dark" in page and 'name="viewport"' in page
    for element in found:
        for attribute in ("href", "src"):
            value = element.attrs.get(attribute, "")
            if element.tag == "a" and value.startswith("https://"):
                continue  # a link to an online paper: followed, never loaded
            assert "//" not in value, f"{element.tag} loads {value}"
    assert [e.tag for e in found if e.tag in ("header", "main", "footer")] == [
        "header",
        "main",
        "footer",
    ]
    assert tags.count("h1") == 1
    headings = [int(e.tag[1]) for e in found if re.fullmatch(r"h[1-6]", e.tag)]
    assert set(headings) == {1, 2, 3, 4}
    # every status is a word beside its icon, never a colour alone
    for element in found:
        if element.tag == "li" and element.attrs.get("class") == "item":
            status = element.attrs["data-status"]
            assert element.text.startswith(status + " "), element.text
    # a Cyrillic heading is marked so a screen reader reads it in Russian
    assert '<h3 id="phase-1" lang="ru">🚦 Фаза 0: Инициализация</h3>' in page


def test_links_lead_from_the_page_to_the_files(
    study: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    page_file = study / "docs" / "progress" / "plan.html"
    assert main(["plan", "--format", "html", "--output", str(page_file), str(study)]) == 0
    page = page_file.read_text(encoding="utf-8")
    links = [e.attrs["href"] for e in elements(page) if e.tag == "a" and "href" in e.attrs]
    files = [unquote(link) for link in links if not link.startswith("#")]
    assert "../../02_Model_Backbones/01_Transformer_Evolution/Attention Is All You Need.pdf" in (
        files
    )
    assert "../../06_Engineering_&_Tuning/LoRA.zip" in files
    assert f"../../{PLAN_FILE}" in files
    for target in files:
        assert (page_file.parent / target).exists(), target
    folders = [link for link in files if (page_file.parent / link).is_dir()]
    assert folders and all(link.endswith("/") for link in folders)


def test_page_lists_the_open_findings_and_the_commit(
    study: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", "--format", "json", str(study)]) == 1
    findings = json.loads(capsys.readouterr().out)["findings"]
    assert any(f["rule"] == "archive-in-git" for f in findings)
    assert main(["plan", "--format", "html", str(study)]) == 0
    page = capsys.readouterr().out
    shown = [e for e in elements(page) if e.tag == "li" and e.attrs.get("class") == "finding"]
    assert [e.attrs["data-severity"] for e in shown] == [f["severity"] for f in findings]
    for element, finding in zip(shown, findings):
        assert element.text.startswith(f"{finding['severity']} {finding['code']} {finding['rule']}")
    heading = next(e for e in elements(page) if e.attrs.get("id") == "findings")
    assert heading.attrs["data-count"] == str(len(findings))
    # the message and what to do are two lines, the hint exactly as repo-check gives it
    details = [e for e in elements(page) if ".finding" in e.ancestors and e.tag == "span"]
    messages = [e.text for e in details if e.attrs.get("class") == "detail"]
    fixes = [e.text for e in details if e.attrs.get("class") == "detail fix"]
    assert messages == [" ".join(f["message"].split()) for f in findings]
    assert fixes == [f"Fix: {' '.join(f['hint'].split())}" for f in findings if f["hint"]]
    sha, date = git(study, "log", "-1", "--format=%H %cI").split()
    assert f'<code data-commit="{sha}">{sha[:12]}</code>' in page
    assert f'<time datetime="{date}">{date[:10]}</time>' in page


def test_names_are_escaped() -> None:
    item = html.PlanItem("paper", '<script>alert("x")</script>', "online", None, "x", None, 3)
    page = html.render(
        html.PlanPage(
            "A & B <i>",
            "plan & notes.md",
            [html.PlanPhase("", [html.PlanStep("", [item])])],
            [
                html.PlanFinding(
                    Finding("mojibake", "PS302", Severity.WARNING, "a<b>.md", "bad & worse"),
                    "a<b>.md",
                )
            ],
            None,
            "2026-01-02T03:04:05+00:00",
        )
    )
    assert "<script" not in page and "<i>" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert "<title>A &amp; B &lt;i&gt; — reading plan</title>" in page
    assert 'href="plan%20%26%20notes.md"' in page
    assert summary_counts(page) == {"online": 1}
    assert '<time datetime="2026-01-02T03:04:05+00:00">2026-01-02</time>' in page


def test_an_unwritable_output_is_one_error_and_leaves_nothing(
    study: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = study / "blocker"
    blocker.write_text("a file, not a folder\n", encoding="utf-8")
    target = blocker / "plan.html"
    assert main(["plan", "--format", "html", "--output", str(target), str(study)]) == 1
    assert (
        capsys.readouterr().err == f"papershelf: error: {target}: cannot write: Not a directory\n"
    )
    assert sorted(p.name for p in study.iterdir()) == sorted(
        [
            ".git",
            "00_The_Guidebook_&_Roadmap",
            "01_Data_Centric_AI",
            "02_Model_Backbones",
            "06_Engineering_&_Tuning",
            "blocker",
            "xx_prompting",
        ]
    )


def test_output_replaces_a_file_whole(study: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = study / "plan.md"
    target.write_text("old\n", encoding="utf-8")
    assert main(["plan", "--format", "markdown", "--output", str(target), str(study)]) == 0
    assert capsys.readouterr().out == ""
    assert main(["plan", "--format", "markdown", str(study)]) == 0
    assert target.read_text(encoding="utf-8") == capsys.readouterr().out
    assert [p.name for p in study.iterdir() if p.name.startswith(".plan.md")] == []


def test_badge_counts_what_the_plan_asks_to_read(
    study: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    items = json_items(plan_json(study, capsys))
    in_place = ("present", "online")
    done = sum(bool(i["read"] if i["read"] is not None else i["status"] in in_place) for i in items)
    total = len(items)
    assert 0 < done < total
    target = study / "badge.svg"
    assert main(["plan", "--badge", str(target), str(study)]) == 0
    assert capsys.readouterr().out == f"wrote {target}: reading plan {done}/{total}\n"
    svg = ET.fromstring(target.read_text(encoding="utf-8"))
    ns = "{http://www.w3.org/2000/svg}"
    assert svg.get("role") == "img"
    assert svg.get("aria-label") == f"reading plan: {done} of {total}"
    assert [t.text for t in svg.iter(f"{ns}text")] == ["reading plan", f"{done}/{total}"]
    fills = [r.get("fill") for r in svg.iter(f"{ns}rect") if r.get("fill")]
    assert fills == [badge.LABEL_COLOR, badge.color_for(done, total)]


def test_badge_counts_online_papers_by_their_task_box(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan = (
        "# Papers\n\n"
        "- [x] [Deep Residual Learning](https://arxiv.org/abs/1512.03385)\n"  # online, read
        "- [ ] [Batch Normalization](https://arxiv.org/abs/1502.03167)\n"  # online, unread
        "- [Dropout](https://arxiv.org/abs/1207.0580)\n"  # online, no box: there to read
        "- [U-Net](papers/unet.pdf)\n"  # present, no box
        "- [Mask R-CNN](papers/maskrcnn.pdf)\n"  # missing, no box
        "- [x] [YOLO](papers/yolo.pdf)\n"  # missing, but read
    )
    repo = make_repo(tmp_path / "r", {"PLAN.md": plan, "papers/unet.pdf": b"%PDF-1.4\n"})
    assert main(["plan", "badge", str(tmp_path / "b.svg"), str(repo)]) == 0
    assert capsys.readouterr().out == f"wrote {tmp_path / 'b.svg'}: reading plan 4/6\n"


@pytest.mark.parametrize(
    "files",
    [{".papershelf.toml": 'plan = "PLAN.md"\n', "PLAN.md": "# Soon\n"}, {"notes.md": "# x\n"}],
    ids=["plan-naming-nothing", "no-plan"],
)
def test_a_plan_naming_nothing_gets_a_grey_no_plan_badge(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], files: dict[str, str]
) -> None:
    repo = make_repo(tmp_path / "r", files)
    target = tmp_path / "b.svg"
    assert main(["plan", "badge", str(target), str(repo)]) == 0
    captured = capsys.readouterr()
    assert captured.out == f"wrote {target}: reading plan no plan\n"
    assert ("no reading plan found" in captured.err) == ("PLAN.md" not in files)
    svg = ET.fromstring(target.read_text(encoding="utf-8"))
    ns = "{http://www.w3.org/2000/svg}"
    assert svg.get("aria-label") == "reading plan: no plan"
    assert [t.text for t in svg.iter(f"{ns}text")] == ["reading plan", "no plan"]
    fills = [r.get("fill") for r in svg.iter(f"{ns}rect") if r.get("fill")]
    assert fills == [badge.LABEL_COLOR, badge.NO_PLAN_COLOR]


@pytest.mark.parametrize(
    ("done", "total", "color"),
    [
        (0, 24, "#c62828"),
        (0, 0, badge.NO_PLAN_COLOR),
        (6, 24, "#b04a00"),
        (12, 24, "#7a6300"),
        (23, 24, "#4d7a12"),
        (24, 24, "#1a7f37"),
    ],
)
def test_badge_colour_by_share(done: int, total: int, color: str) -> None:
    assert badge.color_for(done, total) == color


def _luminance(color: str) -> float:
    channels = [int(color[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


@pytest.mark.parametrize(
    "color", [c for _, c in badge.SHARE_COLORS] + ["#555555", badge.NO_PLAN_COLOR]
)
def test_badge_text_is_readable_on_every_colour(color: str) -> None:
    assert (1.05) / (_luminance(color) + 0.05) >= 4.5


def test_readme_shows_a_small_screenshot_of_the_page() -> None:
    project = Path(__file__).resolve().parents[1]
    readme = (project / "README.md").read_text(encoding="utf-8")
    found = re.search(r"!\[([^\]]{40,})\]\((docs/[\w-]+\.png)\)", readme)
    assert found, "the README shows the page, with a text that says what the picture shows"
    image = (project / found[2]).read_bytes()
    assert image.startswith(b"\x89PNG\r\n\x1a\n") and len(image) < 100_000


def test_an_online_paper_links_to_its_url(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = make_repo(
        tmp_path / "repo",
        {
            ".papershelf.toml": 'plan = "papers/README.md"\n',
            "papers/README.md": "# Papers\n\n"
            "- [x] [Attention is all you need](https://arxiv.org/abs/1706.03762)\n"
            "- [ ] [LoRA](lora.pdf)\n",
            "papers/lora.pdf": b"%PDF",
        },
    )
    assert (
        main(["plan", "--format", "html", "--output", str(repo / "site/plan.html"), str(repo)]) == 0
    )
    page = (repo / "site/plan.html").read_text(encoding="utf-8")
    assert summary_counts(page) == {"present": 1, "online": 1}
    links = [e.attrs["href"] for e in elements(page) if e.tag == "a"]
    assert "https://arxiv.org/abs/1706.03762" in links
    assert "../papers/lora.pdf" in links
    assert "online only" in page


def test_every_web_paper_is_linked_http_too(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    urls = [
        "http://www.cs.toronto.edu/~hinton/absps/dropout.pdf",
        "HTTPS://arxiv.org/abs/1512.03385",
    ]
    plan = f"# Papers\n\n- [Dropout]({urls[0]})\n- [Deep Residual Learning]({urls[1]})\n"
    repo = make_repo(tmp_path / "repo", {"PLAN.md": plan})
    assert main(["plan", "--format", "html", str(repo)]) == 0
    page = capsys.readouterr().out
    assert summary_counts(page) == {"online": 2}
    links = [e.attrs["href"] for e in elements(page) if e.tag == "a"]
    assert [link for link in links if link in urls] == urls
