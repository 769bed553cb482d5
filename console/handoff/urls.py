from django.urls import path

from handoff import views

app_name = "handoff"
urlpatterns = [
    path("hang-cho/", views.queue, name="queue"),
    path("api/hang-cho/", views.queue_json, name="queue_json"),
    path("hang-cho/<int:pk>/", views.ticket, name="ticket"),
    path("api/hang-cho/<int:pk>/", views.ticket_json, name="ticket_json"),
    path("hang-cho/<int:pk>/nhan/", views.claim, name="claim"),
    path("hang-cho/<int:pk>/tra-loi/", views.reply, name="reply"),
    path("hang-cho/<int:pk>/ket-thuc/", views.close, name="close"),
    path("hang-cho/<int:pk>/giao-lai/", views.reassign, name="reassign"),
    path("hang-cho/<int:pk>/luu-mau/", views.save_canned, name="save_canned"),
]
