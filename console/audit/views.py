from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts import roles
from accounts.access import requires
from audit.models import AuditEntry


@require_GET
@requires(roles.VIEW_AUDIT)
def audit_log(request: HttpRequest) -> HttpResponse:
    entries = AuditEntry.objects.all()
    if request.GET.get("user"):
        entries = entries.filter(username=request.GET["user"])
    page = Paginator(entries, 100).get_page(request.GET.get("page"))
    return render(
        request, "audit/log.html", {"page": page, "user_filter": request.GET.get("user", "")}
    )
