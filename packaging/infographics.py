"""The bundled infographics as one-page HTML documents for WeasyPrint.

``infographic_html`` turns an infographic source (``resources/sources/<id>.toml``, format in
``resources/sources/FORMAT.md``) into a complete HTML document: a title band, the figures the
Socitm pages give, a diagram drawn as inline SVG, panels with icons, a colour key and the
honest label. ``packaging/build_collection.py`` renders it with WeasyPrint (tagged PDF/UA).
Every diagram and icon is an ``<svg role="img">`` with a ``<title>``, which WeasyPrint turns
into the figure's alternate text.
"""

from __future__ import annotations

import html
import math
import re
import textwrap
from collections.abc import Iterable, Sequence
from typing import Any
from urllib.parse import urlencode

from collection_html import council_type_text

NATIONS = ("England", "Scotland", "Wales", "Northern Ireland")
DIRECTORY_LINK = "resource-reader://directory"
INK = "#1f2328"
NEUTRAL = "#3d4451"  # panels not about one pillar
NEUTRAL_TINT = "#eef0f3"
MUTED = "#d5d9df"  # pillars a diagram does not highlight
COUNCILS_PER_PILLAR = 4

# Icons on a 24-unit grid, drawn with one stroke colour ({c}); written for this app.
ICONS: dict[str, str] = {
    "calendar": '<rect x="3" y="5" width="18" height="16" rx="2"/><path d="M3 10h18M8 3v4M16 3v4'
    'M7 14h2M11 14h2M15 14h2M7 17h2M11 17h2"/>',
    "documents": '<path d="M8 3h8l4 4v12H8z"/><path d="M16 3v4h4M5 7v14h11M11 11h6M11 14h6'
    'M11 17h4"/>',
    "network": '<circle cx="12" cy="5" r="2.5"/><circle cx="5" cy="18" r="2.5"/>'
    '<circle cx="19" cy="18" r="2.5"/><circle cx="12" cy="13" r="1.6"/>'
    '<path d="M11 7.3 6.2 15.8M13 7.3l4.8 8.5M7.5 18h9M12 7.5v3.9"/>',
    "scales": '<path d="M12 3v17M7 20h10M4 6h16M12 3l-1 3h2z"/>'
    '<path d="M4 6 1.5 13h5zM20 6l-2.5 7h5zM1.5 13a2.5 2 0 0 0 5 0M17.5 13a2.5 2 0 0 0 5 0"/>',
    "community": '<circle cx="12" cy="6" r="2.8"/><circle cx="5" cy="9" r="2.2"/>'
    '<circle cx="19" cy="9" r="2.2"/><path d="M7 20c0-4 2.2-6.5 5-6.5s5 2.5 5 6.5'
    'M1.5 19c0-3 1.5-5 3.5-5M22.5 19c0-3-1.5-5-3.5-5"/>',
    "shield": '<path d="M12 2.5 20 5.5v6c0 5-3.5 8.5-8 10.5-4.5-2-8-5.5-8-10.5v-6z"/>'
    '<path d="M8 12l3 3 5-6"/>',
    "thermometer": '<path d="M10 4.5a2 2 0 0 1 4 0v9.8a4 4 0 1 1-4 0z"/><path d="M12 9v8'
    'M17 5h3M17 8.5h3M17 12h3"/>',
    "coin": '<circle cx="12" cy="12" r="9"/><path d="M14.8 8.6a2.6 2.6 0 0 0-5.1.6'
    'c0 2.1.6 3.2.6 4.8 0 1.5-.8 2.4-1.8 2.6h6.9M8.4 12.4h4.6"/>',
    "laptop-off": '<rect x="4" y="5" width="16" height="11" rx="1"/><path d="M2 19.5h20'
    'M9.5 8.5l5 4.5M14.5 8.5l-5 4.5"/>',
    "pin": '<path d="M12 21.5s7-6.6 7-11.5a7 7 0 0 0-14 0c0 4.9 7 11.5 7 11.5z"/>'
    '<circle cx="12" cy="10" r="2.5"/>',
    "heart": '<path d="M12 20s-8.5-5-8.5-11A4.6 4.6 0 0 1 12 6.6 4.6 4.6 0 0 1 20.5 9'
    'c0 6-8.5 11-8.5 11z"/>',
    "magnifier": '<circle cx="10" cy="10" r="6.5"/><path d="M15 15l6 6M7.5 12v1.5M10 9v4.5'
    'M12.5 10.5v3"/>',
    "bulb": '<path d="M9 18h6M10 21h4M12 2.8a6.2 6.2 0 0 0-4 11c1 .9 1.4 1.8 1.4 3.2h5.2'
    'c0-1.4.4-2.3 1.4-3.2a6.2 6.2 0 0 0-4-11z"/>',
    "fork": '<path d="M12 22v-8.5M12 13.5 5.5 5M12 13.5 18.5 5M5 10V4.5h5.5M19 10V4.5h-5.5"/>',
    "bars-up": '<path d="M3 21h18"/><rect x="4.5" y="13" width="3.5" height="8"/>'
    '<rect x="10.2" y="9" width="3.5" height="12"/><rect x="16" y="4" width="3.5" height="17"/>',
    "globe": '<circle cx="12" cy="12" r="9"/><path d="M3 12h18M12 3c3.2 3 3.2 15 0 18'
    'M12 3c-3.2 3-3.2 15 0 18"/>',
    "home": '<path d="M2.5 11.5 12 4l9.5 7.5M5 10v10h14V10"/><rect x="8.5" y="12.5" width="7"'
    ' height="4.5" rx=".5"/><path d="M7.5 19h9"/>',
    "pair": '<circle cx="8" cy="7" r="3"/><circle cx="16" cy="7" r="3"/>'
    '<path d="M2 20c0-4 2.7-6.3 6-6.3s6 2.3 6 6.3M10 20c0-4 2.7-6.3 6-6.3s6 2.3 6 6.3"/>',
    "form": '<rect x="5" y="3" width="14" height="18" rx="2"/><path d="M8.5 8h7M8.5 11.5h7'
    'M8.5 16l2 2 4-4"/>',
    "columns": '<path d="M3 9 12 4l9 5zM5 10.5v7M9.7 10.5v7M14.3 10.5v7M19 10.5v7M3 20h18"/>',
    "steps": '<path d="M3 20h5v-5h5v-5h5V5h3M17 2.5 20.5 5 17 7.5"/>',
    "speech": '<path d="M4 4.5h16v10.5H10l-5 4.5v-4.5H4z"/><path d="M8 9h8M8 12h5"/>',
    "compass": '<circle cx="12" cy="12" r="9"/><path d="M15.5 8.5l-2 5-5 2 2-5z"/>',
    "layers": '<path d="M12 3 2 8l10 5 10-5z"/><path d="M2 12.5l10 5 10-5M2 17l10 5 10-5"/>',
    "map": '<path d="M3 6l6-3 6 3 6-3v15l-6 3-6-3-6 3z"/><path d="M9 3v15M15 6v15"/>',
}


