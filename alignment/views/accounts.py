from __future__ import annotations

import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_POST

from alignment.access import get_invitation_or_404, get_membership_or_404, require
from alignment.forms import InviteForm, NewAccountForm, RoleForm
from alignment.models import Membership, Role, User
from alignment.services import people
from alignment.services.errors import InvitationGone, Refused

logger = logging.getLogger(__name__)


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and readiness for load balancers: the database and the broker."""
    status = {"database": "ok", "broker": "eager" if settings.CELERY_TASK_ALWAYS_EAGER else "ok"}
    code = 200
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as error:  # any failure here means "not ready"
        logger.warning("healthz: database unavailable: %s", error)
        status["database"] = "unavailable"
        code = 503
    if not settings.CELERY_TASK_ALWAYS_EAGER:
        from cvm_align.celery import app

        try:
            with app.connection_for_write() as conn:
                conn.ensure_connection(max_retries=1, timeout=2)
        except Exception as error:
            logger.warning("healthz: broker unavailable: %s", error)
            status["broker"] = "unavailable"
            code = 503
    return JsonResponse(status, status=code)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    memberships = list(
        Membership.objects.for_user(request.user)
        .select_related("organization")
        .order_by("organization__name")
    )
    if len(memberships) == 1:
        return redirect("alignment:organization", memberships[0].organization.slug)
    return render(request, "alignment/home.html", {"memberships": memberships})


@login_required
def members(request: HttpRequest, slug: str) -> HttpResponse:
    membership = get_membership_or_404(request.user, slug)
    org = membership.organization
    form = InviteForm(organization=org)
    if request.method == "POST":
        require(membership.can_manage_members)
        form = InviteForm(request.POST, organization=org)
        if form.is_valid():
            try:
                people.invite(
                    org, by=request.user, link_for=request.build_absolute_uri, **form.cleaned_data
                )
            except Refused as refusal:
                form.add_error("email", refusal.message)
            else:
                # The same reply whether the address has an account elsewhere, has
                # none, or was invited before: it reveals nothing beyond this page.
                messages.success(
                    request,
                    _("An invitation is on its way to %(email)s.")
                    % {"email": form.cleaned_data["email"]},
                )
                return redirect("alignment:members", org.slug)
    invitations = (
        org.invitations.pending().select_related("invited_by").order_by("email")
        if membership.can_manage_members
        else []
    )
    return render(
        request,
        "alignment/members.html",
        {
            "membership": membership,
            "organization": org,
            "members": org.memberships.select_related("user").order_by("user__display_name"),
            "invitations": invitations,
            "form": form,
            "roles": Role.choices,
        },
        status=400 if form.errors else 200,
    )


def _people_action(request: HttpRequest, slug: str, act) -> HttpResponse:
    """An organisation admin's action on People and roles: `act(membership)` does it
    through a service and returns the confirmation; a refusal is shown instead."""
    membership = get_membership_or_404(request.user, slug)
    require(membership.can_manage_members)
    try:
        done = act(membership)
    except Refused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, done)
    return redirect("alignment:members", membership.organization.slug)


@login_required
@require_POST
def invitation_resend(request: HttpRequest, slug: str, invitation_key) -> HttpResponse:
    def resend(membership: Membership) -> str:
        invitation = get_invitation_or_404(membership, invitation_key)
        people.resend_invitation(invitation, by=request.user, link_for=request.build_absolute_uri)
        return _(
            "A new invitation is on its way to %(email)s; the earlier link no longer works."
        ) % {"email": invitation.email}

    return _people_action(request, slug, resend)


@login_required
@require_POST
def invitation_revoke(request: HttpRequest, slug: str, invitation_key) -> HttpResponse:
    def revoke(membership: Membership) -> str:
        invitation = get_invitation_or_404(membership, invitation_key)
        people.revoke_invitation(invitation, by=request.user)
        return _("The invitation to %(email)s is withdrawn; its link no longer works.") % {
            "email": invitation.email
        }

    return _people_action(request, slug, revoke)


GONE = {
    "accepted": gettext_lazy("This invitation was accepted already."),
    "revoked": gettext_lazy("This invitation was withdrawn."),
    "expired": gettext_lazy("This invitation has expired."),
}


@never_cache
@sensitive_post_parameters("new_password1", "new_password2")
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """The link in the invitation mail. Whoever holds it reads the invited mailbox:
    a new address chooses its password here; an existing account must be signed in
    as itself. Nothing changes until that person says yes."""
    invitation = people.find_invitation(token)
    if invitation is None:
        return _invitation_page(request, "unknown", status=404)
    user = request.user
    if user.is_authenticated and invitation.accepted_by_id == user.pk:
        # Accepting twice does nothing more: the member is taken to the organisation.
        return redirect("alignment:organization", invitation.organization.slug)
    if not invitation.is_usable:
        return _invitation_page(request, "gone", status=410, reason=GONE[invitation.state])

    if user.is_authenticated:
        if user.email != invitation.email:
            status = 403 if request.method == "POST" else 200
            return _invitation_page(request, "wrong_account", invitation, status=status)
        if request.method != "POST":
            return _invitation_page(request, "join", invitation)
        try:
            people.accept_invitation(invitation, user=user)
        except Refused as refusal:
            return _refused(request, invitation, refusal)
        return _welcome(request, invitation)

    if User.objects.filter(email=invitation.email).exists():
        status = 403 if request.method == "POST" else 200
        return _invitation_page(request, "sign_in", invitation, status=status)
    form = NewAccountForm(
        request.POST if request.method == "POST" else None,
        email=invitation.email,
        initial={"display_name": invitation.display_name},
    )
    if form.is_valid():
        try:
            new_user = people.accept_invitation_as_new_account(
                invitation,
                display_name=form.cleaned_data["display_name"],
                password=form.cleaned_data["new_password1"],
            )
        except Refused as refusal:
            return _refused(request, invitation, refusal)
        login(request, new_user, backend="django.contrib.auth.backends.ModelBackend")
        return _welcome(request, invitation)
    return _invitation_page(
        request, "new_account", invitation, form=form, status=400 if form.errors else 200
    )


def _refused(request: HttpRequest, invitation, refusal) -> HttpResponse:
    """Someone else was quicker (accepted, withdrawn, sent again) or the account
    signed in is not the invited one: say so, change nothing."""
    if isinstance(refusal, InvitationGone):
        return _invitation_page(request, "gone", status=410, reason=refusal.message)
    state = "wrong_account" if request.user.is_authenticated else "sign_in"
    return _invitation_page(request, state, invitation, status=403)


def _welcome(request: HttpRequest, invitation) -> HttpResponse:
    messages.success(request, _("Welcome to %(name)s.") % {"name": invitation.organization.name})
    return redirect("alignment:organization", invitation.organization.slug)


def _invitation_page(
    request: HttpRequest, state: str, invitation=None, *, status: int = 200, **context
) -> HttpResponse:
    return render(
        request,
        "registration/invitation.html",
        {"state": state, "invitation": invitation, **context},
        status=status,
    )


@login_required
@require_POST
def member_role(request: HttpRequest, slug: str, member_key) -> HttpResponse:
    def change(membership: Membership) -> str:
        target = _get_member(membership, member_key)
        form = RoleForm(request.POST)
        if not form.is_valid():
            raise Refused("role_unknown")
        target = people.change_role(target, form.cleaned_data["role"], by=request.user)
        return _("%(name)s is now %(role)s.") % {
            "name": target.user,
            "role": target.get_role_display(),
        }

    return _people_action(request, slug, change)


@login_required
@require_POST
def member_remove(request: HttpRequest, slug: str, member_key) -> HttpResponse:
    def remove(membership: Membership) -> str:
        target = _get_member(membership, member_key)
        people.remove_member(target, by=request.user)
        return _("%(name)s no longer has access to %(organization)s.") % {
            "name": target.user,
            "organization": membership.organization,
        }

    return _people_action(request, slug, remove)


def _get_member(membership: Membership, member_key) -> Membership:
    """Another member of the same organisation, or 404."""
    return get_object_or_404(
        Membership.objects.select_related("user", "organization"),
        organization=membership.organization,
        key=member_key,
    )
