from django.contrib import admin

from accounts.models import LoginFailure


@admin.register(LoginFailure)
class LoginFailureAdmin(admin.ModelAdmin):
    """Admins see failed logins and can delete them to unlock an account early."""

    list_display = ("username", "ip", "at")
    search_fields = ("username",)
    readonly_fields = ("username", "ip", "at")

    def has_add_permission(self, request, obj=None) -> bool:
        return False
