"""Coverage reports for KPU staff: a province overview and one page per kabupaten/kota."""

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from coordination.enums import RegionLevel
from coordination.models import Region
from outreach import permissions
from outreach.forms.calendar import CalendarFilterForm
from outreach.selectors.coverage import province_coverage, regency_coverage
from pilkada.common.decorators import predicate_required
from pilkada.common.params import query_text
from pilkada.common.xlsx import table_response


def _dates(request):
    filters = CalendarFilterForm(request.GET).filters()
    return filters.dari, filters.sampai


def _table(fmt: str, filename: str, header: list[str], rows) -> HttpResponse:
    return table_response(fmt, filename, [header, *rows], sheet_title=_("Cakupan"))


def _overview_scope(request):
    """The province shown and which of its regencies the person may see."""
    roots = permissions.managed_root_codes(request.user)
    code = query_text(request.GET.get("prov")) or (roots[0][:2] if roots else "")
    province = Region.objects.filter(code=code, level=RegionLevel.PROVINCE).first()
    if province is None:
        province = Region.objects.filter(level=RegionLevel.PROVINCE).order_by("code").first()
    if province is None:
        raise Http404
    if permissions.can_view_coverage(request.user, province):
        return province, None
    regencies = tuple(c for c in roots if c.startswith(province.code + ".") and len(c) == 5)
    if not regencies:
        raise PermissionDenied
    return province, regencies


@predicate_required(permissions.can_manage_outreach)
@require_safe
def overview(request, fmt: str = "html"):
    province, regencies = _overview_scope(request)
    dari, sampai = _dates(request)
    data = province_coverage(province=province, regency_codes=regencies, dari=dari, sampai=sampai)
    if fmt != "html":
        return _table(
            fmt,
            f"cakupan-sosialisasi-{province.code}",
            ["kode", "kabupaten_kota", "kecamatan", "kecamatan_terjangkau", "desa_kelurahan",
             "desa_terjangkau", "desa_terpencil", "desa_terpencil_belum", "kegiatan_tatap_muka",
             "kegiatan_media", "peserta", "permintaan_masyarakat", "permintaan_menunggu"],
            (
                [r["region"].code, r["region"].name, r["districts"], r["districts_covered"],
                 r["villages"], r["villages_covered"], r["remote"], r["remote_uncovered"],
                 r["face"], r["media"], r["participants"], r["requests"],
                 r["requests_pending"]]
                for r in data["rows"]
            ),
        )  # fmt: skip
    return render(
        request,
        "outreach/coverage/overview.html",
        {"province": province, "dari": dari, "sampai": sampai, **data},
    )


@predicate_required(permissions.can_manage_outreach)
@require_safe
def regency(request, code: str, fmt: str = "html"):
    region = get_object_or_404(Region, code=code, level=RegionLevel.REGENCY)
    if not permissions.can_view_coverage(request.user, region):
        raise Http404
    dari, sampai = _dates(request)
    data = regency_coverage(regency=region, dari=dari, sampai=sampai)
    if fmt != "html":
        rows = []
        for district in data["districts"]:
            rows.append(
                [
                    district.region.code,
                    _("kecamatan"),
                    district.region.name,
                    "",
                    int(district.region.is_remote),
                    district.events,
                    district.participants,
                    district.requests,
                ]
            )
            for village in district.villages:
                rows.append(
                    [village.code, _("desa/kelurahan"), village.name, district.region.name,
                     int(village.is_remote), village.events, village.participants, ""]
                )  # fmt: skip
        return _table(
            fmt,
            f"cakupan-sosialisasi-{region.code}",
            [
                "kode",
                "tingkat",
                "nama",
                "kecamatan",
                "terpencil",
                "kegiatan_tatap_muka",
                "peserta",
                "permintaan_masyarakat",
            ],  # fmt: skip
            rows,
        )
    return render(
        request,
        "outreach/coverage/regency.html",
        {"region": region, "dari": dari, "sampai": sampai, **data},
    )