def _gear() -> str:
    """A gear outline (eight teeth) as a path: the Reform icon."""
    points = []
    for tooth in range(8):
        for offset, radius in ((-13, 7), (-7, 10), (7, 10), (13, 7)):
            angle = math.radians(tooth * 45 + offset)
            points.append(
                f"{12 + radius * math.cos(angle):.2f},{12 + radius * math.sin(angle):.2f}"
            )
    return f'<path d="M{" L".join(points)}z"/><circle cx="12" cy="12" r="3"/>'


ICONS["gear"] = _gear()
PILLAR_ICONS = {"reset": "scales", "reform": "gear", "renew": "community", "resilient": "shield"}

CSS = """
@page { size: A4; margin: 0; }
html { font-family: "DejaVu Sans"; font-size: 8.6pt; line-height: 1.35; color: %(ink)s; }
body { margin: 0; }
a { color: inherit; }
h1, h2, h3, p, ul, figure { margin: 0; }
ul { padding: 0; list-style: none; }
.band { background: #1d2230; color: #ffffff; padding: 16pt 30pt 13pt 30pt;
        border-bottom: 5pt solid %(accent)s; }
.band h1 { font-size: 22pt; line-height: 1.1; }
.band .subtitle { font-size: 11pt; margin-top: 5pt; color: #dfe3ea; }
.label { margin: 7pt 30pt 0 30pt; font-size: 7.8pt; font-weight: bold; color: #4a505c; }
main { display: block; padding: 7pt 30pt 0 30pt; }
.stats { display: flex; gap: 8pt; margin-bottom: 8pt; }
.stat { flex: 1; display: flex; align-items: center; gap: 8pt; background: %(tint)s;
        border-radius: 6pt; padding: 6pt 9pt; }
.stat .icon { width: 30pt; height: 30pt; flex: none; }
.stat .value { white-space: nowrap; font-size: 18pt; font-weight: bold; line-height: 1.05;
               color: #1d2230; }
.stat .what { font-size: 7.8pt; color: #3a404c; }
.visual { display: flex; gap: 14pt; align-items: center; margin-bottom: 8pt; }
.visual figure { flex: none; text-align: center; }
.visual figcaption { font-size: 7.6pt; color: #4a505c; margin-top: 3pt; font-style: italic; }
.aside { flex: 1; }
.aside h2 { font-size: 12.5pt; margin-bottom: 4pt; color: #1d2230; }
.aside p { font-size: 9pt; }
.aside figure { margin-top: 8pt; text-align: left; }
.panels { display: flex; flex-wrap: wrap; justify-content: space-between; margin-bottom: 1pt; }
.panel { box-sizing: border-box; width: %(width)s; background: %(tint)s;
         border-radius: 0 0 6pt 6pt;
         padding: 6pt 10pt 7pt 10pt; border-top: 4pt solid %(neutral)s; margin-bottom: 7pt; }
.panel.wide { width: 100%%; }
.panel .head { display: flex; align-items: center; gap: 7pt; margin-bottom: 3pt; }
.panel .icon { width: 20pt; height: 20pt; flex: none; }
.panel h2 { font-size: 11pt; line-height: 1.15; }
.panel h2 a { text-decoration: none; }
.panel .tagline { font-weight: bold; font-size: 8.6pt; }
.panel p + p, .panel p + ul, .panel ul + p { margin-top: 3pt; }
.panel .ask { margin-top: 5pt; padding-top: 4pt; border-top: 0.6pt solid #c4c9d1;
              font-style: italic; }
.panel .ask b { font-style: normal; }
.with-wheel { display: flex; align-items: center; gap: 10pt; }
.with-wheel figure { flex: none; }
.items li { display: flex; align-items: center; gap: 6pt; margin-top: 3pt; }
.items .icon { width: 16pt; height: 16pt; }
.councils { margin-top: 4pt; }
.councils li { margin-top: 2pt; padding-left: 8pt; border-left: 2.5pt solid currentColor; }
.councils a { font-weight: bold; text-decoration: none; color: %(ink)s; }
.councils .where { font-size: 7.4pt; color: #4a505c; }
.more { margin-top: 5pt; font-size: 7.8pt; font-weight: bold; }
.chips { margin-top: 5pt; font-size: 7.4pt; color: #4a505c; }
.chip { color: #ffffff; font-weight: bold; border-radius: 3pt; padding: 0.5pt 4pt; }
.note { font-size: 7.6pt; color: #3a404c; margin-top: 4pt; }
.key { display: flex; align-items: center; gap: 10pt; font-size: 7.6pt;
       border-top: 0.8pt solid #c4c9d1; padding-top: 5pt; }
.key h2 { font-size: 7.8pt; flex: none; }
.swatches { display: flex; flex-wrap: wrap; gap: 3pt 10pt; }
.swatches li { display: flex; align-items: center; gap: 3pt; white-space: nowrap; }
.swatch { display: inline-block; width: 10pt; height: 10pt; border-radius: 2pt; }
footer { margin: 5pt 30pt 0 30pt; font-size: 7.2pt; color: #4a505c; }
footer a { color: #1a4f9c; }
"""


