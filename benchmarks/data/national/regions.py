"""The loaded region hierarchy as the generator picks places from it, and small helpers."""

import random
from collections import defaultdict

from coordination.enums import RegionLevel
from coordination.models import Region


class Regions:
    """The loaded hierarchy, grouped the way the generator picks places."""

    def __init__(self, province_code: str | None):
        rows = Region.objects.order_by("code").values_list("code", "name", "level", "timezone")
        if province_code:
            rows = rows.filter(code__startswith=province_code)
        self.name: dict[str, str] = {}
        self.tz: dict[str, str] = {}
        self.provinces: list[str] = []
        self.regencies: list[str] = []
        self.districts_of: dict[str, list[str]] = defaultdict(list)
        self.villages_of: dict[str, list[str]] = defaultdict(list)
        for code, name, level, tz in rows.iterator(chunk_size=20_000):
            self.name[code] = name
            self.tz[code] = tz
            if level == RegionLevel.PROVINCE:
                self.provinces.append(code)
            elif level == RegionLevel.REGENCY:
                self.regencies.append(code)
            elif level == RegionLevel.DISTRICT:
                self.districts_of[code[:5]].append(code)
            else:
                self.villages_of[code[:8]].append(code)


def without_regency_prefix(name: str) -> str:
    for prefix in ("Kabupaten ", "Kota ", "Kab. "):
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


def weighted_choice(rng: random.Random, choices: list[tuple[str, int]]) -> str:
    values, weights = zip(*choices, strict=True)
    return rng.choices(values, weights)[0]
