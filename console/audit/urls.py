from django.urls import path

from audit import views

app_name = "audit"
urlpatterns = [path("nhat-ky/", views.audit_log, name="log")]
