import pytest
from django.core.management import call_command
from django.db import connection

from coordination.enums import RegionLevel, RegionTimeZone
from coordination.models import Region
from coordination.selectors.regions import region_path, region_subtree
from coordination.services.regions import regions_load


def test_load_bengkulu_counts_and_is_idempotent(db):
    first = regions_load(province_code="17")
    assert (first.provinces, first.regencies, first.districts, first.villages) == (1, 10, 129, 1513)
    Region.objects.filter(code="17.02.06.1004").update(is_remote=True, name="Diubah")
    regions_load(province_code="17")
    assert Region.objects.count() == 1653
    village = Region.objects.get(code="17.02.06.1004")
    assert village.is_remote is True  # set by staff, kept
    assert village.name != "Diubah"  # official name restored
    assert village.parent_id == "17.02.06"
    assert village.timezone == RegionTimeZone.WIB


def test_load_unknown_province_is_an_error(db):
    with pytest.raises(ValueError):
        regions_load(province_code="99")


def test_subtree_of_a_regency_is_one_query(db, django_assert_num_queries):
    regions_load(province_code="17")
    with django_assert_num_queries(1):
        villages = list(region_subtree(code="17.02", level=RegionLevel.VILLAGE))
    # Rejang Lebong has 156 desa/kelurahan in idn-area-data 4.0.1.
    assert len(villages) == 156
    assert {v.code for v in villages} == set(
        Region.objects.filter(level=RegionLevel.VILLAGE, parent__parent_id="17.02").values_list(
            "code", flat=True
        )
    )


def test_region_path(db):
    regions_load(province_code="17")
    path = region_path(Region.objects.get(code="17.71.01.1001"))
    assert [r.level for r in path] == [1, 2, 3, 4]
    assert path[1].name == "Kota Bengkulu"


def test_load_regions_command(db, capsys):
    call_command("load_regions", "--province", "17")
    assert "10 regencies" in capsys.readouterr().out


def test_subtree_query_uses_an_index_on_postgresql(require_postgres):
    regions_load(province_code="17")
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        sql, params = region_subtree(code="17.02").query.sql_with_params()
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("SET enable_seqscan = on")
    assert "Index" in plan


@pytest.mark.slow_data
def test_national_load(require_postgres):
    result = regions_load(province_code=None)
    assert (result.provinces, result.regencies, result.districts, result.villages) == (
        38,
        514,
        7285,
        83762,
    )
    assert Region.objects.get(code="73").timezone == RegionTimeZone.WITA
    assert Region.objects.get(code="94.01").timezone == RegionTimeZone.WIT
