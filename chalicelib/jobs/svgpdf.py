"""Our charts' SVG drawn as PDF vector operations on an fpdf2 page, text in the document's own embedded font.

fpdf2's SVG importer leaves `<text>` out, so the subset `chalicelib.web.charts` writes — `g`, `rect`, `line`,
`polyline`, `circle`, `text` (with `text-anchor`, `font-size`, `font-weight`, `fill`), `title` and `desc` (skipped:
they are for screen readers) — is drawn here call by call. Presentation attributes are inherited from `svg` and `g`
as in SVG; anything else is ignored rather than guessed at. The SVG comes from our own chart functions; it is still
parsed with defusedxml (no entities, no external references).
"""

from __future__ import annotations

from typing import Any

PT_PER_MM = 72 / 25.4
_INHERITED = ("fill", "stroke", "stroke-width", "stroke-dasharray", "font-size", "font-weight", "text-anchor")
_NAMED = {"black": (0, 0, 0), "white": (255, 255, 255), "red": (255, 0, 0), "gray": (128, 128, 128)}
_DEFAULTS = {"fill": "#000000", "stroke": "none", "stroke-width": "1", "font-size": "16", "text-anchor": "start"}


def view_box(svg: str) -> tuple[float, float]:
    """The chart's width and height in its own units (from `viewBox`, else `width`/`height`)."""
    root = _parse(svg)
    box = root.get("viewBox")
    if box:
        _, _, width, height = (float(v) for v in box.replace(",", " ").split())
        return width, height
    return _length(root.get("width"), 640.0), _length(root.get("height"), 320.0)


def draw_svg(pdf: Any, svg: str, *, x: float, y: float, width: float, family: str) -> float:
    """Draw the chart with its top left at (x, y) mm, `width` mm wide; returns the height drawn in mm."""
    root = _parse(svg)
    box_width, box_height = view_box(svg)
    scale = width / box_width
    _Painter(pdf, x, y, scale, family).group(root, dict(_DEFAULTS) | _own(root))
    pdf.set_dash_pattern()
    pdf.set_line_width(0.2)
    pdf.set_draw_color(0)
    pdf.set_fill_color(255)
    pdf.set_text_color(0)
    return box_height * scale


def _parse(svg: str) -> Any:
    from defusedxml.ElementTree import fromstring

    return fromstring(svg)


def _tag(element: Any) -> str:
    return str(element.tag).rsplit("}", 1)[-1]


def _own(element: Any) -> dict[str, str]:
    return {k: element.get(k) for k in _INHERITED if element.get(k) is not None}


def _length(value: str | None, default: float) -> float:
    if not value:
        return default
    try:
        return float(value.removesuffix("px"))
    except ValueError:
        return default


def colour(value: str) -> tuple[int, int, int] | None:
    """An SVG colour as RGB: `#rrggbb`, `#rgb` or a few names; None for `none` (or what we cannot read)."""
    value = value.strip().lower()
    if value.startswith("#") and len(value) == 4:
        value = "#" + "".join(c * 2 for c in value[1:])
    if value.startswith("#") and len(value) == 7:
        try:
            return int(value[1:3], 16), int(value[3:5], 16), int(value[5:7], 16)
        except ValueError:
            return None
    return _NAMED.get(value)


class _Painter:
    """One chart's drawing: SVG units → mm on the page."""

    def __init__(self, pdf: Any, x: float, y: float, scale: float, family: str) -> None:
        self.pdf, self.x0, self.y0, self.scale, self.family = pdf, x, y, scale, family

    def x(self, value: str | None) -> float:
        return self.x0 + _length(value, 0.0) * self.scale

    def y(self, value: str | None) -> float:
        return self.y0 + _length(value, 0.0) * self.scale

    def group(self, element: Any, style: dict[str, str]) -> None:
        for child in element:
            tag, own = _tag(child), style | _own(child)
            if tag == "g":
                self.group(child, own)
            elif tag in ("rect", "line", "polyline", "circle", "text"):
                getattr(self, "_" + tag)(child, own)

    def _paint(self, style: dict[str, str], *, fillable: bool = True) -> str:
        """Set colours, width and dashes; the fpdf2 style: "F", "D", "DF" or "" (nothing to draw)."""
        fill = colour(style["fill"]) if fillable else None
        stroke = colour(style["stroke"])
        if fill is not None:
            self.pdf.set_fill_color(*fill)
        if stroke is not None:
            self.pdf.set_draw_color(*stroke)
            self.pdf.set_line_width(_length(style["stroke-width"], 1.0) * self.scale)
            dashes = style.get("stroke-dasharray", "").replace(",", " ").split()
            if dashes and dashes[0] != "none":
                dash = float(dashes[0]) * self.scale
                self.pdf.set_dash_pattern(dash=dash, gap=float(dashes[-1]) * self.scale)
            else:
                self.pdf.set_dash_pattern()
        return ("D" if stroke is not None else "") + ("F" if fill is not None else "")

    def _rect(self, element: Any, style: dict[str, str]) -> None:
        paint = self._paint(style)
        w, h = _length(element.get("width"), 0.0) * self.scale, _length(element.get("height"), 0.0) * self.scale
        if paint and w > 0 and h > 0:
            self.pdf.rect(self.x(element.get("x")), self.y(element.get("y")), w, h, style=paint)

    def _line(self, element: Any, style: dict[str, str]) -> None:
        if "D" in self._paint(style, fillable=False):
            pdf = self.pdf
            pdf.line(self.x(element.get("x1")), self.y(element.get("y1")), self.x(element.get("x2")), self.y(element.get("y2")))

    def _polyline(self, element: Any, style: dict[str, str]) -> None:
        numbers = [float(v) for v in element.get("points", "").replace(",", " ").split()]
        points = [(self.x0 + a * self.scale, self.y0 + b * self.scale) for a, b in zip(numbers[::2], numbers[1::2], strict=False)]
        paint = self._paint(style)
        if len(points) > 1 and paint:
            self.pdf.polyline(points, style=paint)

    def _circle(self, element: Any, style: dict[str, str]) -> None:
        paint = self._paint(style)
        radius = _length(element.get("r"), 0.0) * self.scale
        if paint and radius > 0:
            self.pdf.circle(self.x(element.get("cx")), self.y(element.get("cy")), radius, style=paint)

    def _text(self, element: Any, style: dict[str, str]) -> None:
        import unicodedata

        content = unicodedata.normalize("NFC", "".join(element.itertext()))
        fill = colour(style["fill"])
        if not content.strip() or fill is None:
            return
        bold = style.get("font-weight", "normal") in ("bold", "bolder", "600", "700", "800", "900")
        size_mm = _length(style["font-size"], 16.0) * self.scale
        self.pdf.set_font(self.family, "B" if bold else "", size_mm * PT_PER_MM)
        self.pdf.set_text_color(*fill)
        x = self.x(element.get("x"))
        anchor = style["text-anchor"]
        if anchor in ("middle", "end"):
            width = self.pdf.get_string_width(content)
            x -= width / 2 if anchor == "middle" else width
        self.pdf.text(x, self.y(element.get("y")), content)