def strategy_id(council: str) -> str:
    """The directory entry's resource id (the shared rule; build_collection has the same)."""
    slug = re.sub(r"[^a-z0-9]+", "-", council.lower().replace("&", "and")).strip("-")
    return "strategy-" + slug[:55].strip("-")


def directory_link(**params: str) -> str:
    query = urlencode({k: v for k, v in params.items() if v})
    return f"{DIRECTORY_LINK}?{query}" if query else DIRECTORY_LINK


def open_link(resource_id: str) -> str:
    return "resource-reader://open?" + urlencode({"id": resource_id})


def councils_for(
    pillar: str, directory: Sequence[dict[str, Any]], count: int, taken: Iterable[str] = ()
) -> list[dict[str, Any]]:
    """Up to ``count`` strategies emphasising ``pillar``, chosen the same way every build.

    Strategies whose main pillar it is come first; each round takes the best remaining one
    from every nation, so the panel spreads over the UK; councils already named in an
    earlier panel (``taken``) are used only when nothing else is left.
    """
    taken = set(taken)

    def rank(s: dict[str, Any]) -> tuple[int, str]:
        return (list(s["pillars"]).index(pillar), s["council"])

    candidates = sorted((s for s in directory if pillar in s["pillars"]), key=rank)
    chosen: list[dict[str, Any]] = []
    for pool in (
        [s for s in candidates if s["council"] not in taken],
        [s for s in candidates if s["council"] in taken],
    ):
        by_nation: dict[str, list[dict[str, Any]]] = {}
        for strategy in pool:
            by_nation.setdefault(strategy["nation"], []).append(strategy)
        while len(chosen) < count and any(by_nation.values()):
            heads = [queue.pop(0) for queue in by_nation.values() if queue]
            heads.sort(key=lambda s: (rank(s)[0], NATIONS.index(s["nation"]), s["council"]))
            chosen.extend(heads[: count - len(chosen)])
    return chosen


