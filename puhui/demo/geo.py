"""A synthetic map of the county: an outline and town cells that tile it, in plain numpy.

Town cells are the Voronoi cells of the town seats inside a convex outline (exact half-plane
clipping, so cells share their edges). Then the whole plane is bent by a small smooth
displacement so that borders look drawn by ridges and rivers rather than with a ruler. The
displacement's Lipschitz constant is below 1, so the bend is one-to-one: the bent cells still
tile the bent outline with no gap and no overlap, and every seat stays inside its own cell.

Everything here is fixed geometry (no seed): the county keeps its shape whatever the seed.
"""

import math
from dataclasses import dataclass

import numpy as np

KM_PER_DEG_LAT = 111.32
# Step between points on a border, in km; ~120-200 points per town keeps the GeoJSON small.
DENSIFY_KM = 0.45
_TOL = 1e-7

Point = tuple[float, float]


@dataclass(frozen=True)
class Projection:
    """Local equirectangular projection around the county centre, in km."""

    lon0: float
    lat0: float

    @property
    def km_per_deg_lon(self) -> float:
        return KM_PER_DEG_LAT * math.cos(math.radians(self.lat0))

    def to_km(self, lon, lat):
        return (np.asarray(lon) - self.lon0) * self.km_per_deg_lon, (
            np.asarray(lat) - self.lat0
        ) * KM_PER_DEG_LAT

    def to_lonlat(self, x, y):
        return self.lon0 + np.asarray(x) / self.km_per_deg_lon, self.lat0 + np.asarray(y) / KM_PER_DEG_LAT


def displacement(x, y):
    """A smooth bend of the plane (km → km). Sum of |amplitude·wavenumber| per axis stays near 0.6,
    so the Jacobian of the displacement has norm < 1 and p + d(p) is one-to-one."""
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    tau = 2 * math.pi
    dx = (
        0.80 * np.sin(tau * y / 18.0 + 0.7)
        + 0.18 * np.sin(tau * (x + y) / 7.0 + 1.9)
        + 0.05 * np.sin(tau * x / 3.2 + 0.3)
    )
    dy = (
        0.70 * np.sin(tau * x / 16.0 + 2.3)
        + 0.18 * np.sin(tau * (x - y) / 6.0 + 0.4)
        + 0.05 * np.sin(tau * y / 2.9 + 1.2)
    )
    return dx, dy


def bend(x, y):
    dx, dy = displacement(x, y)
    return np.asarray(x) + dx, np.asarray(y) + dy


def unbend(x, y, iterations: int = 60):
    """The point q with bend(q) = p, by fixed-point iteration (a contraction, see `displacement`)."""
    qx, qy = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    for _ in range(iterations):
        dx, dy = displacement(qx, qy)
        qx, qy = np.asarray(x) - dx, np.asarray(y) - dy
    return qx, qy


def polygon_area(ring: np.ndarray) -> float:
    """Signed area by the shoelace formula (positive when counter-clockwise); ring not closed."""
    x, y = ring[:, 0], ring[:, 1]
    return 0.5 * float(np.dot(x, np.roll(y, -1)) - np.dot(np.roll(x, -1), y))


def convex_hull(points: list[Point]) -> list[Point]:
    """Andrew's monotone chain; counter-clockwise, without repeating the first point."""
    pts = sorted(set(points))
    if len(pts) <= 2:
        return pts

    def cross(o, a, b):
        return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])

    lower: list[Point] = []
    for p in pts:
        while len(lower) >= 2 and cross(lower[-2], lower[-1], p) <= 0:
            lower.pop()
        lower.append(p)
    upper: list[Point] = []
    for p in reversed(pts):
        while len(upper) >= 2 and cross(upper[-2], upper[-1], p) <= 0:
            upper.pop()
        upper.append(p)
    return lower[:-1] + upper[:-1]


