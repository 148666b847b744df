"""Shared fixtures. The cast follows the permission matrix every view is tested with:

- `lead`: the organisation's CVM lead (facilitates)
- `leader`: a leader of the same organisation (contributes, signs)
- `observer`: reads only
- `outsider`: a member of another organisation only; must get 404 everywhere
- `org_admin`: manages people and roles
"""

from __future__ import annotations

import re

import pytest
from django.test import Client

from alignment.models import Role
from alignment.services import people
from cvm_align.celery import app as celery_app
from tests.factories import MembershipFactory, OrganizationFactory, UserFactory

# The test database's content right after migrations (the shipped flavors, handshake
# library and KPI catalogue), as Django serialized it for serialized rollbacks.
_SHIPPED: list[str] = []


@pytest.fixture(scope="session", autouse=True)
def _shipped_data(django_db_setup):
    from django.db import connection

    _SHIPPED[:] = [getattr(connection, "_test_serialized_contents", "")]
    return _SHIPPED[0]


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """A test that commits for real (a browser test, threads racing) ends with its
    database flushed, and the data the migrations ship goes with it. Put that data
    back at once: in a parallel run the next test on this database may be any test,
    not one that restores it first."""
    yield
    # After the last test of a process (no next item) the session's fixtures are
    # gone too, test database included: there is nothing left to restore for.
    if nextitem is not None and _commits_for_real(item):
        restore_shipped_data(item.config)


def _commits_for_real(item) -> bool:
    """A test on a transactional database: by fixture, or by its django_db mark."""
    if {"transactional_db", "live_server"} & set(getattr(item, "fixturenames", ())):
        return True
    mark = item.get_closest_marker("django_db")
    return bool(mark and mark.kwargs.get("transaction"))


def restore_shipped_data(config) -> None:
    """Bring back what the migrations ship if a flush took it: our apps' reference
    data, and the content types and permissions too when they went with it (a
    flush after a serialized-rollback test does not re-create them: Django
    expects the next such test to restore them, and the next test may be any)."""
    import json

    from django.contrib.contenttypes.models import ContentType
    from django.db import connections
    from pytest_django.plugin import blocking_manager_key

    from alignment.models import CatalogueKpi

    if not (_SHIPPED and _SHIPPED[0]):
        return
    with config.stash[blocking_manager_key].unblock():
        apps = set()
        if not CatalogueKpi.objects.exists():
            apps |= {"alignment", "flavors", "handshakes"}
        if not ContentType.objects.exists():
            apps |= {"contenttypes", "auth"}
        if apps:
            rows = [row for row in json.loads(_SHIPPED[0]) if row["model"].split(".")[0] in apps]
            connections["default"].creation.deserialize_db_from_string(json.dumps(rows))
        # Content types may be back under other ids than a cached lookup holds.
        ContentType.objects.clear_cache()


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _eager_celery():
    """Unit tests run tasks in-process; the integration tests use a real worker."""
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def _media_in_a_temporary_folder(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _default_language():
    """A request in Italian leaves Italian active in the thread (LocaleMiddleware
    activates, nothing deactivates): each test starts and ends in the default."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def organization(db):
    return OrganizationFactory(name="Acme Telco", slug="acme")


@pytest.fixture
def other_organization(db):
    return OrganizationFactory(name="Rival Telco", slug="rival")


def _member(organization, role, email, name):
    return MembershipFactory(
        organization=organization,
        role=role,
        user=UserFactory(email=email, display_name=name),
    ).user


@pytest.fixture
def org_admin(organization):
    return _member(organization, Role.ADMIN, "admin@acme.test", "Ada Admin")


@pytest.fixture
def lead(organization):
    return _member(organization, Role.LEAD, "lead@acme.test", "Lena Lead")


@pytest.fixture
def leader(organization):
    return _member(organization, Role.LEADER, "leader@acme.test", "Leo Leader")


@pytest.fixture
def observer(organization):
    return _member(organization, Role.OBSERVER, "observer@acme.test", "Olga Observer")


@pytest.fixture
def outsider(other_organization):
    return _member(other_organization, Role.LEAD, "outsider@rival.test", "Otto Outsider")


@pytest.fixture
def staff(db):
    return UserFactory(
        email="staff@site.test", display_name="Sam Staff", is_staff=True, is_superuser=True
    )


def _client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def as_lead(lead):
    return _client_for(lead)


@pytest.fixture
def as_leader(leader):
    return _client_for(leader)


@pytest.fixture
def as_observer(observer):
    return _client_for(observer)


@pytest.fixture
def as_outsider(outsider):
    return _client_for(outsider)


@pytest.fixture
def as_org_admin(org_admin):
    return _client_for(org_admin)


@pytest.fixture
def as_staff(staff):
    return _client_for(staff)


# Invitations: the link exists only in the mail sent to the invited address.

INVITATION_LINK = re.compile(r"https?://[^/\s]+(/accounts/invitations/[\w-]+/)")


def invitation_path(message) -> str:
    """The path of the invitation link in a sent mail (django.core.mail.outbox)."""
    found = INVITATION_LINK.search(message.body)
    assert found, message.body
    return found.group(1)


@pytest.fixture
def invite(django_capture_on_commit_callbacks, mailoutbox):
    """`invitation, path = invite(organization, email, by=admin)`: an invitation made
    by the service, its mail sent (on commit), and the path of the link in it."""

    def _invite(organization, email, *, by, role=Role.LEADER, display_name="Ines Invited"):
        with django_capture_on_commit_callbacks(execute=True):
            invitation = people.invite(
                organization,
                email=email,
                display_name=display_name,
                role=role,
                title="",
                by=by,
                link_for=lambda path: f"http://testserver{path}",
            )
        return invitation, invitation_path(mailoutbox[-1])

    return _invite