def pillar_counts(pillars: Sequence[dict[str, Any]], directory: Sequence[dict[str, Any]]) -> dict:
    return {p["id"]: sum(p["id"] in s["pillars"] for s in directory) for p in pillars}


# SVG pieces


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def icon_svg(name: str, label: str, colour: str, css_class: str = "icon") -> str:
    """A standalone icon with its own alternative text."""
    return (
        f'<svg class="{css_class}" role="img" aria-label="{_e(label)}" viewBox="0 0 24 24"'
        f' xmlns="http://www.w3.org/2000/svg"><title>{_e(label)}</title>{_icon_group(name, colour)}'
        "</svg>"
    )


def _icon_group(name: str, colour: str, transform: str = "", width: float = 1.8) -> str:
    where = f' transform="{transform}"' if transform else ""
    return (
        f'<g{where} fill="none" stroke="{colour}" stroke-width="{width}" stroke-linecap="round"'
        f' stroke-linejoin="round">{ICONS[name]}</g>'
    )


def _text_lines(
    text: str, x: float, y: float, size: float, width: int, colour: str, weight: str = "normal"
) -> str:
    """Centred SVG text wrapped at ``width`` characters, first baseline at ``y``."""
    lines = textwrap.wrap(text, width) or [""]
    spans = "".join(
        f'<tspan x="{x:.1f}" y="{y + i * size * 1.2:.1f}">{_e(line)}</tspan>'
        for i, line in enumerate(lines)
    )
    return (
        f'<text text-anchor="middle" font-family="DejaVu Sans" font-size="{size}"'
        f' font-weight="{weight}" fill="{colour}">{spans}</text>'
    )


def _figure(
    svg_body: str, view: tuple[float, float], size: tuple[float, float], alt: str, caption: str = ""
) -> str:
    width, height = view
    svg = (
        f'<svg role="img" aria-label="{_e(alt)}" viewBox="0 0 {width} {height}"'
        f' width="{size[0]}pt" height="{size[1]}pt" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{_e(alt)}</title>{svg_body}</svg>"
    )
    cap = f"<figcaption>{_e(caption)}</figcaption>" if caption else ""
    return f"<figure>{svg}{cap}</figure>"


def _arrow(x1: float, y1: float, x2: float, y2: float, colour: str, dashed: bool = False) -> str:
    angle = math.atan2(y2 - y1, x2 - x1)
    head = [
        (x2, y2),
        (x2 - 9 * math.cos(angle - 0.45), y2 - 9 * math.sin(angle - 0.45)),
        (x2 - 9 * math.cos(angle + 0.45), y2 - 9 * math.sin(angle + 0.45)),
    ]
    end_x, end_y = x2 - 7 * math.cos(angle), y2 - 7 * math.sin(angle)
    dash = ' stroke-dasharray="5 4"' if dashed else ""
    points = " ".join(f"{px:.1f},{py:.1f}" for px, py in head)
    return (
        f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{end_x:.1f}" y2="{end_y:.1f}" stroke="{colour}"'
        f' stroke-width="2.4"{dash}/><polygon points="{points}" fill="{colour}"/>'
    )


def _node(
    x: float,
    y: float,
    radius: float,
    icon: str,
    fill: str,
    label: str,
    chars: int,
    below: bool = True,
) -> str:
    scale = radius * 1.15 / 24
    body = f'<circle cx="{x}" cy="{y}" r="{radius}" fill="{fill}"/>'
    body += _icon_group(
        icon,
        "#ffffff",
        f"translate({x - 12 * scale:.1f},{y - 12 * scale:.1f}) scale({scale:.3f})",
        width=2,
    )
    if below:
        body += _text_lines(label, x, y + radius + 12, 10, chars, INK, "bold")
    return body


WHEEL_ORDER = (("reset", 180), ("reform", 270), ("resilient", 0), ("renew", 90))


