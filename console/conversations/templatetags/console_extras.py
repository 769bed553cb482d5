from typing import Any

from django import template

from conversations.inbox import procedure_names

register = template.Library()


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    """`{{ mapping|get_item:key }}`: a dict lookup by a variable key."""
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.filter
def percent(value: Any) -> str:
    return "—" if value is None else f"{value * 100:.1f} %".replace(".", ",")


@register.filter
def procedure_label(code: Any) -> str:
    """The procedure's name for a knowledge-base code (the code itself if unknown)."""
    if not code:
        return ""
    name = procedure_names().get(str(code))
    return f"{name} ({code})" if name else str(code)
