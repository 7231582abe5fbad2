"""A small SVG badge for a README: ``reading plan | 8/24``, coloured by the share done,
or a grey ``reading plan | no plan`` when the plan names nothing (not a red 0/0).

The text is white on colours dark enough for it (contrast 4.5:1 or more), and
the badge names itself for screen readers, so it is not colour alone either.
"""

from __future__ import annotations

from html import escape

LABEL_COLOR = "#555"
NO_PLAN_COLOR = "#6e6e6e"
NO_PLAN = "no plan"
# (share at least, colour): red when nothing is there, green when all of it is.
SHARE_COLORS = (
    (1.0, "#1a7f37"),
    (0.75, "#4d7a12"),
    (0.5, "#7a6300"),
    (0.25, "#b04a00"),
    (0.0, "#c62828"),
)
_NARROW = set("fijlrt.,:;|!'/ ()[]1")
_WIDE = set("mwMW@%")


def color_for(done: int, total: int) -> str:
    if not total:
        return NO_PLAN_COLOR
    share = done / total
    return next(color for least, color in SHARE_COLORS if share >= least)


def text_width(text: str) -> int:
    """Roughly Verdana 11px, which is what badges are drawn in."""
    return sum(4 if c in _NARROW else 10 if c in _WIDE else 7 for c in text)


def value(done: int, total: int) -> str:
    """What the badge says: ``8/24``, or ``no plan`` when the plan names nothing."""
    return f"{done}/{total}" if total else NO_PLAN


def render(done: int, total: int, label: str = "reading plan") -> str:
    shown = value(done, total)
    left, right = text_width(label) + 12, text_width(shown) + 12
    width = left + right
    name = escape(f"{label}: {done} of {total}" if total else f"{label}: {NO_PLAN}")
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="20"'
        f' viewBox="0 0 {width} 20" role="img" aria-label="{name}">'
        f"<title>{name}</title>"
        f'<clipPath id="r"><rect width="{width}" height="20" rx="3"/></clipPath>'
        f'<g clip-path="url(#r)"><rect width="{left}" height="20" fill="{LABEL_COLOR}"/>'
        f'<rect x="{left}" width="{right}" height="20" fill="{color_for(done, total)}"/></g>'
        '<g fill="#fff" text-anchor="middle"'
        ' font-family="Verdana,Geneva,DejaVu Sans,sans-serif" font-size="11">'
        f'<text x="{left / 2:g}" y="14">{escape(label)}</text>'
        f'<text x="{left + right / 2:g}" y="14">{shown}</text></g></svg>\n'
    )
