"""The kerawanan register of the benchmark dataset (benchmarks/data/risks.py) and its pages in
bench_run."""

import hashlib
from datetime import date

from django.db import connection

from benchmarks.data.national import bench_data_generate
from benchmarks.data.risks import make_risks, risks_ensure, risks_target
from benchmarks.runner.risks import risk_page_requests
from kerawanan.models import Mitigation, Risk, RiskChange

SCALE = 0.0004


def _fingerprint() -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT md5(string_agg(concat_ws('|', id, title, region_id, tps_numbers::text, "
            "owner_id, level, visibility, status), ',' ORDER BY id)) FROM kerawanan_risk"
        )
        return cursor.fetchone()[0] or hashlib.md5(b"").hexdigest()  # noqa: S324


def test_register_at_tiny_scale_is_deterministic_and_reused(require_postgres):
    bench_data_generate(scale=SCALE, seed=7, anchor=date(2024, 9, 28), province_code="17")
    assert risks_target(SCALE) == 40
    assert risks_target(1.0) == 100_000
    counts = make_risks(target=400, seed=7)
    first = _fingerprint()
    assert counts["risks"] == Risk.objects.count() == RiskChange.objects.count() == 400
    assert counts["mitigations"] == Mitigation.objects.count() > 0
    at_tps = Risk.objects.exclude(tps_numbers=[])
    assert 40 <= at_tps.count() <= 120  # about 20%
    assert {len(code) for code in at_tps.values_list("region_id", flat=True)} == {13}
    make_risks(target=400, seed=7)
    assert _fingerprint() == first
    lines = []
    risks_ensure(scale=SCALE, seed=7, log=lines.append)  # another size: made again
    assert Risk.objects.count() == 40
    risks_ensure(scale=SCALE, seed=7, log=lines.append)  # the same size: left alone
    assert lines[-1] == "kerawanan register: 40 risks already there"


def test_bench_run_measures_the_register_pages():
    keys = {key for key, _label, _name, _build in risk_page_requests(picks=None)}
    assert {
        "risk_list_province",
        "risk_list_liaison",
        "risk_list_national",
        "risk_heat_province",
        "risk_heat_dimension",
        "risk_heat_regency_liaison",
        "risk_page",
    } <= keys
