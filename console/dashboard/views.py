from __future__ import annotations

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts import roles
from accounts.access import requires
from audit.models import record
from conversations.inbox import procedure_names
from conversations.models import HANDOFF_REASONS
from dashboard import charts, csv_export, stats


class PeriodForm(forms.Form):
    start = forms.DateField(required=False, label="Từ ngày")
    end = forms.DateField(required=False, label="Đến ngày")


def _figures(request: HttpRequest) -> tuple:
    form = PeriodForm(request.GET)
    data = form.cleaned_data if form.is_valid() else {}
    start, end = stats.period(data.get("start"), data.get("end"))
    return form, stats.compute(start, end)


@require_GET
@requires(roles.VIEW_DASHBOARD)
def dashboard(request: HttpRequest) -> HttpResponse:
    form, figures = _figures(request)
    names = procedure_names()
    return render(
        request,
        "dashboard/dashboard.html",
        {
            "form": form,
            "f": figures,
            "days_chart": charts.stacked_days(figures.per_day, figures.channels),
            "reasons_chart": charts.horizontal(
                [(HANDOFF_REASONS.get(r, r), n) for r, n in figures.handoff_reasons],
                charts.PALETTE[1],
            ),
            "procedures_chart": charts.horizontal(
                [(names.get(code, code), n) for code, n in figures.procedures], charts.PALETTE[2]
            ),
        },
    )


@require_GET
@requires(roles.VIEW_DASHBOARD)
def dashboard_csv(request: HttpRequest) -> HttpResponse:
    _form, figures = _figures(request)
    record(request, "export_csv", object_id=f"{figures.start}..{figures.end}")
    response = HttpResponse(csv_export.render(figures), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="so-lieu-{figures.start}-{figures.end}.csv"'
    )
    return response
