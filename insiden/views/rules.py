"""Routing rules and acknowledgement deadlines, per province, for its KPU staff."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from coordination import permissions as core
from coordination.enums import AgencyKind, RegionLevel
from coordination.models import Region
from insiden import permissions
from insiden.enums import Category, Severity
from insiden.models import AckDeadline, RoutingRule
from insiden.services.routing import ack_deadline_set, ack_minutes, route_kind, routing_rule_set
from pilkada.common.decorators import predicate_required


def _provinces(user):
    provinces = Region.objects.filter(level=RegionLevel.PROVINCE).order_by("code")
    access = core.access_for(user)
    if not access.is_superuser:
        codes = [c for c in access.staff_region_codes if "." not in c]
        provinces = provinces.filter(code__in=codes)
    return provinces


@predicate_required(permissions.can_manage_any_rules)
@require_GET
def rules_index(request):
    provinces = list(_provinces(request.user))
    if len(provinces) == 1:
        return redirect("insiden:rules", code=provinces[0].code)
    return render(request, "insiden/rules_index.html", {"provinces": provinces})


class RulesForm(forms.Form):
    """One select per category (every severity), one per category and severity (optional), one
    number per severity."""

    def __init__(self, data=None, *, province):
        super().__init__(data)
        kinds = AgencyKind.choices
        self.rows = []
        for category, label in Category.choices:
            name = f"route_{category}"
            self.fields[name] = forms.ChoiceField(
                label=label, choices=kinds, initial=route_kind(
                    province_code=province.pk, category=category, severity=0
                ),
            )  # fmt: skip
            self.rows.append(name)
        self.deadlines = []
        for severity, label in sorted(Severity.choices, reverse=True):
            name = f"minutes_{severity}"
            self.fields[name] = forms.IntegerField(
                label=gettext_lazy("%(s)s (menit)") % {"s": label},
                min_value=1,
                max_value=7 * 1440,
                initial=ack_minutes(province_code=province.pk, severity=severity),
            )
            self.deadlines.append(name)


@predicate_required(permissions.can_manage_any_rules)
@require_http_methods(["GET", "HEAD", "POST"])
def rules_view(request, code: str):
    province = Region.objects.filter(code=code, level=RegionLevel.PROVINCE).first()
    if province is None:
        raise Http404
    if not permissions.can_manage_rules(request.user, province):
        raise PermissionDenied
    posted = request.POST if request.method == "POST" else None
    form = RulesForm(posted, province=province)
    if posted is not None and form.is_valid():
        try:
            for category in Category.values:
                routing_rule_set(
                    actor=request.user,
                    province=province,
                    category=category,
                    severity=0,
                    agency_kind=form.cleaned_data[f"route_{category}"],
                )
            for severity in Severity.values:
                ack_deadline_set(
                    actor=request.user,
                    province=province,
                    severity=severity,
                    minutes=form.cleaned_data[f"minutes_{severity}"],
                )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Aturan disimpan."))
            return redirect("insiden:rules", code=province.code)
    severity_rules = RoutingRule.objects.filter(province=province).exclude(severity=0)
    return render(
        request,
        "insiden/rules.html",
        {
            "province": province,
            "form": form,
            "route_fields": [form[name] for name in form.rows],
            "deadline_fields": [form[name] for name in form.deadlines],
            "severity_rules": severity_rules,
            "custom_deadlines": AckDeadline.objects.filter(province=province).count(),
        },
        status=400 if posted is not None else 200,
    )
