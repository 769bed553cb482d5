from django.urls import path

from conversations import views

app_name = "conversations"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("api/hoi-thoai/", views.inbox_json, name="inbox_json"),
    path("hoi-thoai/<int:pk>/", views.transcript, name="transcript"),
    path("hoi-thoai/<int:pk>/danh-dau/", views.mark, name="mark"),
    path("bo-loc/luu/", views.save_view, name="save_view"),
    path("bo-loc/<int:pk>/xoa/", views.delete_view, name="delete_view"),
]
