"""Thin views over handoff.models: the queue, one ticket, claim, reply, hand back."""

from __future__ import annotations

from typing import Any, Dict

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from accounts import roles
from accounts.access import requires
from audit.models import record
from console import rasa_api
from conversations.models import Event
from handoff import models as rules
from handoff import rasa_calls
from handoff.models import CannedReply, HandoffError, HandoffTicket, StaffReply

LAST_MESSAGES = 3
MESSAGE_KINDS = (Event.Kind.USER, Event.Kind.BOT, Event.Kind.STAFF)


def _supervises(request: HttpRequest) -> bool:
    return request.user.has_perm(roles.REASSIGN_HANDOFF)


def _visible(request: HttpRequest) -> QuerySet:
    """Pending tickets and the officer's own; supervisors see every open ticket."""
    tickets = HandoffTicket.objects.filter(status__in=HandoffTicket.OPEN).select_related(
        "claimed_by"
    )
    if _supervises(request):
        return tickets
    return tickets.filter(Q(status=HandoffTicket.Status.PENDING) | Q(claimed_by=request.user))


def _ticket(request: HttpRequest, pk: int) -> HandoffTicket:
    ticket = get_object_or_404(HandoffTicket.objects.select_related("claimed_by"), pk=pk)
    if not _supervises(request) and ticket.claimed_by_id not in (None, request.user.pk):
        raise Http404
    return ticket


