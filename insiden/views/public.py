"""The "Lapor" pages: the public form, the page with the tracking code, and the status page.

The guards against abuse are here, where the client is known: the honeypot and the time stamp
(`PublicFormGuard`), rate limits per address and per network in the shared cache, and the
duplicate-text check. A bot that trips the honeypot sees the same "sent" page as a person, with a
code that opens nothing. The status page is rate-limited per address and network, so guessing
codes (about 56 bits each) is hopeless; the code travels in a POST, never in an address.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from insiden.enums import Status
from insiden.forms.public import PublicReportForm, TrackingForm, step_form
from insiden.services import public_reports as services
from pilkada.common.abuse import client_address, limits_exceeded, network_of, seen_recently
from pilkada.common.validation import apply_validation_error

PLACE_STEP = "_pilih_wilayah"
SESSION_CODE = "lapor_kode"

# What the reporter reads for each status: never the desk's internal words or notes.
PUBLIC_STATUS = {
    Status.AWAITING: gettext_lazy("Menunggu verifikasi"),
    Status.REPORTED: gettext_lazy("Diverifikasi, diteruskan ke lembaga yang menangani"),
    Status.REFERRED: gettext_lazy("Diverifikasi, diteruskan ke lembaga yang menangani"),
    Status.ACKNOWLEDGED: gettext_lazy("Sedang ditangani"),
    Status.HANDLING: gettext_lazy("Sedang ditangani"),
    Status.RESOLVED: gettext_lazy("Selesai ditangani"),
    Status.UNVERIFIED: gettext_lazy("Diarsipkan"),
    Status.DUPLICATE: gettext_lazy("Digabung dengan laporan lain"),
}


def _private(response):
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _too_many(request, scope: str, ip_rates, network_rates) -> bool:
    """Count this submission against every limit (all of them, so none can be dodged by
    tripping another first)."""
    address = client_address(request)
    hits = [
        limits_exceeded(f"{scope}:ip", address, ip_rates),
        limits_exceeded(f"{scope}:net", network_of(address), network_rates),
    ]
    return any(hits)


def _form_page(request, form, status=200):
    context = {
        "form": form,
        "place_step": PLACE_STEP,
        "retention_days": settings.PILKADA_PUBLIC_REPORT_RETENTION_DAYS,
    }
    return render(request, "insiden/public/form.html", context, status=status)


def _sent(request, code: str):
    request.session[SESSION_CODE] = code
    return redirect("insiden:public_sent")


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def report_form(request):
    if request.method != "POST":
        return _form_page(request, PublicReportForm())
    if PLACE_STEP in request.POST:
        return _form_page(request, step_form(request.POST))
    form = PublicReportForm(request.POST, request.FILES)
    valid = form.is_valid()
    if form.guard_result() == "bot":
        return _sent(request, services.tracking_code_new())
    if not valid:
        return _form_page(request, form)
    if _too_many(
        request,
        "lapor",
        settings.PILKADA_PUBLIC_REPORT_LIMITS_IP,
        settings.PILKADA_PUBLIC_REPORT_LIMITS_NETWORK,
    ):
        form.add_error(
            None,
            _(
                "Terlalu banyak laporan dari alamat ini dalam waktu singkat. "
                "Silakan coba lagi nanti."
            ),
        )
        return _form_page(request, form, status=429)
    if seen_recently(
        "lapor", form.cleaned_data["description"], settings.PILKADA_PUBLIC_REPORT_DUPLICATE_SECONDS
    ):
        form.add_error(
            "description",
            _("Laporan dengan uraian yang sama sudah kami terima. Tidak perlu mengirim lagi."),
        )
        return _form_page(request, form)
    try:
        _incident, code = services.public_report_create(**form.service_kwargs())
    except ValidationError as exc:
        apply_validation_error(form, exc)
        return _form_page(request, form)
    return _sent(request, code)


@never_cache
@require_http_methods(["GET", "HEAD"])
def report_sent(request):
    """Shows the tracking code once (from the session; a reload shows it no more)."""
    # A HEAD (a prefetch, a link checker) must not use up the one showing.
    code = (
        request.session.get(SESSION_CODE, "")
        if request.method == "HEAD"
        else request.session.pop(SESSION_CODE, "")
    )
    if not code:
        return redirect("insiden:public_status")
    return _private(render(request, "insiden/public/sent.html", {"code": code}))


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def report_status(request):
    if request.method != "POST":
        return _private(render(request, "insiden/public/status.html", {"form": TrackingForm()}))
    form = TrackingForm(request.POST)
    if _too_many(
        request,
        "lapor-status",
        settings.PILKADA_PUBLIC_STATUS_LIMITS_IP,
        settings.PILKADA_PUBLIC_STATUS_LIMITS_NETWORK,
    ):
        form.is_valid()
        form.add_error(None, _("Terlalu banyak percobaan. Silakan coba lagi nanti."))
        return _private(render(request, "insiden/public/status.html", {"form": form}, status=429))
    found = None
    if form.is_valid():
        found = services.public_report_find(code=form.cleaned_data["code"])
        if found is None:
            form.add_error("code", _("Tidak ada laporan dengan kode ini. Periksa penulisannya."))
    context = {"form": form}
    if found is not None:
        context["report"] = {
            "status": PUBLIC_STATUS[Status(found.status)],
            "awaiting": found.status == Status.AWAITING,
            "outcome": found.public_outcome,
            "received": found.created_at,
        }
    return _private(render(request, "insiden/public/status.html", context))