def wheel_svg(pillars: dict[str, dict[str, Any]], centre: str, highlight: Sequence[str]) -> str:
    """The 4Rs as four ring segments (Reset top left, clockwise) around the central aim."""
    cx = cy = 110.0
    outer, inner, gap = 104.0, 44.0, 2.2
    parts = []
    for pid, start in WHEEL_ORDER:
        on = pid in highlight
        colour = pillars[pid]["colour"] if on else MUTED
        a0, a1 = math.radians(start + gap), math.radians(start + 90 - gap)
        b0, b1 = math.radians(start + gap * 2), math.radians(start + 90 - gap * 2)

        def at(radius: float, angle: float) -> str:
            return f"{cx + radius * math.cos(angle):.2f},{cy + radius * math.sin(angle):.2f}"

        parts.append(
            f'<path d="M{at(outer, a0)} A{outer},{outer} 0 0 1 {at(outer, a1)}'
            f' L{at(inner, b1)} A{inner},{inner} 0 0 0 {at(inner, b0)} Z" fill="{colour}"/>'
        )
        mid = math.radians(start + 45)
        mx, my = cx + 72 * math.cos(mid), cy + 72 * math.sin(mid)
        ink = "#ffffff" if on else "#7a808a"
        parts.append(
            _icon_group(
                PILLAR_ICONS[pid],
                ink,
                f"translate({mx - 13:.1f},{my - 22:.1f}) scale(1.08)",
                width=2,
            )
        )
        parts.append(
            f'<text x="{mx:.1f}" y="{my + 15:.1f}" text-anchor="middle" font-family="DejaVu Sans"'
            f' font-size="10" font-weight="bold" fill="{ink}">{_e(pillars[pid]["name"])}</text>'
        )
    parts.append(f'<circle cx="{cx}" cy="{cy}" r="{inner - 5}" fill="#1d2230"/>')
    lines = centre.split(" ", 1) if len(centre) > 12 else [centre]
    top = cy - (len(lines) - 1) * 5.5 + 3.5
    for i, line in enumerate(lines):
        parts.append(
            f'<text x="{cx}" y="{top + i * 11:.1f}" text-anchor="middle" font-family="DejaVu Sans"'
            f' font-size="9.5" font-weight="bold" fill="#ffffff">{_e(line)}</text>'
        )
    return "".join(parts)


def converge_svg(diagram: dict[str, Any]) -> str:
    """Pressures (left) feeding one centre (the pandemic's effects), leading to an outcome."""
    inputs = diagram["inputs"]
    parts = []
    cx, cy, radius = 268.0, 96.0, 60.0
    rows = [26 + i * (140 / max(1, len(inputs) - 1)) for i in range(len(inputs))]
    for item, y in zip(inputs, rows, strict=True):
        parts.append(_arrow(150, y, cx - radius - 4, cy + (y - cy) * 0.35, "#8a919c"))
        parts.append(_node(26, y, 20, item["icon"], NEUTRAL, "", 1, below=False))
        parts.append(
            f'<text x="54" y="{y + 4:.1f}" font-family="DejaVu Sans" font-size="10"'
            f' font-weight="bold" fill="{INK}">{_e(item["label"])}</text>'
        )
    parts.append(f'<circle cx="{cx}" cy="{cy}" r="{radius}" fill="#1d2230"/>')
    parts.append(_text_lines(diagram["centre"], cx, cy - 12, 10.5, 14, "#ffffff", "bold"))
    outcome = diagram["outcome"]
    parts.append(_arrow(cx + radius + 4, cy, 392, cy, "#1d2230"))
    parts.append(f'<rect x="398" y="{cy - 54}" width="124" height="108" rx="10" fill="{NEUTRAL}"/>')
    parts.append(
        _icon_group(outcome["icon"], "#ffffff", f"translate(442,{cy - 48}) scale(1.5)", width=2)
    )
    parts.append(_text_lines(outcome["label"], 460, cy + 6, 10, 17, "#ffffff", "bold"))
    return "".join(parts)


