from django.urls import path

from dashboard import views

app_name = "dashboard"
urlpatterns = [
    path("so-lieu/", views.dashboard, name="dashboard"),
    path("so-lieu/csv/", views.dashboard_csv, name="csv"),
]
