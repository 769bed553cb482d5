from __future__ import annotations

from typing import Any, Dict

from django.http import HttpRequest

from accounts import roles as role_table


def roles(request: HttpRequest) -> Dict[str, Any]:
    """What the navigation may show: each link is shown only to roles that may use it."""
    user = request.user
    if not user.is_authenticated:
        return {}
    return {
        "can": {
            "dashboard": user.has_perm(role_table.VIEW_DASHBOARD),
            "audit": user.has_perm(role_table.VIEW_AUDIT),
            "corrections": user.has_perm(role_table.PROPOSE_CORRECTION),
            "accept": user.has_perm(role_table.ACCEPT_CORRECTION),
            "export": user.has_perm(role_table.EXPORT_CORRECTIONS),
            "story": user.has_perm(role_table.SAVE_STORY),
            "mark": user.has_perm(role_table.MARK_CONVERSATIONS),
            "review": user.has_perm(role_table.REVIEW),
            "handoff": user.has_perm(role_table.HANDLE_HANDOFF),
            "admin": user.is_staff,
        },
        "role_names": [role_table.ROLE_LABELS[r] for r in role_table.roles_of(user)],
    }
