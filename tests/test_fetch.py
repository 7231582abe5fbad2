"""``papershelf fetch`` against a real HTTP server in a thread: PDFs land where the plan
reads them, and every way a host can fail is one line naming the paper, host and why."""

from __future__ import annotations

import io
import signal
import subprocess
import sys
import time
from itertools import pairwise
from pathlib import Path

import pytest

from gitrepo import PLAN_FILE, PLAN_TEXT, git, make_repo
from http_server import Route, Server
from interrupting import _default_sigint
from papershelf.cli import main
from pdf_builders import pdf

ATTENTION = "1706.03762"
BERT = "1810.04805"


def paper(title: str, arxiv: str = "") -> bytes:
    """A real PDF of the paper ``title`` (stamped with its arXiv id, as arXiv's are)."""
    stamp = f"arXiv:{arxiv}v2 [cs.CL] 1 Jan 2020" if arxiv else ""
    return pdf([title, "A. Author, B. Author"], stamp=stamp)


def plan_repo(root: Path, lines: str) -> Path:
    return make_repo(
        root, {"README.md": f"# Reading\n\n## Step 1\n\nGo to `papers/nlp`.\n\n{lines}"}
    )


@pytest.fixture
def server() -> Server:
    with Server() as running:
        yield running


def fetch(repo: Path, server: Server, *args: str) -> int:
    """``papershelf fetch`` with arxiv.org, and every other host, served by ``server``."""
    mirrors = ["--mirror", f"https://arxiv.org={server.base}/arxiv"]
    for host in ("openreview.net", "aclanthology.org", "doi.org", "example.org"):
        mirrors += ["--mirror", f"https://{host}={server.base}/{host}"]
    return main(["fetch", "-C", str(repo), "--retries", "2", *mirrors, *args])


