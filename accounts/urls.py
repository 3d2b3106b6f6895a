from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy
from django_ratelimit.decorators import ratelimit

from core.forms import FORM_RATE

from . import views
from .forms import QueuedPasswordResetForm

urlpatterns = [
    path("", views.account, name="account"),
    path("register/", views.RegisterView.as_view(), name="register"),
    path("register/done/", views.RegisterDoneView.as_view(), name="register_done"),
    path("verify/<uidb64>/<token>/", views.verify_email, name="verify_email"),
    path("verify/resend/", views.ResendVerificationView.as_view(), name="resend_verification"),
    path("login/", views.SignInView.as_view(), name="login"),
    path("login/code/", views.login_verify, name="login_verify"),
    path("two-step/", views.two_factor, name="two_factor"),
    path("two-step/set-up/", views.two_factor_setup, name="two_factor_setup"),
    path(
        "two-step/recovery-codes/",
        views.two_factor_recovery_codes,
        name="two_factor_recovery_codes",
    ),
    path("two-step/turn-off/", views.two_factor_disable, name="two_factor_disable"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/change/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path(
        "password/reset/",
        ratelimit(key="ip", rate=FORM_RATE, method="POST", block=True)(
            auth_views.PasswordResetView.as_view(
                form_class=QueuedPasswordResetForm,
                success_url=reverse_lazy("password_reset_done"),
            )
        ),
        name="password_reset",
    ),
    path(
        "password/reset/done/",
        views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]
