from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import roles
from accounts.access import requires
from audit.models import record
from console.rasa_api import RasaError
from conversations.inbox import domain_names
from conversations.models import Conversation, Event
from review import export as nlu_export
from review import stories
from review.annotation import ENTITIES, annotate
from review.models import Comment, ConversationTag, Correction, MessageFlag, Review, SavedStory


def _back(pk: int, anchor: str = "") -> HttpResponse:
    response = redirect("conversations:transcript", pk=pk)
    if anchor:
        response["Location"] += f"#{anchor}"
    return response


@require_POST
@requires(roles.REVIEW)
def set_state(request: HttpRequest, pk: int) -> HttpResponse:
    conversation = get_object_or_404(Conversation, pk=pk)
    try:
        review = Review.set_state(conversation, request.POST.get("state", ""), request.user)
        record(request, "review_state", conversation, state=review.state)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return _back(pk)


@require_POST
@requires(roles.REVIEW)
def add_tag(request: HttpRequest, pk: int) -> HttpResponse:
    conversation = get_object_or_404(Conversation, pk=pk)
    try:
        link = ConversationTag.add(conversation, request.POST.get("name", ""), request.user)
        record(request, "tag", conversation, tag=link.tag.name)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return _back(pk)


@require_POST
@requires(roles.REVIEW)
def remove_tag(request: HttpRequest, pk: int, tag_pk: int) -> HttpResponse:
    link = get_object_or_404(ConversationTag, conversation_id=pk, tag_id=tag_pk)
    record(request, "untag", link.conversation, tag=link.tag.name)
    link.delete()
    return _back(pk)


@require_POST
@requires(roles.REVIEW)
def comment(request: HttpRequest, pk: int) -> HttpResponse:
    conversation = get_object_or_404(Conversation, pk=pk)
    text = request.POST.get("text", "").strip()[:4000]
    if text:
        Comment.objects.create(conversation=conversation, author=request.user, text=text)
        record(request, "comment", conversation)
    return _back(pk, "ghi-chu")


@require_POST
@requires(roles.REVIEW)
def flag(request: HttpRequest, event_id: int) -> HttpResponse:
    event = get_object_or_404(Event, pk=event_id)
    MessageFlag.objects.create(
        event=event, flagged_by=request.user, note=request.POST.get("note", "").strip()[:300]
    )
    record(request, "flag_message", event)
    return _back(event.conversation_id, f"e{event.pk}")


@require_http_methods(["GET", "POST"])
@requires(roles.PROPOSE_CORRECTION)
def correct(request: HttpRequest, event_id: int) -> HttpResponse:
    event = get_object_or_404(Event, pk=event_id, kind=Event.Kind.USER)
    intents = domain_names()["intents"]
    annotated = request.POST.get("annotated", "")
    intent = request.POST.get("intent", event.intent)
    error = ""
    if request.method == "POST":
        try:
            correction = Correction.propose(event, intent, annotated, request.user, intents)
            record(request, "propose_correction", correction, intent=intent)
            messages.success(request, "Đã gửi đính chính; cần một người khác chấp nhận.")
            return _back(event.conversation_id, f"e{event.pk}")
        except ValidationError as problem:
            error = " ".join(problem.messages)
    else:
        annotated = annotate(event.text, event.entities or [])
    return render(
        request,
        "review/correct.html",
        {
            "event": event,
            "intents": intents,
            "intent": intent,
            "annotated": annotated,
            "entities": ENTITIES,
            "error": error,
        },
        status=400 if error else 200,
    )


@require_GET
@requires(roles.PROPOSE_CORRECTION)
def corrections(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "review/corrections.html",
        {
            "pending": Correction.objects.filter(status=Correction.Status.PROPOSED)
            .select_related("proposed_by", "event")
            .order_by("proposed_at"),
            "accepted": Correction.exportable().select_related("proposed_by", "checked_by"),
            "recent": Correction.objects.exclude(
                status__in=[Correction.Status.PROPOSED, Correction.Status.ACCEPTED]
            ).select_related("proposed_by", "checked_by")[:50],
        },
    )


@require_POST
@requires(roles.ACCEPT_CORRECTION)
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    correction = get_object_or_404(Correction, pk=pk)
    accept = request.POST.get("decision") == "accept"
    try:
        correction.decide(request.user, accept)
        record(request, "accept_correction" if accept else "reject_correction", correction)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    except PermissionDenied as error:  # the two-person rule
        messages.error(request, str(error))
    return redirect("review:corrections")


@require_POST
@requires(roles.EXPORT_CORRECTIONS)
def export(request: HttpRequest) -> HttpResponse:
    result = nlu_export.export()
    if result is None:
        messages.info(request, "Không có đính chính nào đã chấp nhận để xuất.")
        return redirect("review:corrections")
    record(
        request,
        "export_nlu",
        object_id=str(result.path),
        corrections=result.exported,
        skipped_masked=result.skipped_masked,
    )
    note = (
        f" {len(result.skipped_masked)} tin nhắn có dữ liệu cá nhân đã che không được xuất."
        if result.skipped_masked
        else ""
    )
    messages.success(request, f"Đã xuất {len(result.exported)} ví dụ vào tệp {result.path}.{note}")
    return redirect("review:corrections")


@require_POST
@requires(roles.SAVE_STORY)
def save_story(request: HttpRequest, pk: int) -> HttpResponse:
    conversation = get_object_or_404(Conversation, pk=pk)
    try:
        path = stories.save(conversation, request.user.pk)
    except (RasaError, stories.StoryError) as error:
        messages.error(request, f"Không lưu được kịch bản kiểm thử: {error}")
        return _back(pk)
    SavedStory.objects.create(
        conversation=conversation,
        path=str(path),
        content=path.read_text(encoding="utf-8"),
        created_by=request.user,
    )
    record(request, "save_story", conversation, path=str(path))
    messages.success(request, f"Đã lưu kịch bản kiểm thử vào {path}.")
    return _back(pk)
