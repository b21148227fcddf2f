"""Loading the official region hierarchy (idn-area-data 4.0.1, ODbL) into the database."""

import csv
import gzip
import io
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction

from coordination.enums import RegionLevel, RegionTimeZone
from coordination.models import Region
from coordination.readiness_version import readiness_changed

REGION_DATA_DIR = Path(settings.BASE_DIR) / "data" / "regions"
BATCH_SIZE = 5000

# Province code -> zone. Sumatra, Java and West/Central Kalimantan are WIB; Bali, Nusa Tenggara,
# the rest of Kalimantan and Sulawesi are WITA; Maluku and Papua are WIT.
_WITA = {"51", "52", "53", "63", "64", "65", "71", "72", "73", "74", "75", "76"}
_WIT = {"81", "82", "91", "92", "93", "94", "95", "96", "97"}


def province_timezone(province_code: str) -> str:
    if province_code in _WIT:
        return RegionTimeZone.WIT
    if province_code in _WITA:
        return RegionTimeZone.WITA
    return RegionTimeZone.WIB


@dataclass
class RegionLoadResult:
    provinces: int = 0
    regencies: int = 0
    districts: int = 0
    villages: int = 0

    @property
    def total(self) -> int:
        return self.provinces + self.regencies + self.districts + self.villages


def _rows(filename: str, data_dir: Path):
    with gzip.open(data_dir / f"{filename}.csv.gz", "rb") as raw:
        yield from csv.DictReader(io.TextIOWrapper(raw, encoding="utf-8"))


def regions_load(
    *, province_code: str | None = "17", data_dir: Path | None = None
) -> RegionLoadResult:
    """Insert or update the hierarchy of one province (or, with None, the whole country).

    Idempotent: existing rows are updated in place (names may change between data releases),
    and `is_remote`, which KPU staff set, is left alone. Parents are written before children.
    """
    data_dir = data_dir or REGION_DATA_DIR
    result = RegionLoadResult()

    def wanted(code: str) -> bool:
        return (
            province_code is None or code == province_code or code.startswith(province_code + ".")
        )

    levels = [
        ("provinces", RegionLevel.PROVINCE, None),
        ("regencies", RegionLevel.REGENCY, "province_code"),
        ("districts", RegionLevel.DISTRICT, "regency_code"),
        ("villages", RegionLevel.VILLAGE, "district_code"),
    ]
    with transaction.atomic():
        for filename, level, parent_column in levels:
            batch: list[Region] = []
            count = 0
            for row in _rows(filename, data_dir):
                code = row["code"].strip()
                if not wanted(code):
                    continue
                batch.append(
                    Region(
                        code=code,
                        name=row["name"].strip(),
                        level=level,
                        parent_id=row[parent_column].strip() if parent_column else None,
                        timezone=province_timezone(code[:2]),
                    )
                )
                if len(batch) >= BATCH_SIZE:
                    count += _upsert(batch)
                    batch = []
            count += _upsert(batch)
            setattr(result, filename, count)
        # Province names and rows appear in the cached national readiness summary.
        readiness_changed()
    if province_code is not None and result.provinces == 0:
        raise ValueError(f"No province with code {province_code!r} in the region data")
    return result


def _upsert(batch: list[Region]) -> int:
    if not batch:
        return 0
    Region.objects.bulk_create(
        batch,
        batch_size=BATCH_SIZE,
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=["name", "level", "parent", "timezone"],
    )
    return len(batch)
