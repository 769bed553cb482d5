from django.contrib import admin

from handoff.models import CannedReply


@admin.register(CannedReply)
class CannedReplyAdmin(admin.ModelAdmin):
    list_display = ("title", "procedure", "updated")
    search_fields = ("title", "text", "procedure")