def levers_svg(diagram: dict[str, Any]) -> str:
    """Forces pulling staff away from the centre (left, dashed) and levers pulling them in."""
    cx, cy, radius = 262.0, 112.0, 54.0
    parts = [
        f'<text x="76" y="12" text-anchor="middle" font-family="DejaVu Sans" font-size="9.5"'
        f' font-weight="bold" fill="#6b717c">{_e(diagram["pulls_caption"].upper())}</text>'
        f'<text x="538" y="12" text-anchor="end" font-family="DejaVu Sans" font-size="9.5"'
        f' font-weight="bold" fill="{NEUTRAL}">{_e(diagram["levers_caption"].upper())}</text>'
    ]
    for i, item in enumerate(diagram["pulls"]):
        y = 60 + i * 92
        parts.append(_arrow(cx - radius - 2, cy + (y - cy) * 0.3, 112, y, "#9aa1ab", dashed=True))
        parts.append(_node(76, y, 24, item["icon"], "#7b828d", "", 1, below=False))
        parts.append(_text_lines(item["label"], 76, y + 38, 9.5, 18, INK, "bold"))
    for i, item in enumerate(diagram["levers"]):
        y = 44 + i * 68
        parts.append(_arrow(408, y, cx + radius + 2, cy + (y - cy) * 0.3, "#1d2230"))
        parts.append(_node(436, y, 22, item["icon"], NEUTRAL, "", 1, below=False))
        parts.append(
            f'<text x="464" y="{y:.1f}" font-family="DejaVu Sans" font-size="9.5"'
            f' font-weight="bold" fill="{INK}">'
            + "".join(
                f'<tspan x="464" dy="{0 if j == 0 else 11.5}">{_e(line)}</tspan>'
                for j, line in enumerate(textwrap.wrap(item["label"], 13))
            )
            + "</text>"
        )
    parts.append(f'<circle cx="{cx}" cy="{cy}" r="{radius}" fill="#1d2230"/>')
    parts.append(_icon_group("pair", "#ffffff", f"translate({cx - 13},{cy - 42}) scale(1.1)", 2))
    parts.append(_text_lines(diagram["centre"], cx, cy + 4, 10, 13, "#ffffff", "bold"))
    return "".join(parts)


def bars_svg(pillars: Sequence[dict[str, Any]], counts: dict[str, int]) -> str:
    """Horizontal bars: how many directory strategies emphasise each pillar."""
    most = max(counts.values(), default=0) or 1
    parts = []
    for i, pillar in enumerate(pillars):
        y = 6 + i * 24
        length = 150 * counts[pillar["id"]] / most
        parts.append(
            f'<text x="62" y="{y + 12}" text-anchor="end" font-family="DejaVu Sans"'
            f' font-size="10" font-weight="bold" fill="{INK}">{_e(pillar["name"])}</text>'
            f'<rect x="68" y="{y}" width="{length:.1f}" height="16" rx="3"'
            f' fill="{pillar["colour"]}"/>'
            f'<text x="{72 + length:.1f}" y="{y + 12}" font-family="DejaVu Sans" font-size="10"'
            f' font-weight="bold" fill="{INK}">{counts[pillar["id"]]}</text>'
        )
    return "".join(parts)


# HTML pieces


def _stats(spec: dict[str, Any], directory: Sequence[dict[str, Any]]) -> str:
    cards = []
    for figure in spec.get("figures", []):
        value = str(len(directory)) if figure.get("count") == "directory" else figure["value"]
        cards.append(
            f'<div class="stat">{icon_svg(figure["icon"], figure["icon_alt"], NEUTRAL)}'
            f'<div><p class="value">{_e(value)}</p><p class="what">{_e(figure["label"])}</p>'
            "</div></div>"
        )
    return f'<section class="stats">{"".join(cards)}</section>' if cards else ""


def _diagram(spec: dict[str, Any], pillars: dict[str, dict[str, Any]]) -> str:
    diagram = spec["diagram"]
    kind, alt, caption = diagram["kind"], diagram["alt"], diagram.get("caption", "")
    if kind == "wheel":
        highlight = diagram.get("highlight", list(pillars))
        size = float(diagram.get("size", 200))
        body = wheel_svg(pillars, diagram["centre"], highlight)
        return _figure(body, (220, 220), (size, size), alt, caption)
    if kind == "converge":
        return _figure(converge_svg(diagram), (525, 192), (510, 186), alt, caption)
    if kind == "levers":
        return _figure(levers_svg(diagram), (540, 210), (530, 206), alt, caption)
    raise ValueError(f"{spec['id']}: unknown diagram kind '{kind}'")


def _chart(pillars: Sequence[dict[str, Any]], directory: Sequence[dict[str, Any]]) -> str:
    counts = pillar_counts(pillars, directory)
    spread = ", ".join(f"{counts[p['id']]} {p['name']}" for p in pillars)
    alt = (
        f"Of the {len(directory)} council strategies in Resource Reader's directory, {spread}"
        " are among the pillars they emphasise; most emphasise more than one."
    )
    return _figure(bars_svg(pillars, counts), (260, 100), (250, 96), alt)


def _aside(spec: dict[str, Any], pillars: Sequence[dict[str, Any]], directory: Sequence) -> str:
    aside = spec.get("aside")
    if not aside:
        return ""
    chart = _chart(pillars, directory) if aside.get("chart") == "directory-pillars" else ""
    note = f'<p class="note">{_e(aside["note"])}</p>' if aside.get("note") else ""
    return (
        f'<div class="aside"><h2>{_e(aside["heading"])}</h2><p>{_e(aside["text"])}</p>'
        f"{chart}{note}</div>"
    )


