"""The reading plan as one self-contained HTML page: progress, every item, the open findings.

One file with inline CSS and SVG and no script or network asset, so it reads the
same opened from disk, uploaded as a CI artifact or served by GitHub Pages.
Status is always a word and an icon beside its colour; the counts the page shows
carry ``data-status``/``data-count`` attributes so a test can read them back.
The page is built from :class:`PlanPage`, a plain view of the plan; one adapter,
:func:`page_from_plan`, fills it from the reading plan model.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Iterable, Sequence
from html import escape
from typing import NamedTuple
from urllib.parse import quote

from papershelf import __version__
from papershelf.findings import Finding, Severity
from papershelf.plan import Item, ReadingPlan
from papershelf.plan.model import SHOWN_ORDER, Kind, Status, gone_items
from papershelf.views.render import folder_note

# Shown in this order; a status the model adds later is shown after these.
STATUS_ORDER = SHOWN_ORDER


class PlanItem(NamedTuple):
    kind: str  # "folder", "file" or "paper"
    name: str
    status: str
    where: str | None  # repository-relative: where it was found
    how: str  # how it was found, in words
    link: str | None  # repository-relative path to open (a folder ends in "/"), if any
    line: int  # in the plan file
    read: bool | None = None  # None: the plan does not say


class PlanStep(NamedTuple):
    title: str
    items: list[PlanItem]


class PlanPhase(NamedTuple):
    title: str
    steps: list[PlanStep]


class PlanFinding(NamedTuple):
    finding: Finding
    link: str | None  # repository-relative, when the path exists (a folder ends in "/")


class PlanPage(NamedTuple):
    title: str
    plan_file: str | None  # repository-relative
    phases: list[PlanPhase]
    findings: list[PlanFinding]
    commit: str | None  # full object id of HEAD
    date: str  # when that commit was made (or the page written), ISO 8601

    def items(self) -> list[PlanItem]:
        return [item for phase in self.phases for step in phase.steps for item in step.items]


def counts(items: Iterable[PlanItem]) -> dict[str, int]:
    """Items per status, in :data:`STATUS_ORDER`, zeros included."""
    tally = dict.fromkeys(STATUS_ORDER, 0)
    for item in items:
        tally[item.status] = tally.get(item.status, 0) + 1
    return tally


# --- the adapter from the reading plan model ---


_HOW = {
    "path": "at the path the plan gives",
    "file-name": "found by its file name",
    "arxiv-id": "found by its arXiv id",
    "doi": "found by its DOI",
    "metadata": "found by the PDF's title",
    "first-page": "found by the title on its first page",
}


def _how(item: Item) -> str:
    """How the item was found, in words (the model's ``how``), or why it was not."""
    if item.how is not None:
        found = _HOW.get(item.how, f"found by {item.how.replace('-', ' ')}")
        return f"inside an archive, {found}" if item.status == Status.ARCHIVED else found
    return {
        "archived": "only inside an archive",
        "online": "online only",
        "missing": "not found",
    }.get(item.status, item.status)


def _is_web(target: str) -> bool:
    """An http or https address: an online paper's link, opened as it is."""
    return target.lower().startswith(("https://", "http://"))


def _link(item: Item, root: str) -> str | None:
    """Where the item's link leads, repository-relative; None when there is nothing to open."""
    if item.status == Status.ONLINE:
        return next((i for i in item.identifiers if _is_web(i)), None)
    link = item.where
    if link is None and item.path and item.status in (Status.PRESENT, Status.EMPTY):
        link = posixpath.join(root, item.path) if root else item.path
    if link and item.kind in (Kind.FOLDER, Kind.SECTION) and item.status != Status.ARCHIVED:
        link += "/"  # a folder: a browser opened on a file lists it
    return link


def page_from_plans(
    plans: Sequence[ReadingPlan],
    *,
    plan_file: str | None,
    findings: Sequence[Finding],
    kind_of: Callable[[str], str | None],
    commit: str | None,
    date: str,
) -> PlanPage:
    """The page's view of the marked reading plans (the repository's own first);
    ``kind_of(path)`` says whether a repository path is a "file", a "folder" or neither."""

    tops = gone_items(plans)

    def view(item: Item, plan: ReadingPlan) -> PlanItem:
        folder = plan.missing_folder(item)
        how = _how(item)
        if folder is not None and folder in tops and item.status == Status.MISSING:
            how = f"{how}: {folder_note(tops[folder])}"
        return PlanItem(
            item.kind,
            item.name,
            item.status,
            item.where,
            how,
            _link(item, plan.root),
            item.line,
            item.read,
        )

    phases = [
        PlanPhase(
            phase.title or (plan.plan_file or "" if len(plans) > 1 else ""),
            [
                PlanStep(step.title, [view(item, plan) for item in step.items])
                for step in phase.steps
            ],
        )
        for plan in plans
        for phase in plan.phases
    ]
    shown = []
    for finding in findings:
        kind = kind_of(finding.path)
        link = None if kind is None else finding.path + ("/" if kind == "folder" else "")
        shown.append(PlanFinding(finding, link))
    title = plans[0].title if plans else ""
    return PlanPage(title, plan_file, phases, shown, commit, date)


# --- rendering ---

_CYRILLIC = re.compile(r"[А-Яа-яЁё]")

_ICONS = {
    "present": '<path d="M3 8.5l3.2 3L13 4.5" fill="none" stroke-width="2"/>',
    "empty": '<circle cx="8" cy="8" r="5" fill="none" stroke-width="2"/>',
    "archived": '<path d="M2.5 3.5h11v3h-11zM3.5 6.5v6h9v-6M6.5 9h3" fill="none"'
    ' stroke-width="1.6"/>',
    "misplaced": '<path d="M2 8h10M8.5 4.5L12 8l-3.5 3.5" fill="none" stroke-width="2"/>',
    "online": '<circle cx="8" cy="8" r="5.5" fill="none" stroke-width="1.5"/>'
    '<path d="M2.5 8h11M8 2.5c-2.6 3-2.6 8 0 11M8 2.5c2.6 3 2.6 8 0 11" fill="none"'
    ' stroke-width="1.2"/>',
    "missing": '<path d="M4 4l8 8M12 4l-8 8" fill="none" stroke-width="2"/>',
    "other": '<circle cx="8" cy="8" r="2.5"/>',
    "error": '<path d="M4 4l8 8M12 4l-8 8" fill="none" stroke-width="2"/>',
    "warning": '<path d="M8 2.5l6 11H2z" fill="none" stroke-width="1.6"/>'
    '<path d="M8 6.5v3.5M8 11.5v1" stroke-width="1.6"/>',
    "info": '<circle cx="8" cy="8" r="5.5" fill="none" stroke-width="1.5"/>'
    '<path d="M8 7v4.5M8 4.5v1" stroke-width="1.6"/>',
    "read": '<path d="M2 4.5c2-1 4-1 6 .5 2-1.5 4-1.5 6-.5v8c-2-1-4-1-6 .5-2-1.5-4-1.5-6-.5z'
    'M8 5v8" fill="none" stroke-width="1.3"/>',
}

_CSS = """
:root{color-scheme:light dark;--bg:#fff;--fg:#1f2328;--muted:#59636e;--line:#d1d9e0;
--panel:#f6f8fa;--link:#0550ae;--present:#1a7f37;--empty:#8a5d00;--archived:#8250df;
--misplaced:#bc4c00;--online:#0969da;--missing:#cf222e;--other:#59636e;--error:#cf222e;
--warning:#8a5d00;--info:#0969da;--read:#1a7f37}
@media (prefers-color-scheme:dark){:root{--bg:#0d1117;--fg:#e6edf3;--muted:#9198a1;
--line:#3d444d;--panel:#151b23;--link:#6cb6ff;--present:#3fb950;--empty:#d29922;
--archived:#b392f0;--misplaced:#f0883e;--online:#58a6ff;--missing:#ff7b72;--other:#9198a1;
--error:#ff7b72;--warning:#d29922;--info:#58a6ff;--read:#3fb950}}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
body{margin:0;background:var(--bg);color:var(--fg);line-height:1.5;
font:1rem/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif}
.skip{position:absolute;left:-999px}
.skip:focus{left:1rem;top:1rem;background:var(--bg);padding:.5rem;z-index:1}
header,main,footer{max-width:60rem;margin:0 auto;padding:0 1rem}
header{padding-top:1.5rem}
h1{font-size:1.75rem;line-height:1.25;margin:0 0 .25rem}
h2{font-size:1.35rem;margin:2rem 0 .75rem;padding-bottom:.25rem;border-bottom:1px solid var(--line)}
h3{font-size:1.15rem;margin:1.75rem 0 .5rem}
h4{font-size:1rem;margin:1.25rem 0 .4rem}
a{color:var(--link)}
a:focus-visible{outline:3px solid var(--link);outline-offset:2px}
code{font:.9em ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;overflow-wrap:anywhere}
.meta{color:var(--muted);margin:0}
.icon{width:1em;height:1em;vertical-align:-.125em;stroke:currentColor;fill:currentColor;
flex:none}
.s-present{color:var(--present)}.s-empty{color:var(--empty)}.s-archived{color:var(--archived)}
.s-misplaced{color:var(--misplaced)}.s-online{color:var(--online)}.s-missing{color:var(--missing)}
.s-other{color:var(--other)}.v-error{color:var(--error)}.v-warning{color:var(--warning)}
.v-info{color:var(--info)}.r-read{color:var(--read)}
.bar{display:block;width:100%;height:.75rem;border-radius:.375rem;background:var(--panel);
border:1px solid var(--line);overflow:hidden}
.bar rect{stroke:none}
.f-present{fill:var(--present)}.f-empty{fill:var(--empty)}.f-archived{fill:var(--archived)}
.f-misplaced{fill:var(--misplaced)}.f-online{fill:var(--online)}.f-missing{fill:var(--missing)}
.f-other{fill:var(--other)}
.progress{margin:.25rem 0 .75rem}
.tally{display:flex;flex-wrap:wrap;gap:.25rem 1rem;margin:.35rem 0 0;padding:0;list-style:none;
font-size:.925rem}
.tally li{display:flex;align-items:center;gap:.3rem}
.tally .n{font-weight:600;color:var(--fg)}
.tally .label{color:var(--fg)}
.share{margin:0 0 .3rem;font-size:.925rem;color:var(--muted)}
.share strong{color:var(--fg)}
.items,.findings{list-style:none;margin:0;padding:0}
.item,.finding{display:grid;grid-template-columns:8.5rem minmax(0,1fr);gap:.1rem 1rem;
padding:.5rem 0;border-top:1px solid var(--line)}
.item:first-child,.finding:first-child{border-top:0}
.status{display:flex;align-items:center;align-self:start;gap:.35rem;font-weight:600}
.name{font-weight:600;overflow-wrap:anywhere}
.detail{grid-column:2;color:var(--muted);font-size:.925rem;overflow-wrap:anywhere}
.readmark{display:inline-flex;align-items:center;gap:.25rem;margin-left:.5rem;
font-size:.85rem;font-weight:400;color:var(--muted)}
.readmark.r-read{color:var(--read)}
.none{color:var(--muted)}
footer{margin-top:2.5rem;padding-bottom:2rem;color:var(--muted);font-size:.875rem;
border-top:1px solid var(--line);padding-top:1rem}
@media (max-width:40rem){h1{font-size:1.4rem}
.item,.finding{grid-template-columns:6.75rem minmax(0,1fr);gap:.1rem .5rem}
.detail{grid-column:1/-1}}
@media (forced-colors:active){.bar{border-color:CanvasText}.bar rect{fill:CanvasText}}
"""


def _lang(text: str) -> str:
    """Mark Cyrillic text so a screen reader switches voice; the page itself is English."""
    return ' lang="ru"' if _CYRILLIC.search(text) else ""


def _icon(name: str) -> str:
    known = name if name in _ICONS else "other"
    return f'<svg class="icon" aria-hidden="true" focusable="false"><use href="#i-{known}"/></svg>'


def _sprite(names: Iterable[str]) -> str:
    symbols = "".join(
        f'<symbol id="i-{name}" viewBox="0 0 16 16">{_ICONS[name]}</symbol>' for name in names
    )
    return f'<svg width="0" height="0" style="position:absolute" aria-hidden="true">{symbols}</svg>'


def _status_class(status: str) -> str:
    return f"s-{status}" if status in STATUS_ORDER else "s-other"


def _href(prefix: str, path: str) -> str:
    """A repository path from the page's folder; an online paper's URL as it is."""
    if _is_web(path):
        return escape(path)
    return escape(prefix + quote(path, safe="/"))


def _progress(items: list[PlanItem], label: str) -> str:
    """A bar (decoration) and, beside it, the same counts in words (the content)."""
    tally = counts(items)
    total = sum(tally.values())
    present = tally.get("present", 0)
    rects, x = [], 0
    for status, n in tally.items():
        if n:
            fill = status if status in STATUS_ORDER else "other"
            rects.append(f'<rect class="f-{fill}" x="{x}" y="0" width="{n}" height="1"/>')
            x += n
    bar = (
        f'<svg class="bar" viewBox="0 0 {max(total, 1)} 1" preserveAspectRatio="none"'
        f' aria-hidden="true" focusable="false">{"".join(rects)}</svg>'
    )
    parts = "".join(
        f'<li class="{_status_class(status)}" data-status="{escape(status)}" data-count="{n}">'
        f'{_icon(status)}<span class="n">{n}</span> '
        f'<span class="label">{escape(status)}</span></li>'
        for status, n in tally.items()
        if n
    )
    marked = [item.read for item in items if item.read is not None]
    read = sum(marked)
    reading = (
        f' · <span class="reading" data-read="{read}" data-unread="{len(marked) - read}">'
        f"<strong>{read} of {len(marked)}</strong> read</span>"
        if marked
        else ""
    )
    share = (
        f'<p class="share" data-present="{present}" data-total="{total}">'
        f"<strong>{present} of {total}</strong> present"
        f"{f' ({round(100 * present / total)}%)' if total else ''}{reading}</p>"
    )
    return (
        f'<div class="progress" role="group" aria-label="{escape(label)}">{share}{bar}'
        f'<ul class="tally">{parts}</ul></div>'
    )


def _item(item: PlanItem, prefix: str) -> str:
    name = escape(item.name)
    shown = f"“{name}”" if item.kind == Kind.PAPER else f"<code>{name}</code>"
    if item.link:
        shown = f'<a href="{_href(prefix, item.link)}">{shown}</a>'
    read = ""
    if item.read is not None:
        word = "read" if item.read else "unread"
        read = (
            f'<span class="readmark{" r-read" if item.read else ""}" data-read="{word}">'
            f"{_icon('read')}{word}</span>"
        )
    detail = [escape(item.how)]
    if item.where and item.status != Status.MISSING:
        detail.append(f"<code>{escape(item.where)}</code>")
    detail.append(f"plan line {item.line}")
    return (
        f'<li class="item" data-status="{escape(item.status)}">'
        f'<span class="status {_status_class(item.status)}">{_icon(item.status)}'
        f"{escape(item.status)}</span> "
        f'<span class="name"{_lang(item.name)}>{escape(item.kind)}: {shown}{read}</span> '
        f'<span class="detail">{" · ".join(detail)}</span></li>'
    )


def _heading(level: int, text: str, anchor: str) -> str:
    return f'<h{level} id="{anchor}"{_lang(text)}>{escape(text)}</h{level}>'


def _plan_section(page: PlanPage, prefix: str) -> str:
    out: list[str] = []
    for p, phase in enumerate(page.phases, 1):
        level = 3
        phase_items = [item for step in phase.steps for item in step.items]
        if phase.title:
            out.append(f'<section class="phase" aria-labelledby="phase-{p}">')
            out.append(_heading(3, phase.title, f"phase-{p}"))
            out.append(_progress(phase_items, f"Progress of {phase.title}"))
            level = 4
        for s, step in enumerate(phase.steps, 1):
            if step.title:
                out.append(f'<section class="step" aria-labelledby="step-{p}-{s}">')
                out.append(_heading(level, step.title, f"step-{p}-{s}"))
                out.append(_progress(step.items, f"Progress of {step.title}"))
            items = "".join(_item(item, prefix) for item in step.items)
            out.append(f'<ul class="items">{items}</ul>')
            if step.title:
                out.append("</section>")
        if phase.title:
            out.append("</section>")
    return "".join(out)


def _findings_section(findings: list[PlanFinding], prefix: str) -> str:
    if not findings:
        return '<p class="none">No open findings.</p>'
    rows = []
    for finding, target in findings:
        label = finding.severity.label
        where = finding.path + (f":{finding.line}" if finding.line else "")
        link = f"<code>{escape(where)}</code>"
        if target is not None:
            link = f'<a href="{_href(prefix, target)}">{link}</a>'
        hint = (
            f'<span class="detail fix">Fix: {escape(finding.hint)}</span>' if finding.hint else ""
        )
        rows.append(
            f'<li class="finding" data-severity="{label}">'
            f'<span class="status v-{label}">{_icon(label)}{label}</span> '
            f'<span class="name">{escape(finding.code)} {escape(finding.rule)}: {link}</span> '
            f'<span class="detail"{_lang(finding.message)}>{escape(finding.message)}</span>{hint}'
            "</li>"
        )
    return f'<ul class="findings">{"".join(rows)}</ul>'


def render(page: PlanPage, *, link_prefix: str = "") -> str:
    """The whole page; ``link_prefix`` leads from the page's folder to the repository root."""
    title = page.title or "Reading plan"
    items = page.items()
    by_severity = {severity.label: 0 for severity in sorted(Severity, reverse=True)}
    for finding, _ in page.findings:
        by_severity[finding.severity.label] += 1
    commit = (
        f'commit <code data-commit="{escape(page.commit)}">{escape(page.commit[:12])}</code>, '
        if page.commit
        else ""
    )
    plan_link = (
        f'Plan: <a href="{_href(link_prefix, page.plan_file)}"><code>'
        f"{escape(page.plan_file)}</code></a>"
        if page.plan_file
        else "Plan: the rule set's own plan (the repository has no plan file)"
    )
    finding_counts = ", ".join(f"{n} {label}" for label, n in by_severity.items() if n)
    statuses = [*STATUS_ORDER, *(s for s in counts(items) if s not in STATUS_ORDER)]
    icons = [*(s for s in statuses if s in _ICONS), "other", *by_severity, "read"]
    sprite = _sprite(dict.fromkeys(icons))
    return (
        "<!doctype html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="color-scheme" content="light dark">\n'
        f'<meta name="generator" content="papershelf {escape(__version__)}">\n'
        f"<title>{escape(title)} — reading plan</title>\n"
        f"<style>{_CSS}</style>\n</head>\n<body>\n{sprite}\n"
        '<a class="skip" href="#main">Skip to the reading plan</a>\n'
        f"<header>\n<h1{_lang(title)}>{escape(title)}</h1>\n"
        f'<p class="meta">{plan_link}</p>\n</header>\n'
        '<main id="main">\n'
        '<section aria-labelledby="progress">\n<h2 id="progress">Progress</h2>\n'
        f'<div id="summary">{_progress(items, "Progress of the whole plan")}</div>\n'
        "</section>\n"
        '<section aria-labelledby="order">\n<h2 id="order">Reading order</h2>\n'
        f"{_plan_section(page, link_prefix)}\n</section>\n"
        '<section aria-labelledby="findings">\n'
        f'<h2 id="findings" data-count="{len(page.findings)}">Open findings'
        f"{f' ({finding_counts})' if finding_counts else ''}</h2>\n"
        f"{_findings_section(page.findings, link_prefix)}\n</section>\n"
        "</main>\n"
        f"<footer>\n<p>Written by papershelf {escape(__version__)} from "
        f'{commit}<time datetime="{escape(page.date)}">{escape(page.date[:10])}</time>.</p>\n'
        "</footer>\n</body>\n</html>\n"
    )
