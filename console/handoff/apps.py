from django.apps import AppConfig


class HandoffConfig(AppConfig):
    name = "handoff"
    verbose_name = "Chuyển cán bộ"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_out

        from handoff.models import release_claims_on_logout

        user_logged_out.connect(release_claims_on_logout, dispatch_uid="handoff.release_claims")
