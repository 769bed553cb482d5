from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from accounts import roles
from accounts.access import requires
from audit.models import record
from conversations import inbox as inbox_query
from conversations import transcript as transcript_page
from conversations.models import Conversation, SavedView
from review.models import Correction, Tag


def _filters(request: HttpRequest) -> str:
    return urlencode([(k, v) for k, v in request.GET.items() if k != "before" and v])


@require_GET
@requires(roles.VIEW_CONVERSATIONS)
def inbox(request: HttpRequest) -> HttpResponse:
    form, conversations = inbox_query.inbox(request.GET)
    rows, next_cursor = inbox_query.page(
        conversations.select_related("review"), request.GET.get("before", "")
    )
    query = _filters(request)
    return render(
        request,
        "conversations/inbox.html",
        {
            "form": form,
            "rows": rows,
            "next_page": f"?{query}&before={next_cursor}" if next_cursor else "",
            "is_first_page": not request.GET.get("before"),
            "query": query,
            "saved_views": request.user.saved_views.all(),
            "names": inbox_query.domain_names(),
            "procedures": sorted(inbox_query.procedure_names().items(), key=lambda p: p[1]),
            "tags": Tag.objects.all(),
        },
    )


@require_GET
@requires(roles.VIEW_CONVERSATIONS)
def inbox_json(request: HttpRequest) -> JsonResponse:
    """The same inbox as JSON (for the live views of the handoff queue)."""
    _form, conversations = inbox_query.inbox(request.GET)
    rows, next_cursor = inbox_query.page(conversations, request.GET.get("before", ""))
    return JsonResponse(
        {
            "conversations": [
                {
                    "id": c.pk,
                    "sender_id": c.sender_id,
                    "channel": c.channel,
                    "last_activity": c.last_activity.isoformat(),
                    "last_user_text": c.last_user_text,
                    "handoff_requested": c.handoff_requested,
                }
                for c in rows
            ],
            "next": next_cursor,
        }
    )


@require_GET
@requires(roles.VIEW_CONVERSATIONS)
def transcript(request: HttpRequest, pk: int) -> HttpResponse:
    conversation = get_object_or_404(Conversation, pk=pk)
    before = request.GET.get("before", "")
    shown = transcript_page.page(conversation, int(before) if before.isdigit() else None)
    record(request, "view_transcript", conversation)
    return render(
        request,
        "conversations/transcript.html",
        {
            "c": conversation,
            "page": shown,
            "review_state": getattr(getattr(conversation, "review", None), "state", "new"),
            "tags": conversation.tags.select_related("tag"),
            "comments": conversation.comments.select_related("author"),
            "corrections": {
                c.event_id: c for c in Correction.objects.filter(event__conversation=conversation)
            },
            "flagged": set(
                conversation.events.filter(flags__isnull=False).values_list("id", flat=True)
            ),
            "stories": conversation.stories.all(),
        },
    )


@require_POST
@requires(roles.MARK_CONVERSATIONS)
def mark(request: HttpRequest, pk: int) -> HttpResponse:
    """Test conversations are left out of the dashboard; preserved ones out of retention."""
    conversation = get_object_or_404(Conversation, pk=pk)
    field = request.POST.get("field")
    if field in ("is_test", "preserve"):
        value = request.POST.get("value") == "1"
        setattr(conversation, field, value)
        conversation.save(update_fields=[field])
        record(request, f"mark_{field}", conversation, value=value)
    return redirect("conversations:transcript", pk=pk)


@require_POST
@requires(roles.VIEW_CONVERSATIONS)
def save_view(request: HttpRequest) -> HttpResponse:
    name = " ".join(request.POST.get("name", "").split())[:80]
    query = request.POST.get("query", "")[:1000]
    if name:
        SavedView.objects.update_or_create(owner=request.user, name=name, defaults={"query": query})
        messages.success(request, f"Đã lưu bộ lọc «{name}».")
    return redirect(f"/?{query}" if query else "/")


@require_POST
@requires(roles.VIEW_CONVERSATIONS)
def delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    get_object_or_404(SavedView, pk=pk, owner=request.user).delete()
    return redirect("conversations:inbox")
