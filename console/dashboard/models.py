from django.db import models


class Dashboard(models.Model):
    """No table: the holder of the dashboard's permission (Django keeps permissions on
    models)."""

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [("view_dashboard", "Xem bảng số liệu")]