def test_fetches_each_paper_into_the_plans_folder_and_check_then_finds_it(
    tmp_path: Path, server: Server, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = plan_repo(
        tmp_path / "study",
        f"1. [Attention Is All You Need](https://arxiv.org/abs/{ATTENTION}v5)\n"
        f"2. BERT: Pre-training of Deep Bidirectional Transformers, arXiv:{BERT}\n",
    )
    server.routes[f"/arxiv/pdf/{ATTENTION}"] = Route(paper("Attention Is All You Need", ATTENTION))
    bert = "BERT: Pre-training of Deep Bidirectional Transformers"
    server.routes[f"/arxiv/pdf/{BERT}"] = Route(paper(bert, BERT))
    assert fetch(repo, server) == 0
    captured = capsys.readouterr()
    out = captured.out
    progress = captured.err.splitlines()  # elsewhere than a terminal: a plain line each
    assert [line[:6] for line in progress] == ["[1/2] ", "[2/2] "]
    assert sorted(line[6:] for line in progress) == [
        'fetched: "Attention Is All You Need"',
        f'fetched: "{bert}"',
    ]
    host = server.base.removeprefix("http://")
    assert out == (
        f'fetched: "Attention Is All You Need" -> papers/nlp/Attention Is All You Need.pdf '
        f"({host}, arxiv-id)\n"
        f'fetched: "{bert}" -> papers/nlp/BERT Pre-training of Deep Bidirectional Transformers.pdf '
        f"({host}, arxiv-id)\n"
        "\nfetched          2\nalready present  0\nweb page only    0\nfailed           0\n"
        "no link          0\n"
    )
    assert (
        repo / "papers" / "nlp" / "Attention Is All You Need.pdf"
    ).read_bytes() == server.routes[f"/arxiv/pdf/{ATTENTION}"].body
    assert {seen.headers["User-Agent"].split(" ")[0] for seen in server.seen} == {
        f"papershelf/{__import__('papershelf').__version__}"
    }
    assert main(["check", str(repo), "--format", "json"]) in (0, 1)
    assert "missing-paper" not in capsys.readouterr().out
    # a second run finds both present and asks nothing
    asked = len(server.seen)
    assert fetch(repo, server) == 0
    assert len(server.seen) == asked
    assert "already present  2" in capsys.readouterr().out


def test_redirects_are_followed_and_a_404_fails_naming_paper_host_and_why(
    tmp_path: Path, server: Server, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = plan_repo(
        tmp_path / "study",
        "1. [Moved Paper](https://example.org/old.pdf)\n"
        "2. [Gone Paper](https://example.org/gone.pdf)\n",
    )
    server.routes["/example.org/old.pdf"] = Route(status=301, location="/example.org/a/new.pdf")
    server.routes["/example.org/a/new.pdf"] = Route(status=302, location=server.url("/new.pdf"))
    server.routes["/new.pdf"] = Route(paper("Moved Paper"))
    assert fetch(repo, server) == 1
    out = capsys.readouterr().out.splitlines()
    host = server.base.removeprefix("http://")
    assert out[:2] == [
        f'fetched: "Moved Paper" -> papers/nlp/Moved Paper.pdf ({host}, first-page)',
        f'failed: "Gone Paper": {host}: HTTP 404 Not Found',
    ]
    assert not (repo / "papers" / "nlp" / "Gone Paper.pdf").exists()


def test_endless_redirects_and_other_schemes_are_refused(
    tmp_path: Path, server: Server, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = plan_repo(
        tmp_path / "study",
        "1. [Loop Paper](https://example.org/loop.pdf)\n"
        "2. [File Paper](https://example.org/file.pdf)\n",
    )
    server.routes["/example.org/loop.pdf"] = Route(status=302, location="/example.org/loop.pdf")
    server.routes["/example.org/file.pdf"] = Route(status=302, location="file:///etc/passwd")
    assert fetch(repo, server) == 1
    out = capsys.readouterr().out
    host = server.base.removeprefix("http://")
    assert f'failed: "Loop Paper": {host}: more than 5 redirects\n' in out
    assert f'failed: "File Paper": {host}: redirected to a file: URL, not http(s)\n' in out


def test_429_waits_as_retry_after_says_then_fetches(
    tmp_path: Path, server: Server, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = plan_repo(tmp_path / "study", "1. [Busy Paper](https://example.org/busy.pdf)\n")
    server.routes["/example.org/busy.pdf"] = Route(paper("Busy Paper"), too_busy=1, retry_after="1")
    started = time.monotonic()
    assert fetch(repo, server) == 0
    assert time.monotonic() - started >= 1.0  # the second try waited as asked
    assert server.routes["/example.org/busy.pdf"].served == 2
    assert (repo / "papers" / "nlp" / "Busy Paper.pdf").exists()


def test_a_retry_after_too_long_fails_at_once(
    tmp_path: Path, server: Server, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = plan_repo(tmp_path / "study", "1. [Busy Paper](https://example.org/busy.pdf)\n")
    server.routes["/example.org/busy.pdf"] = Route(
        paper("Busy Paper"), too_busy=9, retry_after="3600"
    )
    assert fetch(repo, server) == 1
    host = server.base.removeprefix("http://")
    assert (
        f'failed: "Busy Paper": {host}: HTTP 429 Too Many Requests; asked to retry after 3600 s\n'
        in capsys.readouterr().out
    )


def test_an_html_page_is_refused_naming_the_host(
    tmp_path: Path, server: Server, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = plan_repo(
        tmp_path / "study", f"1. [Attention Is All You Need](https://arxiv.org/pdf/{ATTENTION})\n"
    )
    page = b"<!DOCTYPE html><html><body>Please log in" + b" " * 2000 + b"</body></html>"
    server.routes[f"/arxiv/pdf/{ATTENTION}"] = Route(page, content_type="text/html")
    assert fetch(repo, server) == 1
    host = server.base.removeprefix("http://")
    assert (
        f'failed: "Attention Is All You Need": {host}: sent an HTML page, not the PDF '
        "(a login or captcha page?)\n" in capsys.readouterr().out
    )
    assert (
        not list((repo / "papers" / "nlp").glob("*"))
        if (repo / "papers" / "nlp").exists()
        else True
    )


def test_a_link_to_a_web_page_is_to_open_in_a_browser(
    tmp_path: Path, server: Server, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = plan_repo(
        tmp_path / "study", "1. [Some Study of Things](https://doi.org/10.1145/3290354)\n"
    )
    server.routes["/doi.org/10.1145/3290354"] = Route(status=302, location="/landing")
    server.routes["/landing"] = Route(b"<html>" + b"x" * 2000, content_type="text/html")
    assert fetch(repo, server) == 0
    out = capsys.readouterr().out
    assert (
        'web page only: "Some Study of Things": open https://doi.org/10.1145/3290354 in a '
        "browser\n" in out
    )
    assert not (repo / "papers" / "nlp").exists()


def test_a_pdf_of_another_paper_is_kept_aside(
    tmp_path: Path, server: Server, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = plan_repo(
        tmp_path / "study", f"1. [Attention Is All You Need](https://arxiv.org/abs/{ATTENTION})\n"
    )
    server.routes[f"/arxiv/pdf/{ATTENTION}"] = Route(paper("BERT: Pre-training", BERT))
    assert fetch(repo, server) == 1
    aside = repo / ".git" / "papershelf" / "fetch" / "aside" / "Attention Is All You Need.pdf"
    host = server.base.removeprefix("http://")
    assert (
        f'failed: "Attention Is All You Need": {host}: the PDF is another paper '
        f"(arXiv:{BERT}); kept aside at {aside.relative_to(repo)}\n" in capsys.readouterr().out
    )
    assert aside.read_bytes() == server.routes[f"/arxiv/pdf/{ATTENTION}"].body
    assert not (repo / "papers" / "nlp").exists()
    assert git(repo, "status", "--porcelain") == ""


def test_a_body_over_the_size_limit_is_refused(
    tmp_path: Path, server: Server, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = plan_repo(
        tmp_path / "study",
        "1. [Huge Paper](https://example.org/huge.pdf)\n"
        "2. [Endless Paper](https://example.org/endless.pdf)\n",
    )
    huge = b"%PDF-1.4\n" + b"0" * (3 * 1024 * 1024)
    server.routes["/example.org/huge.pdf"] = Route(huge)
    server.routes["/example.org/endless.pdf"] = Route(huge, length=False)
    assert fetch(repo, server, "--max-size", "1") == 1
    out = capsys.readouterr().out
    host = server.base.removeprefix("http://")
    assert f'failed: "Huge Paper": {host}: the file is 3 MB, over the 1 MB limit\n' in out
    assert f'failed: "Endless Paper": {host}: the body goes past the 1 MB limit\n' in out
    assert not list((repo / ".git" / "papershelf" / "fetch" / "partial").iterdir())


def test_a_slow_server_times_out_and_fails(
    tmp_path: Path, server: Server, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = plan_repo(tmp_path / "study", "1. [Slow Paper](https://example.org/slow.pdf)\n")
    body = b"%PDF-1.4\n" + b"0" * 100_000
    server.routes["/example.org/slow.pdf"] = Route(body, chunk_pause=1.0)
    assert fetch(repo, server, "--timeout", "0.3", "--retries", "0") == 1
    host = server.base.removeprefix("http://")
    assert f'failed: "Slow Paper": {host}: timed out, 1 tries\n' in capsys.readouterr().out


def test_names_follow_the_portable_name_rules(
    tmp_path: Path, server: Server, capsys: pytest.CaptureFixture[str]
) -> None:
    titles = {
        "Внимание — это всё: «трансформер»": "ru.pdf",
        'Input/Output: "Quoted" Models?': "io.pdf",
        "CON": "con.pdf",
    }
    lines = "".join(
        f"{n}. [{title}](https://example.org/{name})\n"
        for n, (title, name) in enumerate(titles.items(), 1)
    )
    repo = plan_repo(tmp_path / "study", lines)
    for title, name in titles.items():
        scanned = pdf(image_only=True)  # helvetica has no Cyrillic: a scan names nothing
        server.routes[f"/example.org/{name}"] = Route(paper(title) if title.isascii() else scanned)
    assert fetch(repo, server) == 0
    names = sorted(path.name for path in (repo / "papers" / "nlp").iterdir())
    assert "Внимание — это всё «трансформер.pdf" in names  # as the plan reader reads it
    assert "Input Output Quoted Models.pdf" in names
    assert "CON (paper).pdf" in names
    git(repo, "add", "-A")
    assert main(["check", str(repo), "--rule", "portable-name", "--strict"]) == 0


def test_dry_run_lists_sources_and_fetches_nothing(
    tmp_path: Path, server: Server, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = plan_repo(
        tmp_path / "study",
        f"1. [Attention Is All You Need](https://arxiv.org/abs/{ATTENTION}) "
        "([review](https://openreview.net/forum?id=abc))\n"
        '2. Read **"A Paper Without Link"**.\n',
    )
    assert fetch(repo, server, "--dry-run") == 0
    assert capsys.readouterr().out == (
        f'would fetch: "Attention Is All You Need" -> papers/nlp/Attention Is All You Need.pdf '
        f"from {server.base}/arxiv/pdf/{ATTENTION}\n"
        'no link: "A Paper Without Link": the plan gives no link to fetch it from\n'
        "\nto fetch         1\nalready present  0\nno link          1\n"
    )
    assert server.seen == []


def test_an_item_not_in_the_plan_is_a_usage_error(
    tmp_path: Path, server: Server, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = plan_repo(tmp_path / "study", "1. [Some Paper](https://example.org/a.pdf)\n")
    assert fetch(repo, server, "Nonexistent") == 2
    assert "no paper of the plan is called 'Nonexistent'" in capsys.readouterr().err


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGKILL], ids=["SIGINT", "SIGKILL"])
def test_an_interrupted_run_leaves_no_partial_file_and_the_next_completes_it(
    tmp_path: Path, server: Server, stop: signal.Signals, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = plan_repo(tmp_path / "study", "1. [Long Paper](https://example.org/long.pdf)\n")
    body = pdf(["Long Paper", "A. Author"], pages=40)
    route = server.routes["/example.org/long.pdf"] = Route(body, chunk_pause=0.05)
    partial_dir = repo / ".git" / "papershelf" / "fetch" / "partial"
    mirror = f"https://example.org={server.base}/example.org"
    running = subprocess.Popen(
        [sys.executable, "-m", "papershelf", "fetch", "-C", str(repo), "--mirror", mirror],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        preexec_fn=_default_sigint,
    )
    deadline = time.monotonic() + 60
    # Until body bytes are on disk (the server's version is written beside them first).
    while (
        not any(p.stat().st_size for p in partial_dir.glob("*.part"))
        if partial_dir.exists()
        else True
    ):
        assert running.poll() is None and time.monotonic() < deadline
        time.sleep(0.01)
    running.send_signal(stop)
    _, err = running.communicate(timeout=30)
    assert running.returncode == (130 if stop == signal.SIGINT else -signal.SIGKILL), err
    target = repo / "papers" / "nlp" / "Long Paper.pdf"
    assert not target.exists()
    kept = next(partial_dir.glob("*.part")).stat().st_size
    assert 0 < kept < len(body)
    route.chunk_pause = 0.0
    assert fetch(repo, server) == 0
    assert target.read_bytes() == body
    assert server.seen[-1].headers["Range"] == f"bytes={kept}-"
    assert list(partial_dir.glob("*")) == []


def test_add_stages_what_was_fetched_through_git_lfs(
    tmp_path: Path, server: Server, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = plan_repo(tmp_path / "study", "1. [Stored Paper](https://example.org/s.pdf)\n")
    git(repo, "lfs", "install", "--local")
    (repo / ".gitattributes").write_text("*.pdf filter=lfs diff=lfs merge=lfs -text\n")
    server.routes["/example.org/s.pdf"] = Route(paper("Stored Paper"))
    assert fetch(repo, server, "--add") == 0
    assert "staged 1 file (git add)\n" in capsys.readouterr().out
    staged = git(repo, "cat-file", "-p", ":papers/nlp/Stored Paper.pdf")
    assert staged.startswith("version https://git-lfs.github.com/spec/v1\n")


def test_add_leaves_an_lfs_routed_file_unstaged_where_lfs_is_not_set_up(
    tmp_path: Path, server: Server, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = plan_repo(tmp_path / "study", "1. [Stored Paper](https://example.org/s.pdf)\n")
    (repo / ".gitattributes").write_text("*.pdf filter=lfs diff=lfs merge=lfs -text\n")
    server.routes["/example.org/s.pdf"] = Route(paper("Stored Paper"))
    home = tmp_path / "home"  # no global git-lfs set-up
    home.mkdir()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HOME", str(home))
        patch.setenv("XDG_CONFIG_HOME", str(home))
        patch.setenv("GIT_CONFIG_NOSYSTEM", "1")
        assert fetch(repo, server, "--add") == 0
    assert (
        "not staged: papers/nlp/Stored Paper.pdf: .gitattributes routes it to Git LFS, which is "
        "not set up here (install git-lfs, run git lfs install, then git add it)\n"
        in capsys.readouterr().err
    )
    assert git(repo, "ls-files", "--", "papers") == ""


def test_a_collection_of_folder_readmes_fills_each_folder(
    tmp_path: Path, server: Server, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = make_repo(
        tmp_path / "collection",
        {
            "README.md": "# Papers\n\nA collection, one folder per field.\n",
            "vision/README.md": "# Vision\n\n"
            "- [Deep Residual Learning for Image Recognition](https://arxiv.org/abs/1512.03385)\n",
            "nlp/README.md": "# NLP\n\n| Paper | Link |\n|---|---|\n"
            f"| BERT | [arXiv](https://arxiv.org/abs/{BERT}) |\n",
        },
    )
    resnet = "Deep Residual Learning for Image Recognition"
    server.routes["/arxiv/pdf/1512.03385"] = Route(paper(resnet, "1512.03385"))
    server.routes[f"/arxiv/pdf/{BERT}"] = Route(paper("BERT", BERT))
    assert fetch(repo, server) == 0
    assert (repo / "vision" / f"{resnet}.pdf").exists()
    assert (repo / "nlp" / "BERT.pdf").exists()


def test_the_shipped_plan_names_its_papers_without_links(
    tmp_path: Path, server: Server, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = make_repo(tmp_path / "study", {PLAN_FILE: PLAN_TEXT})
    assert fetch(repo, server, "--dry-run") == 0
    out = capsys.readouterr().out
    assert 'no link: "Attention is all you need": the plan gives no link to fetch it from\n' in out
    assert "to fetch         0\n" in out
    assert server.seen == []


def test_nothing_is_written_through_a_folder_that_links_outside(
    tmp_path: Path, server: Server, capsys: pytest.CaptureFixture[str]
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    repo = plan_repo(tmp_path / "study", "1. [Escaping Paper](https://example.org/e.pdf)\n")
    (repo / "papers").symlink_to(outside, target_is_directory=True)
    server.routes["/example.org/e.pdf"] = Route(paper("Escaping Paper"))
    assert fetch(repo, server) == 1
    assert (
        'failed: "Escaping Paper": example.org: refusing to write outside the repository'
        in capsys.readouterr().out
    )
    assert list(outside.iterdir()) == []
    assert server.seen == []


def test_hosts_are_asked_in_parallel_each_at_its_own_pace(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = "".join(
        f"{n}. [{host.upper()} Paper Number {n}](https://{host}.example/{n}.pdf)\n"
        for n, host in enumerate(["a", "b"] * 3, 1)
    )
    repo = plan_repo(tmp_path / "study", lines)
    with Server() as a, Server() as b:
        for n in range(1, 7):
            host, server = ("a", a) if n % 2 else ("b", b)
            server.routes[f"/{n}.pdf"] = Route(paper(f"{host.upper()} Paper Number {n}"))
        mirrors = [
            "--mirror",
            f"https://a.example={a.base}",
            "--mirror",
            f"https://b.example={b.base}",
        ]
        pace = ["--interval", "0.3", "--per-host", "1"]
        assert main(["fetch", "-C", str(repo), *mirrors, *pace]) == 0
    a_times = [seen.at for seen in a.seen]
    b_times = [seen.at for seen in b.seen]
    assert len(a_times) == len(b_times) == 3
    for times in (a_times, b_times):  # each host: one request every 0.3 s at most
        assert all(later - earlier >= 0.25 for earlier, later in pairwise(times))
    assert b_times[0] < a_times[1] and a_times[0] < b_times[1]  # neither waited for the other


def test_when_a_source_fails_the_next_is_tried(
    tmp_path: Path, server: Server, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = plan_repo(
        tmp_path / "study",
        f"1. [Attention Is All You Need](https://example.org/attention.pdf), arXiv:{ATTENTION}\n",
    )
    server.routes[f"/arxiv/pdf/{ATTENTION}"] = Route(paper("BERT: Pre-training", BERT))
    server.routes["/example.org/attention.pdf"] = Route(paper("Attention Is All You Need"))
    assert fetch(repo, server) == 0
    host = server.base.removeprefix("http://")
    assert capsys.readouterr().out.startswith(
        'fetched: "Attention Is All You Need" -> papers/nlp/Attention Is All You Need.pdf '
        f"({host}, first-page)\n"
    )
    assert [seen.path for seen in server.seen] == [
        f"/arxiv/pdf/{ATTENTION}",
        "/example.org/attention.pdf",
    ]
    assert list((repo / ".git" / "papershelf" / "fetch" / "partial").iterdir()) == []


def test_a_damaged_pdf_fails_and_is_not_filed(
    tmp_path: Path, server: Server, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = plan_repo(tmp_path / "study", "1. [Broken Paper](https://example.org/broken.pdf)\n")
    server.routes["/example.org/broken.pdf"] = Route(b"%PDF-1.7\n" + b"\x00garbage" * 500)
    assert fetch(repo, server) == 1
    host = server.base.removeprefix("http://")
    assert f'failed: "Broken Paper": {host}: not a readable PDF (damaged' in capsys.readouterr().out
    assert not (repo / "papers").exists()
    assert list((repo / ".git" / "papershelf" / "fetch" / "partial").iterdir()) == []


def test_the_mirror_variable_points_hosts_at_a_server(
    tmp_path: Path, server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = plan_repo(
        tmp_path / "study", f"1. [Attention Is All You Need](https://arxiv.org/abs/{ATTENTION})\n"
    )
    server.routes[f"/mirror/pdf/{ATTENTION}"] = Route(paper("Attention Is All You Need", ATTENTION))
    monkeypatch.setenv(
        "PAPERSHELF_MIRROR",
        f"https://example.org=http://nowhere https://arxiv.org={server.base}/mirror",
    )
    assert main(["fetch", "-C", str(repo)]) == 0
    assert (repo / "papers" / "nlp" / "Attention Is All You Need.pdf").exists()


def test_a_mirror_without_its_base_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = plan_repo(tmp_path / "study", "1. [Some Paper](https://example.org/a.pdf)\n")
    assert main(["fetch", "-C", str(repo), "--mirror", "https://arxiv.org"]) == 2
    assert "'https://arxiv.org': write it as URL-PREFIX=BASE-URL" in capsys.readouterr().err


def test_a_partial_file_of_a_version_the_server_no_longer_has_is_fetched_anew(
    tmp_path: Path, server: Server, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = plan_repo(tmp_path / "study", "1. [Cut Paper](https://example.org/cut.pdf)\n")
    old = pdf(["Cut Paper", "A. Author"], pages=6)
    route = server.routes["/example.org/cut.pdf"] = Route(old, cut_after=len(old) // 2)
    assert fetch(repo, server, "--retries", "0") == 1
    host = server.base.removeprefix("http://")
    assert (
        f'failed: "Cut Paper": {host}: the connection was cut, 1 tries\n' in capsys.readouterr().out
    )
    route.body = new = pdf(["Cut Paper", "A. Author, revised"], pages=6)
    assert fetch(repo, server) == 0
    assert (repo / "papers" / "nlp" / "Cut Paper.pdf").read_bytes() == new
    assert server.seen[-1].headers["Range"] == f"bytes={len(old) // 2}-"  # asked, and refused


@pytest.mark.parametrize(
    ("server_does", "asked"),
    [({}, True), ({"ranges": False}, True), ({"etag": False}, False)],
    ids=["resumed with a range", "no ranges: sent whole again", "no version: not resumed"],
)
def test_a_connection_cut_halfway_is_completed(
    tmp_path: Path, server: Server, server_does: dict[str, bool], asked: bool
) -> None:
    repo = plan_repo(tmp_path / "study", "1. [Cut Paper](https://example.org/cut.pdf)\n")
    body = pdf(["Cut Paper", "A. Author"], pages=6)
    half = len(body) // 2
    server.routes["/example.org/cut.pdf"] = Route(body, cut_after=half, **server_does)
    assert fetch(repo, server) == 0
    assert (repo / "papers" / "nlp" / "Cut Paper.pdf").read_bytes() == body
    ranges = [seen.headers.get("Range") for seen in server.seen]
    assert ranges == [None, f"bytes={half}-" if asked else None]


def test_the_reading_list_formats_the_plan_reader_knows_give_their_sources(
    tmp_path: Path, server: Server, capsys: pytest.CaptureFixture[str]
) -> None:
    neurips = "https://proceedings.neurips.cc/paper/2020/{}/1457c0d6bfcb4967418bfb8ac142f64a-{}"
    page = neurips.format("hash", "Abstract.html")
    repo = make_repo(
        tmp_path / "list",
        {
            "README.md": "# Papers\n\n## Transformers\n\n"
            "- Attention Is All You Need. Vaswani et al. NeurIPS 2017. "
            "[[pdf]](https://arxiv.org/pdf/1706.03762)\n"
            '- <a href="https://aclanthology.org/N19-1423/">BERT: Pre-training of Deep '
            "Bidirectional Transformers</a>\n"
            f"- [ ] [Language Models are Few-Shot Learners]({page})\n"
        },
    )
    assert main(["fetch", "-C", str(repo), "--dry-run"]) == 0
    assert capsys.readouterr().out == (
        'would fetch: "Attention Is All You Need" -> Attention Is All You Need.pdf '
        "from https://arxiv.org/pdf/1706.03762\n"
        'would fetch: "BERT: Pre-training of Deep Bidirectional Transformers" -> '
        "BERT Pre-training of Deep Bidirectional Transformers.pdf "
        "from https://aclanthology.org/N19-1423.pdf\n"
        'would fetch: "Language Models are Few-Shot Learners" -> '
        f"Language Models are Few-Shot Learners.pdf from {neurips.format('file', 'Paper.pdf')}\n"
        "\nto fetch         3\nalready present  0\nno link          0\n"
    )


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_terminal_gets_a_progress_bar(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    titles = [f"Slow Paper Number {n}" for n in range(1, 6)]
    repo = plan_repo(
        tmp_path / "study",
        "".join(f"{n}. [{t}](https://example.org/{n}.pdf)\n" for n, t in enumerate(titles, 1)),
    )
    terminal = _Terminal()
    with Server(latency=0.3) as server:
        for n, title in enumerate(titles, 1):
            server.routes[f"/example.org/{n}.pdf"] = Route(paper(title))
        monkeypatch.setattr(sys, "stderr", terminal)
        assert fetch(repo, server, "--per-host", "1") == 0
    drawn = terminal.getvalue()
    assert "\rfetching [" in drawn and " 4/5" in drawn
    assert drawn.endswith("\r\x1b[K")  # the bar is wiped before the report
    assert "[1/5]" not in drawn


def test_outside_git_nothing_is_fetched_and_the_error_says_why(
    tmp_path: Path, server: Server, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "README.md").write_text(
        "# Reading\n\n## Step 1\n\nGo to `papers/nlp`.\n\n"
        "1. [Some Paper](https://example.org/a.pdf)\n",
        encoding="utf-8",
    )
    assert fetch(folder, server) == 1
    assert "papershelf fetch keeps its partial downloads in git's folder (git init first)" in (
        capsys.readouterr().err
    )
    assert sorted(path.name for path in folder.iterdir()) == ["README.md"]
    assert server.seen == []
