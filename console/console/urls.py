from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Quản trị bảng điều khiển"
admin.site.site_title = "Trợ lý Dịch vụ công"

urlpatterns = [
    path("tai-khoan/", include("accounts.urls")),
    path("quan-tri/", admin.site.urls),
    path("", include("conversations.urls")),
    path("", include("review.urls")),
    path("", include("dashboard.urls")),
    path("", include("audit.urls")),
    path("", include("handoff.urls")),
]
