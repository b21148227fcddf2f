"""Each province carries its time zone."""

import pytest

from coordination.enums import RegionTimeZone
from coordination.services.regions import province_timezone


@pytest.mark.parametrize(
    ("code", "zone"),
    [
        ("17", RegionTimeZone.WIB),
        ("31", RegionTimeZone.WIB),
        ("61", RegionTimeZone.WIB),
        ("51", RegionTimeZone.WITA),
        ("73", RegionTimeZone.WITA),
        ("64", RegionTimeZone.WITA),
        ("81", RegionTimeZone.WIT),
        ("94", RegionTimeZone.WIT),
        ("97", RegionTimeZone.WIT),
    ],
)
def test_province_timezone(code, zone):
    assert province_timezone(code) == zone