def clip_half_plane(poly: list[Point], normal: Point, offset: float) -> list[Point]:
    """Sutherland–Hodgman against one half-plane {p : normal·p <= offset}. Exact for convex input."""
    out: list[Point] = []
    n = len(poly)
    for i in range(n):
        cur, nxt = poly[i], poly[(i + 1) % n]
        dc = normal[0] * cur[0] + normal[1] * cur[1] - offset
        dn = normal[0] * nxt[0] + normal[1] * nxt[1] - offset
        if dc <= 0:
            out.append(cur)
        if (dc < 0 < dn) or (dn < 0 < dc):
            t = dc / (dc - dn)
            out.append((cur[0] + t * (nxt[0] - cur[0]), cur[1] + t * (nxt[1] - cur[1])))
    return out


def voronoi_cells(sites: list[Point], outline: list[Point]) -> list[list[Point]]:
    """Each site's Voronoi cell clipped to a convex outline: the outline cut by every bisector."""
    cells = []
    for i, (xi, yi) in enumerate(sites):
        cell = list(outline)
        for j, (xj, yj) in enumerate(sites):
            if i == j:
                continue
            # Closer to i than to j:  (pj - pi)·p <= (|pj|² - |pi|²) / 2
            cell = clip_half_plane(cell, (xj - xi, yj - yi), (xj * xj + yj * yj - xi * xi - yi * yi) / 2)
        cells.append(cell)
    return cells


def _share_vertices(rings: list[list[Point]]) -> list[list[Point]]:
    """Make equal-within-rounding vertices identical objects, so shared edges densify identically."""
    canon: list[Point] = []
    out = []
    for ring in rings:
        new: list[Point] = []
        for p in ring:
            for c in canon:
                if abs(c[0] - p[0]) < _TOL and abs(c[1] - p[1]) < _TOL:
                    p = c
                    break
            else:
                canon.append(p)
            if not new or new[-1] != p:
                new.append(p)
        if len(new) > 1 and new[0] == new[-1]:
            new.pop()
        out.append(new)
    return out


def _densify(ring: list[Point], step: float) -> list[Point]:
    """Insert points every `step` km; each edge is cut from its lexicographically smaller end so
    that the two cells sharing an edge get the very same points."""
    out: list[Point] = []
    n = len(ring)
    for i in range(n):
        a, b = ring[i], ring[(i + 1) % n]
        out.append(a)
        lo, hi = (a, b) if a <= b else (b, a)
        k = max(1, math.ceil(math.dist(a, b) / step))
        mids = [(lo[0] + (hi[0] - lo[0]) * s / k, lo[1] + (hi[1] - lo[1]) * s / k) for s in range(1, k)]
        out.extend(mids if a <= b else mids[::-1])
    return out


def _insert_on_edges(outline: list[Point], points: list[Point]) -> list[Point]:
    """The outline with every given point that lies on one of its edges inserted in order."""
    out: list[Point] = []
    n = len(outline)
    for i in range(n):
        a, b = outline[i], outline[(i + 1) % n]
        out.append(a)
        length2 = (b[0] - a[0]) ** 2 + (b[1] - a[1]) ** 2
        on = []
        for p in points:
            t = ((p[0] - a[0]) * (b[0] - a[0]) + (p[1] - a[1]) * (b[1] - a[1])) / length2
            if not 0 < t < 1:
                continue
            cross = (b[0] - a[0]) * (p[1] - a[1]) - (b[1] - a[1]) * (p[0] - a[0])
            if abs(cross) / math.sqrt(length2) < 1e-6:
                on.append((t, p))
        out.extend(p for _, p in sorted(set(on)))
    return out


def points_in_polygon(px, py, ring: np.ndarray) -> np.ndarray:
    """Even-odd rule for many points against one ring (N×2, not closed); vectorised over points."""
    px = np.asarray(px, dtype=float)
    py = np.asarray(py, dtype=float)
    inside = np.zeros(px.shape, dtype=bool)
    x1, y1 = ring[:, 0], ring[:, 1]
    x2, y2 = np.roll(x1, -1), np.roll(y1, -1)
    for i in range(len(ring)):
        crosses = (y1[i] > py) != (y2[i] > py)
        if not crosses.any():
            continue
        dy = y2[i] - y1[i]
        xint = x1[i] + (py - y1[i]) * (x2[i] - x1[i]) / (dy if dy != 0 else 1e-300)
        inside ^= crosses & (px < xint)
    return inside


