from __future__ import annotations

import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from alignment import services
from alignment.access import get_membership_or_404, require
from alignment.forms import MemberAddForm, RoleForm
from alignment.models import Membership, Role

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
    form = MemberAddForm(organization=org)
    if request.method == "POST":
        require(membership.can_manage_members)
        form = MemberAddForm(request.POST, organization=org)
        if form.is_valid():
            new_membership, invite_path = services.add_member(
                org, by=request.user, **form.cleaned_data
            )
            if invite_path:
                messages.success(
                    request,
                    _(
                        "%(name)s was added. Send them this one-time link to choose a password: %(link)s"
                    )
                    % {
                        "name": new_membership.user,
                        "link": request.build_absolute_uri(invite_path),
                    },
                )
            else:
                messages.success(request, _("%(name)s was added.") % {"name": new_membership.user})
            return redirect("alignment:members", org.slug)
    return render(
        request,
        "alignment/members.html",
        {
            "membership": membership,
            "organization": org,
            "members": org.memberships.select_related("user").order_by("user__display_name"),
            "form": form,
            "roles": Role.choices,
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def member_role(request: HttpRequest, slug: str, member_key) -> HttpResponse:
    membership = get_membership_or_404(request.user, slug)
    require(membership.can_manage_members)
    target = _get_member(membership, member_key)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please choose one of the listed roles."))
    else:
        try:
            target = services.change_role(target, form.cleaned_data["role"], by=request.user)
        except services.ServiceError as refusal:
            messages.error(request, refusal.message)
        else:
            messages.success(
                request,
                _("%(name)s is now %(role)s.")
                % {"name": target.user, "role": target.get_role_display()},
            )
    return redirect("alignment:members", membership.organization.slug)


@login_required
@require_POST
def member_remove(request: HttpRequest, slug: str, member_key) -> HttpResponse:
    membership = get_membership_or_404(request.user, slug)
    require(membership.can_manage_members)
    target = _get_member(membership, member_key)
    try:
        services.remove_member(target, by=request.user)
    except services.ServiceError as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(
            request,
            _("%(name)s no longer has access to %(organization)s.")
            % {"name": target.user, "organization": membership.organization},
        )
    return redirect("alignment:members", membership.organization.slug)


def _get_member(membership: Membership, member_key) -> Membership:
    """Another member of the same organisation, or 404."""
    return get_object_or_404(
        Membership.objects.select_related("user", "organization"),
        organization=membership.organization,
        key=member_key,
    )