def _waiting(ticket: HandoffTicket) -> str:
    minutes = int((timezone.now() - ticket.created).total_seconds() // 60)
    return f"{minutes // 60} giờ {minutes % 60} phút" if minutes >= 60 else f"{minutes} phút"


def _message(event: Event) -> Dict[str, Any]:
    return {
        "id": event.id,
        "kind": event.kind,
        "who": (event.name or "Cán bộ hỗ trợ")
        if event.kind == Event.Kind.STAFF
        else event.get_kind_display(),
        "text": event.text,
        "ts": timezone.localtime(event.ts).strftime("%H:%M:%S"),
    }


def _row(ticket: HandoffTicket, user: Any) -> Dict[str, Any]:
    last = list(ticket.events().filter(kind__in=MESSAGE_KINDS).order_by("-id")[:LAST_MESSAGES])
    return {
        "id": ticket.pk,
        "sender_id": ticket.sender_id,
        "channel": ticket.channel,
        "channel_label": ticket.get_channel_display(),
        "reason": ticket.reason_label,
        "status": ticket.status,
        "status_label": ticket.get_status_display(),
        "waiting": _waiting(ticket),
        "created": ticket.created.isoformat(),
        "claimed_by": rules.display_name(ticket.claimed_by),
        "mine": ticket.claimed_by_id == user.pk,
        "last_messages": [_message(e) for e in reversed(last)],
    }


@require_GET
@requires(roles.HANDLE_HANDOFF)
def queue(request: HttpRequest) -> HttpResponse:
    rows = [_row(t, request.user) for t in _visible(request)]
    return render(request, "handoff/queue.html", {"rows": rows})


@require_GET
@requires(roles.HANDLE_HANDOFF)
def queue_json(request: HttpRequest) -> JsonResponse:
    rules.seen(request.user)
    rows = [_row(t, request.user) for t in _visible(request)]
    pending = sum(1 for r in rows if r["status"] == HandoffTicket.Status.PENDING)
    return JsonResponse({"pending": pending, "tickets": rows})


def _ticket_context(request: HttpRequest, ticket: HandoffTicket) -> Dict[str, Any]:
    events = ticket.events().filter(kind__in=MESSAGE_KINDS).order_by("-id")[:60]
    deadline = ticket.zalo_deadline()
    shown = [_message(e) for e in reversed(list(events))]
    return {
        "t": ticket,
        "messages": shown,
        "last_id": shown[-1]["id"] if shown else 0,
        "replies": ticket.replies.select_related("staff"),
        "mine": ticket.claimed_by_id == request.user.pk,
        "cannot_reply": ticket.cannot_reply_reason(),
        "zalo_deadline": timezone.localtime(deadline) if deadline else None,
        "max_chars": rules.MAX_REPLY_CHARS,
        "outcomes": [c for c in HandoffTicket.Outcome.choices if c[0] != "citizen_left"],
        "supervises": _supervises(request),
        "canned": CannedReply.for_procedure(
            ticket.conversation.procedure if ticket.conversation else ""
        ),
        "officers": get_user_model()
        .objects.filter(groups__permissions__codename="handle_ticket", is_active=True)
        .distinct()
        if _supervises(request)
        else [],
    }


@require_GET
@requires(roles.HANDLE_HANDOFF)
def ticket(request: HttpRequest, pk: int) -> HttpResponse:
    found = _ticket(request, pk)
    record(request, "view_ticket", found.conversation)
    return render(request, "handoff/ticket.html", _ticket_context(request, found))


@require_GET
@requires(roles.HANDLE_HANDOFF)
def ticket_json(request: HttpRequest, pk: int) -> JsonResponse:
    found = _ticket(request, pk)
    after = request.GET.get("after", "")
    events = found.events().filter(kind__in=MESSAGE_KINDS)
    if after.isdigit():
        events = events.filter(id__gt=int(after))
    return JsonResponse(
        {
            "status": found.status,
            "claimed_by": rules.display_name(found.claimed_by),
            "messages": [_message(e) for e in events.order_by("id")[:200]],
        }
    )


@require_POST
@requires(roles.HANDLE_HANDOFF)
def claim(request: HttpRequest, pk: int) -> HttpResponse:
    get_object_or_404(HandoffTicket, pk=pk)
    try:
        claimed = rules.claim(pk, request.user)
    except HandoffError as error:
        messages.error(request, str(error))
        return redirect("handoff:queue")
    record(request, "claim_ticket", claimed.conversation)
    return redirect("handoff:ticket", pk=pk)


@require_POST
@requires(roles.HANDLE_HANDOFF)
def reply(request: HttpRequest, pk: int) -> HttpResponse:
    found = _ticket(request, pk)
    try:
        text = found.check_reply(request.user, request.POST.get("text", ""))
    except HandoffError as error:
        messages.error(request, str(error))
        return redirect("handoff:ticket", pk=pk)
    sent = StaffReply.objects.create(ticket=found, staff=request.user, text=text)
    try:
        rasa_calls.send_reply(
            found.sender_id, request.user.pk, rules.display_name(request.user), text
        )
        sent.sent = True
    except rasa_api.RasaError as error:
        sent.error = str(error)[:300]
        messages.error(request, "Chưa gửi được tin nhắn: trợ lý không nhận.")
    sent.save(update_fields=["sent", "error"])
    record(request, "staff_reply", found.conversation, sent=sent.sent)
    return redirect("handoff:ticket", pk=pk)


@require_POST
@requires(roles.HANDLE_HANDOFF)
def close(request: HttpRequest, pk: int) -> HttpResponse:
    found = _ticket(request, pk)
    outcome = request.POST.get("outcome", "")
    try:
        if outcome not in HandoffTicket.Outcome.values:
            raise HandoffError("Chọn kết quả hỗ trợ.")
        if not _supervises(request) and found.claimed_by_id != request.user.pk:
            raise HandoffError("Chỉ cán bộ đang nhận yêu cầu này mới được kết thúc.")
        if found.can_receive:
            rasa_calls.hand_back(found.sender_id, request.user.pk)
        rules.close(found, request.user, outcome, may_override=_supervises(request))
    except HandoffError as error:
        messages.error(request, str(error))
        return redirect("handoff:ticket", pk=pk)
    except rasa_api.RasaError:
        messages.error(request, "Chưa trả lại được cho trợ lý: trợ lý không nhận. Thử lại.")
        return redirect("handoff:ticket", pk=pk)
    record(request, "close_ticket", found.conversation, outcome=outcome)
    messages.success(request, "Đã kết thúc hỗ trợ và trả lại cho trợ lý.")
    return redirect("handoff:queue")


@require_POST
@requires(roles.REASSIGN_HANDOFF)
def reassign(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_object_or_404(HandoffTicket, pk=pk)
    to_user = get_object_or_404(get_user_model(), pk=request.POST.get("to") or 0, is_active=True)
    if not to_user.has_perm(roles.HANDLE_HANDOFF):
        messages.error(request, "Người này không phải cán bộ hỗ trợ.")
        return redirect("handoff:ticket", pk=pk)
    try:
        rules.reassign(found.pk, to_user)
    except HandoffError as error:
        messages.error(request, str(error))
        return redirect("handoff:ticket", pk=pk)
    record(request, "reassign_ticket", found.conversation, to=to_user.get_username())
    return redirect("handoff:ticket", pk=pk)


@require_POST
@requires(roles.HANDLE_HANDOFF)
def save_canned(request: HttpRequest, pk: int) -> HttpResponse:
    """Keep a reply as a canned one for this conversation's procedure."""
    found = _ticket(request, pk)
    title = " ".join(request.POST.get("title", "").split())[:80]
    text = request.POST.get("text", "").strip()[: rules.MAX_REPLY_CHARS]
    if title and text:
        CannedReply.objects.create(
            procedure=found.conversation.procedure if found.conversation else "",
            title=title,
            text=text,
            created_by=request.user,
        )
        messages.success(request, f"Đã lưu câu trả lời mẫu «{title}».")
    return redirect("handoff:ticket", pk=pk)
