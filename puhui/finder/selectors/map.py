"""A small map for a phone, drawn as inline SVG on the server: the villages around the one asked about, each a
dot sized by the places found there. No map tiles and no script (the page must load fast on a slow
connection); the list beside it carries the detail."""

import math

WIDTH, HEIGHT, MARGIN = 320, 220, 18


def village_map(found: dict | None) -> dict | None:
    if not found:
        return None
    around = [v for v, _ in found["villages"] if v.lon is not None and v.lat is not None]
    if len(around) < 2:
        return None
    counts: dict[int, int] = {}
    for place in found["places"]:
        if place["village_id"]:
            counts[place["village_id"]] = counts.get(place["village_id"], 0) + 1
    scale_x = math.cos(math.radians(found["village"].lat or 36.0))  # a degree of longitude is shorter
    xs = [v.lon * scale_x for v in around]
    ys = [v.lat for v in around]
    span = max(max(xs) - min(xs), max(ys) - min(ys)) or 1e-6
    unit = min(WIDTH, HEIGHT) - 2 * MARGIN
    dots = []
    for v, x, y in zip(around, xs, ys, strict=True):
        n = counts.get(v.id, 0)
        dots.append({
            "x": round(MARGIN + (x - min(xs)) / span * unit, 1),
            "y": round(HEIGHT - MARGIN - (y - min(ys)) / span * unit, 1),
            "r": 3 + min(n, 6), "name": v.name, "count": n, "chosen": v.id == found["village"].id,
        })  # fmt: skip
    return {"width": WIDTH, "height": HEIGHT, "dots": dots}
