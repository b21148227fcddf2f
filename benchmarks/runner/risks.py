"""The kerawanan register's pages in `bench_run`: the register list (KPU staff of a province, a
liaison, the national administrator), the heat tables and the risk page, each at the busiest
place of the dataset (benchmarks/data/risks.py)."""

from collections.abc import Callable
from functools import cache

from django.db.models import Count
from django.db.models.functions import Substr

from benchmarks.runner.pages import NotAvailable, Picks, Request, url
from coordination.enums import AgencyKind, Role
from coordination.models import Membership, Person


@cache
def _busiest(length: int) -> str:
    from kerawanan.models import Risk

    row = (
        Risk.objects.annotate(place=Substr("region_id", 1, length))
        .values("place")
        .annotate(n=Count("pk"))
        .order_by("-n", "place")
        .first()
    )
    if row is None:
        raise NotAvailable("no risks in the database (bench_data makes them)")
    return row["place"]


def _liaison_of_regency_bawaslu(regency: str) -> Person:
    membership = (
        Membership.objects.filter(
            agency__region_id=regency, agency__kind=AgencyKind.BAWASLU, role=Role.LIAISON
        )
        .select_related("person")
        .order_by("pk")
        .first()
    )
    if membership is None:
        raise NotAvailable(f"no Bawaslu liaison in {regency}")
    return membership.person


def _busiest_risk_page() -> str:
    """The risk with the most mitigations (then the lowest id) of the busiest province."""
    from kerawanan.models import Risk

    risk = (
        Risk.objects.filter(region__pk__startswith=_busiest(2) + ".")
        .annotate(n=Count("mitigations"))
        .order_by("-n", "pk")
        .first()
    )
    return url("kerawanan:risk_detail", risk.pk)


def risk_page_requests(picks: Picks) -> list[tuple[str, str, str, Callable[[], Request]]]:
    def province() -> str:
        return _busiest(2)

    def regency() -> str:
        return _busiest(5)

    return [
        (
            "risk_list_province",
            "Risk register, province (KPU staff)",
            "kerawanan:risk_list",
            lambda: Request(url("kerawanan:risk_list"), user=picks.staff_of(province())),
        ),
        (
            "risk_list_filtered",
            "Risk register, high and very high open risks (KPU staff)",
            "kerawanan:risk_list",
            lambda: Request(
                url("kerawanan:risk_list", query="tingkat=3&tingkat=4&terbuka=1"),
                user=picks.staff_of(province()),
            ),
        ),
        (
            "risk_list_liaison",
            "Risk register of a regency's Bawaslu liaison (visibility rules)",
            "kerawanan:risk_list",
            lambda: Request(
                url("kerawanan:risk_list"), user=_liaison_of_regency_bawaslu(regency())
            ),
        ),
        (
            "risk_list_national",
            "Risk register, whole country (administrator)",
            "kerawanan:risk_list",
            lambda: Request(url("kerawanan:risk_list"), user=picks.national_admin),
        ),
        (
            "risk_heat_national",
            "Risk heat table, provinces x categories (administrator)",
            "kerawanan:heat",
            lambda: Request(url("kerawanan:heat"), user=picks.national_admin),
        ),
        (
            "risk_heat_province",
            "Risk heat table, kabupaten/kota x categories (KPU staff)",
            "kerawanan:heat_region",
            lambda: Request(
                url("kerawanan:heat_region", province()), user=picks.staff_of(province())
            ),
        ),
        (
            "risk_heat_dimension",
            "Risk heat table, kabupaten/kota x IKP dimensions (KPU staff)",
            "kerawanan:heat_region",
            lambda: Request(
                url("kerawanan:heat_region", province(), query="sumbu=dimensi"),
                user=picks.staff_of(province()),
            ),
        ),
        (
            "risk_heat_regency_liaison",
            "Risk heat table, kecamatan x categories (Bawaslu liaison)",
            "kerawanan:heat_region",
            lambda: Request(
                url("kerawanan:heat_region", regency()), user=_liaison_of_regency_bawaslu(regency())
            ),
        ),
        (
            "risk_page",
            "Risk page with mitigations, history and meetings (KPU staff)",
            "kerawanan:risk_detail",
            lambda: Request(_busiest_risk_page(), user=picks.staff_of(province())),
        ),
        (
            "risk_public_summary",
            "Public risk summary of a province (no login)",
            "kerawanan:public_summary_region",
            lambda: Request(url("kerawanan:public_summary_region", province())),
        ),
    ]