def _council_list(panel: dict[str, Any], pillar: dict[str, Any], directory, taken: set) -> str:
    chosen = councils_for(pillar["id"], directory, int(panel["councils"]), taken)
    taken.update(s["council"] for s in chosen)
    items = "".join(
        f'<li style="color: {pillar["colour"]}">'
        f'<a href="{_e(open_link(strategy_id(s["council"])))}">'
        f'{_e(s["council"])}</a> <span class="where">{_e(s["nation"])}, '
        f"{_e(council_type_text(s['council_type']))}"
        "</span></li>"
        for s in chosen
    )
    total = sum(pillar["id"] in s["pillars"] for s in directory)
    more = (
        f'<p class="more"><a href="{_e(directory_link(pillar=pillar["id"]))}">'
        f"All {total} {_e(pillar['name'])} strategies in the directory →</a></p>"
    )
    return f'<ul class="councils">{items}</ul>{more}'


def _panel(panel: dict[str, Any], pillars: dict[str, dict[str, Any]], directory, taken: set) -> str:
    pillar = pillars.get(panel.get("pillar", ""))
    colour = pillar["colour"] if pillar else NEUTRAL
    style = f' style="border-top-color: {colour}"'
    classes = "panel wide" if panel.get("wide") else "panel"
    icon = panel.get("icon") or (PILLAR_ICONS[pillar["id"]] if pillar else "")
    if panel.get("wheel"):
        icon = ""  # the wheel beside the heading is the panel's picture
    head_icon = icon_svg(icon, panel.get("icon_alt", panel["heading"]), colour) if icon else ""
    heading = _e(panel["heading"])
    if panel.get("councils") and pillar:
        heading = f'<a href="{_e(directory_link(pillar=pillar["id"]))}">{heading}</a>'
    parts = [
        f'<div class="head">{head_icon}<h2 style="color: {colour}">{heading}</h2></div>',
    ]
    if panel.get("tagline"):
        parts.append(f'<p class="tagline">{_e(panel["tagline"])}</p>')
    if panel.get("text"):
        parts.append(f"<p>{_e(panel['text'])}</p>")
    if panel.get("items"):
        parts.append(
            '<ul class="items">'
            + "".join(
                f"<li>{icon_svg(item['icon'], item['icon_alt'], colour)}<span>{_e(item['text'])}"
                "</span></li>"
                for item in panel["items"]
            )
            + "</ul>"
        )
    if panel.get("councils") and pillar:
        parts.append(_council_list(panel, pillar, directory, taken))
    if panel.get("touches"):
        chips = " ".join(
            f'<span class="chip" style="background: {pillars[p]["colour"]}">'
            f"{_e(pillars[p]['name'])}</span>"
            for p in panel["touches"]
        )
        parts.append(f'<p class="chips">{_e(panel.get("touches_label", "Pillars"))}: {chips}</p>')
    if panel.get("ask"):
        parts.append(f'<p class="ask"><b>Ask:</b> {_e(panel["ask"])}</p>')
    if panel.get("link"):
        parts.append(
            f'<p class="more"><a href="{_e(panel["link"])}">{_e(panel["link_text"])} →</a></p>'
        )
    if panel.get("note"):
        parts.append(f'<p class="note">{_e(panel["note"])}</p>')
    if panel.get("wheel"):
        wheel = _figure(
            wheel_svg(pillars, panel.get("wheel_centre", "4Rs"), panel["touches"]),
            (220, 220),
            (88, 88),
            panel["wheel_alt"],
        )
        head, rest = parts[0], "".join(parts[1:])
        parts = [f'<div class="with-wheel">{wheel}<div>{head}{rest}</div></div>']
    about = f' data-pillar="{pillar["id"]}"' if pillar else ""
    return f'<section class="{classes}"{style}{about}>{"".join(parts)}</section>'


def _key(spec: dict[str, Any], pillars: dict[str, dict[str, Any]]) -> str:
    used: list[str] = []
    for panel in spec.get("panels", []):
        for pid in [panel.get("pillar", ""), *panel.get("touches", [])]:
            if pid in pillars and pid not in used:
                used.append(pid)
    diagram = spec.get("diagram", {})
    if diagram.get("kind") == "wheel":
        used += [p for p in diagram.get("highlight", list(pillars)) if p not in used]
    used.sort(key=list(pillars).index)
    items = [
        f'<li><span class="swatch" style="background: {pillars[p]["colour"]}"></span>'
        f"{_e(pillars[p]['name'])}: {_e(spec.get('key', {}).get(p, pillars[p]['name']))}</li>"
        for p in used
    ]
    items.append(
        f'<li><span class="swatch" style="background: {NEUTRAL}"></span>'
        f"{_e(spec.get('key', {}).get('neutral', 'Grey: not about one pillar'))}</li>"
    )
    swatches = "".join(items)
    return f'<section class="key"><h2>Colour key</h2><ul class="swatches">{swatches}</ul></section>'


