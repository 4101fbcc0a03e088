"""The towns' index map as a PNG for the Word document (python-docx takes PNG or JPEG, not the SVG or the
ECharts map of the pages): each town's boundary (`Division.boundary`, GeoJSON) filled by its score's class,
with its rank at the middle. Drawn with Pillow, which the platform already uses for photos; the legend and the
names go into the document's own text (the map needs no Chinese font on the server)."""

import io
import math

from PIL import Image, ImageDraw, ImageFont

from puhui.core.models import Division

# Five classes, light to dark: the lower the score, the lighter the town.
COLOURS = ("#deebf7", "#9ecae1", "#6baed6", "#3182bd", "#08519c")
NO_SCORE = "#e0e0e0"
WIDTH = 1200
MARGIN = 30


def classes(scores: list[float]) -> list[tuple[float, float]]:
    """Five equal intervals from the lowest score to the highest (one when all are equal)."""
    if not scores:
        return []
    low, high = min(scores), max(scores)
    if high - low < 1e-9:
        return [(low, high)]
    step = (high - low) / len(COLOURS)
    return [(low + i * step, low + (i + 1) * step) for i in range(len(COLOURS))]


def colour_of(score, bins: list[tuple[float, float]]) -> str:
    if score is None or not bins:
        return NO_SCORE
    if len(bins) == 1:
        return COLOURS[2]
    for i, (_low, high) in enumerate(bins):
        if score <= high + 1e-9:
            return COLOURS[i]
    return COLOURS[-1]


def _rings(geometry: dict) -> list[list[list[float]]]:
    """The outer rings of a Polygon or MultiPolygon."""
    kind, coords = (geometry or {}).get("type"), (geometry or {}).get("coordinates") or []
    if kind == "Polygon":
        return coords[:1]
    if kind == "MultiPolygon":
        return [polygon[0] for polygon in coords if polygon]
    return []


def town_map_png(towns: list[dict]) -> bytes | None:
    """`towns`: the report's town rows (code, score, rank). None when no town has a boundary."""
    shapes = dict(
        Division.objects.filter(level=Division.Level.TOWN, code__in=[t["code"] for t in towns])
        .exclude(boundary=None)
        .values_list("code", "boundary")
    )
    rings = {code: _rings(geometry) for code, geometry in shapes.items()}
    points = [p for code in rings for ring in rings[code] for p in ring]
    if not points:
        return None
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    squash = math.cos(
        math.radians((min(ys) + max(ys)) / 2)
    )  # a degree of longitude is shorter than one of latitude
    span_x, span_y = (max(xs) - min(xs)) * squash or 1e-6, (max(ys) - min(ys)) or 1e-6
    scale = (WIDTH - 2 * MARGIN) / span_x
    height = int(span_y * scale) + 2 * MARGIN

    left, top = min(xs), max(ys)

    def at(p):
        return (MARGIN + (p[0] - left) * squash * scale, MARGIN + (top - p[1]) * scale)

    image = Image.new("RGB", (WIDTH, height), "white")
    draw = ImageDraw.Draw(image)
    bins = classes([t["score"] for t in towns if t["score"] is not None])
    font = ImageFont.load_default(size=28)
    for town in towns:
        for ring in rings.get(town["code"], []):
            draw.polygon(
                [at(p) for p in ring], fill=colour_of(town["score"], bins), outline="#555555", width=2
            )
    for town in towns:
        ring = max(rings.get(town["code"], []), key=len, default=None)
        if ring and town.get("rank"):
            placed = [at(p) for p in ring]
            x, y = sum(p[0] for p in placed) / len(placed), sum(p[1] for p in placed) / len(placed)
            draw.text((x, y), str(town["rank"]), fill="black", font=font, anchor="mm", stroke_width=3,
                      stroke_fill="white")  # fmt: skip
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=False)
    return out.getvalue()
