from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Tài khoản"

    def ready(self) -> None:
        from accounts.roles import sync_roles

        # after the last app's migrations, when every permission exists
        post_migrate.connect(sync_roles, dispatch_uid="accounts.sync_roles")
