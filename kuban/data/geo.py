"""Municipal boundaries from GeoJSON files in `<data>/municipalities/*.geojson` (optional).

A feature is matched to a municipality by an OKTMO property (`oktmo`, `OKTMO`,
`ОКТМО`) or else by its name (`name`, `Наименование`, `NAME`) in any common
spelling. Only plain coordinates are read: no projection, no network.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from kuban.data.parse import MunicipalityMatcher

OKTMO_KEYS = ("oktmo", "OKTMO", "ОКТМО", "oktmo_code")
NAME_KEYS = ("name", "Наименование", "NAME", "name_ru", "Name")


@dataclass(frozen=True)
class Boundaries:
    rings: dict[str, list[list[tuple[float, float]]]]   # oktmo -> outer rings as (lon, lat)
    unmatched: tuple[str, ...]                          # feature labels that matched no municipality


def _outer_rings(geometry: dict) -> list[list[tuple[float, float]]]:
    kind = geometry.get("type")
    coords = geometry.get("coordinates") or []
    if kind == "Polygon":
        polygons = [coords]
    elif kind == "MultiPolygon":
        polygons = coords
    else:
        return []
    return [[(float(p[0]), float(p[1])) for p in poly[0]] for poly in polygons if poly]


def load_boundaries(files: list[Path], matcher: MunicipalityMatcher) -> Boundaries | None:
    """Rings per OKTMO from all boundary files; None when there are none or none can be read."""
    rings: dict[str, list] = {}
    unmatched: list[str] = []
    for path in files:
        try:
            data = json.loads(path.read_text(encoding="utf-8-sig"))
        except (OSError, ValueError):
            unmatched.append(path.name)
            continue
        features = data.get("features", []) if isinstance(data, dict) else []
        for feature in features:
            props = feature.get("properties") or {}
            label = next((str(props[k]) for k in OKTMO_KEYS if props.get(k)), None) or \
                next((str(props[k]) for k in NAME_KEYS if props.get(k)), None)
            oktmo = matcher.match_one(label) if label else None
            shape = _outer_rings(feature.get("geometry") or {})
            if oktmo is None or not shape:
                unmatched.append(label or "?")
                continue
            rings.setdefault(oktmo, []).extend(shape)
    return Boundaries(rings, tuple(unmatched)) if rings else None