@dataclass
class CountyMap:
    projection: Projection
    outline_km: np.ndarray  # N×2, counter-clockwise, not closed
    cells_km: list[np.ndarray]
    seats_km: np.ndarray  # T×2

    def ring_lonlat(self, ring: np.ndarray) -> list[list[float]]:
        lon, lat = self.projection.to_lonlat(ring[:, 0], ring[:, 1])
        coords = [[round(float(a), 6), round(float(b), 6)] for a, b in zip(lon, lat, strict=True)]
        coords.append(coords[0])
        return coords

    def outline_geojson(self) -> dict:
        return {"type": "Polygon", "coordinates": [self.ring_lonlat(self.outline_km)]}

    def cell_geojson(self, index: int) -> dict:
        return {"type": "Polygon", "coordinates": [self.ring_lonlat(self.cells_km[index])]}

    def area_km2(self) -> float:
        return polygon_area(self.outline_km)


def _outline(half_width: float, half_height: float, scale: float) -> list[Point]:
    """A county-like convex outline: an ellipse with a few low harmonics, then its convex hull."""
    theta = np.linspace(0, 2 * math.pi, 120, endpoint=False)
    r = (
        1
        + 0.07 * np.cos(2 * (theta - 0.5))
        + 0.05 * np.cos(3 * theta + 1.1)
        + 0.035 * np.cos(4 * theta + 2.2)
        + 0.02 * np.cos(5 * theta + 0.3)
    )
    xs = scale * half_width * r * np.cos(theta)
    ys = scale * half_height * r * np.sin(theta)
    return convex_hull([(float(x), float(y)) for x, y in zip(xs, ys, strict=True)])


def build_county_map(
    *,
    centre: tuple[float, float],
    seats: list[tuple[float, float]],
    area_km2: float,
    extent_km: tuple[float, float] = (55.6, 52.2),
) -> CountyMap:
    """Outline of the given area and extent shape, cells around the seats (lon, lat)."""
    proj = Projection(*centre)
    sx, sy = proj.to_km([s[0] for s in seats], [s[1] for s in seats])
    # Voronoi sites are the seats' pre-images, so after bending each seat sits exactly where asked.
    qx, qy = unbend(sx, sy)
    sites = [(float(a), float(b)) for a, b in zip(qx, qy, strict=True)]

    scale = 1.0
    for _ in range(6):
        hull = _outline(extent_km[0] / 2, extent_km[1] / 2, scale)
        cells = _share_vertices(voronoi_cells(sites, hull))
        outline = _insert_on_edges(hull, [p for c in cells for p in c])
        rings = _share_vertices([outline, *cells])
        bent = [np.column_stack(bend(*np.array(_densify(r, DENSIFY_KM)).T)) for r in rings]
        area = polygon_area(bent[0])
        if abs(area - area_km2) < 1e-3:
            break
        scale *= math.sqrt(area_km2 / area)
    return CountyMap(
        projection=proj, outline_km=bent[0], cells_km=bent[1:], seats_km=np.column_stack([sx, sy])
    )


def random_points_in(ring: np.ndarray, n: int, rng: np.random.Generator) -> np.ndarray:
    """n points uniformly inside a ring, by rejection from its bounding box."""
    lo, hi = ring.min(axis=0), ring.max(axis=0)
    found = np.empty((0, 2))
    while len(found) < n:
        cand = rng.uniform(lo, hi, size=(max(16, 2 * (n - len(found))), 2))
        found = np.vstack([found, cand[points_in_polygon(cand[:, 0], cand[:, 1], ring)]])
    return found[:n]


def random_points_near(ring: np.ndarray, centre: np.ndarray, sd_km: float, n: int, rng: np.random.Generator):
    """n points scattered around a centre (normal, sd in km), kept inside the ring."""
    found = np.empty((0, 2))
    while len(found) < n:
        cand = centre + rng.normal(0, sd_km, size=(max(16, 2 * (n - len(found))), 2))
        found = np.vstack([found, cand[points_in_polygon(cand[:, 0], cand[:, 1], ring)]])
    return found[:n]
