from __future__ import annotations

from django.contrib.auth import views as auth_views

from accounts.forms import LockoutAuthenticationForm


class LoginView(auth_views.LoginView):
    """Django's login view (open to anonymous users) with the lockout form."""

    template_name = "accounts/login.html"
    authentication_form = LockoutAuthenticationForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    """POST only (Django's default), so a link on another site cannot log staff out."""
