from django.urls import path

from review import views

app_name = "review"
urlpatterns = [
    path("hoi-thoai/<int:pk>/trang-thai/", views.set_state, name="set_state"),
    path("hoi-thoai/<int:pk>/the/", views.add_tag, name="add_tag"),
    path("hoi-thoai/<int:pk>/the/<int:tag_pk>/xoa/", views.remove_tag, name="remove_tag"),
    path("hoi-thoai/<int:pk>/ghi-chu/", views.comment, name="comment"),
    path("hoi-thoai/<int:pk>/kich-ban/", views.save_story, name="save_story"),
    path("su-kien/<int:event_id>/gan-co/", views.flag, name="flag"),
    path("su-kien/<int:event_id>/dinh-chinh/", views.correct, name="correct"),
    path("dinh-chinh/", views.corrections, name="corrections"),
    path("dinh-chinh/<int:pk>/quyet-dinh/", views.decide, name="decide"),
    path("dinh-chinh/xuat/", views.export, name="export"),
]
