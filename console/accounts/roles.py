"""The four staff roles and what each may do, as Django groups and permissions.

One table decides access: views name the permission they need, and the groups are
brought in line with this table after every migration (`sync_roles`)."""

from __future__ import annotations

from typing import Dict, List

OFFICER, REVIEWER, SUPERVISOR, ADMIN = "officer", "reviewer", "supervisor", "admin"
ROLES = (OFFICER, REVIEWER, SUPERVISOR, ADMIN)
ROLE_LABELS = {
    OFFICER: "Cán bộ hỗ trợ",
    REVIEWER: "Người rà soát",
    SUPERVISOR: "Giám sát",
    ADMIN: "Quản trị",
}

# app_label.codename of each capability
VIEW_CONVERSATIONS = "conversations.view_conversation"
MARK_CONVERSATIONS = "conversations.mark_conversation"  # test conversation, preserve
REVIEW = "review.review_conversation"  # review state, tags, comments, message flags
PROPOSE_CORRECTION = "review.add_correction"
ACCEPT_CORRECTION = "review.accept_correction"
EXPORT_CORRECTIONS = "review.export_corrections"
SAVE_STORY = "review.add_savedstory"
VIEW_DASHBOARD = "dashboard.view_dashboard"
VIEW_AUDIT = "audit.view_auditentry"
HANDLE_HANDOFF = "handoff.handle_ticket"  # queue, claim, reply, hand back
REASSIGN_HANDOFF = "handoff.reassign_ticket"  # see every ticket, give it to another officer

_OFFICER = [VIEW_CONVERSATIONS, REVIEW, HANDLE_HANDOFF]
_REVIEWER = [*_OFFICER, PROPOSE_CORRECTION, ACCEPT_CORRECTION, EXPORT_CORRECTIONS, SAVE_STORY]
_SUPERVISOR = [*_REVIEWER, MARK_CONVERSATIONS, VIEW_DASHBOARD, VIEW_AUDIT, REASSIGN_HANDOFF]
USER_ADMIN = [
    f"auth.{action}_{model}"
    for model in ("user", "group")
    for action in ("add", "change", "delete", "view")
]
ROLE_PERMISSIONS: Dict[str, List[str]] = {
    OFFICER: _OFFICER,
    REVIEWER: _REVIEWER,
    SUPERVISOR: _SUPERVISOR,
    ADMIN: [
        *_SUPERVISOR,
        *USER_ADMIN,
        "review.change_tag",
        "review.add_tag",
        "review.view_tag",
        *(f"handoff.{a}_cannedreply" for a in ("add", "change", "delete", "view")),
    ],
}


def sync_roles(**_: object) -> None:
    """Create the four groups and give each exactly the permissions of the table."""
    from django.contrib.auth.models import Group, Permission

    # post_migrate is sent once per app; permissions of apps not migrated yet are missing
    # on the early calls and present on the last one, so each call sets what exists.
    known = {
        f"{app_label}.{codename}": pk
        for pk, app_label, codename in Permission.objects.values_list(
            "pk", "content_type__app_label", "codename"
        )
    }
    for role, names in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=role)
        group.permissions.set([known[name] for name in names if name in known])


def roles_of(user: object) -> List[str]:
    names = getattr(user, "groups", None)
    if names is None:
        return []
    return [g for g in names.values_list("name", flat=True) if g in ROLES]
