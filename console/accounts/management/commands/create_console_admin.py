"""Create the first administrator (or another staff account) from the command line.

    manage.py create_console_admin --username an.nguyen --role admin
The password is asked twice on the terminal, or read from CONSOLE_ADMIN_PASSWORD for
scripts; it must pass the password rules (12 characters or more, not common)."""

from __future__ import annotations

import getpass
import os
from typing import Any

from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from accounts.roles import ADMIN, ROLES, sync_roles


class Command(BaseCommand):
    help = "Tạo tài khoản quản trị đầu tiên (hoặc tài khoản cán bộ với vai trò khác)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--username", required=True)
        parser.add_argument("--role", choices=ROLES, default=ADMIN)
        parser.add_argument("--full-name", default="")

    def handle(self, *args: Any, username: str, role: str, full_name: str, **_: Any) -> None:
        user_model = get_user_model()
        if user_model.objects.filter(username=username).exists():
            raise CommandError(f"Tài khoản {username!r} đã tồn tại.")
        password = os.environ.get("CONSOLE_ADMIN_PASSWORD") or self._ask_password()
        user = user_model(username=username, first_name=full_name)
        try:
            password_validation.validate_password(password, user)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        sync_roles()
        with transaction.atomic():
            user.set_password(password)
            user.is_staff = role == ADMIN  # the Django admin (users, groups, tags)
            user.save()
            user.groups.add(Group.objects.get(name=role))
        self.stdout.write(self.style.SUCCESS(f"Đã tạo tài khoản {username} ({role})."))

    def _ask_password(self) -> str:
        first = getpass.getpass("Mật khẩu (ít nhất 12 ký tự): ")
        if first != getpass.getpass("Nhập lại mật khẩu: "):
            raise CommandError("Hai lần nhập mật khẩu không khớp.")
        return first