def infographic_html(
    spec: dict[str, Any],
    *,
    pillars: list[dict[str, Any]],
    directory: list[dict[str, Any]],
    collection: dict[str, Any],
    label: str,
) -> str:
    """The complete one-page HTML document for one infographic source."""
    by_id = {p["id"]: p for p in pillars}
    accent = by_id[spec["pillars"][0]]["colour"] if spec.get("accent") == "pillar" else "#8a919c"
    columns = int(spec.get("columns", 2))
    width = f"{(100 - 1.6 * (columns - 1)) / columns:.2f}%"
    css = CSS % {
        "ink": INK,
        "accent": accent,
        "tint": NEUTRAL_TINT,
        "neutral": NEUTRAL,
        "width": width,
    }
    taken: set[str] = set()
    panels = "".join(_panel(p, by_id, directory, taken) for p in spec.get("panels", []))
    visual = (
        f'<section class="visual">{_diagram(spec, by_id)}{_aside(spec, pillars, directory)}'
        "</section>"
        if spec.get("diagram")
        else ""
    )
    source = _e(spec["source_url"])
    footer = (
        f"<footer><p>From the collection “{_e(collection['title'])}”. Original on socitm.net:"
        f' <a href="{source}">{source}</a></p></footer>'
    )
    return (
        '<!DOCTYPE html>\n<html lang="en-GB"><head><meta charset="utf-8"/>'
        f"<title>{_e(spec['title'])}</title><style>{css}</style></head><body>"
        f'<header class="band"><h1>{_e(spec["title"])}</h1>'
        f'<p class="subtitle">{_e(spec["subtitle"])}</p></header>'
        f'<p class="label">{_e(label)}</p>'
        f"<main>{_stats(spec, directory)}{visual}"
        f'<div class="panels">{panels}</div>{_key(spec, by_id)}</main>{footer}'
        "</body></html>"
    )


def infographic_transcript(
    spec: dict[str, Any], *, pillars: list[dict[str, Any]], directory: list[dict[str, Any]]
) -> str:
    """All the infographic's own text in reading order, as plain text (the manifest's
    ``transcript``; the label and the source link are shown by the app beside it)."""
    by_id = {p["id"]: p for p in pillars}
    lines = [spec["title"], spec["subtitle"], ""]
    for figure in spec.get("figures", []):
        value = str(len(directory)) if figure.get("count") == "directory" else figure["value"]
        lines.append(f"{value}: {figure['label']}")
    if spec.get("diagram"):
        diagram = spec["diagram"]
        lines += ["", f"Diagram: {diagram['alt']}"]
        if diagram.get("caption"):
            lines.append(diagram["caption"])
    if spec.get("aside"):
        aside = spec["aside"]
        lines += ["", aside["heading"], aside["text"]]
        if aside.get("chart") == "directory-pillars":
            counts = pillar_counts(pillars, directory)
            spread = ", ".join(f"{p['name']} {counts[p['id']]}" for p in pillars)
            lines.append(f"Chart, strategies in the directory emphasising each pillar: {spread}.")
    taken: set[str] = set()
    for panel in spec.get("panels", []):
        lines += ["", panel["heading"]]
        lines += [panel[k] for k in ("tagline", "text") if panel.get(k)]
        lines += [f"- {item['text']}" for item in panel.get("items", [])]
        pillar = by_id.get(panel.get("pillar", ""))
        if panel.get("councils") and pillar:
            chosen = councils_for(pillar["id"], directory, int(panel["councils"]), taken)
            taken.update(s["council"] for s in chosen)
            lines += [
                f"- {s['council']} ({s['nation']}, {council_type_text(s['council_type'])})"
                for s in chosen
            ]
            total = sum(pillar["id"] in s["pillars"] for s in directory)
            lines.append(f"All {total} {pillar['name']} strategies in the directory.")
        if panel.get("touches"):
            names = ", ".join(by_id[p]["name"] for p in panel["touches"])
            lines.append(f"{panel.get('touches_label', 'Pillars')}: {names}.")
        if panel.get("ask"):
            lines.append(f"Ask: {panel['ask']}")
        if panel.get("link_text"):
            lines.append(f"{panel['link_text']}.")
        if panel.get("note"):
            lines.append(panel["note"])
    return "\n".join(lines).strip()
