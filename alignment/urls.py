from __future__ import annotations

from django.urls import path

from alignment.views import (
    accounts,
    actuals,
    brainstorm,
    facilitation,
    live,
    quarters,
    results,
    signoff,
    steps,
    transfer,
    verify,
    workshops,
)

app_name = "alignment"

urlpatterns = [
    # First: an open page whose WebSocket is refused asks for it every two seconds.
    path("w/<uuid:workshop_id>/poll", live.poll, name="poll"),
    path("", accounts.home, name="home"),
    path("o/<slug:slug>/", workshops.organization, name="organization"),
    path("o/<slug:slug>/members/", accounts.members, name="members"),
    path("o/<slug:slug>/members/<uuid:member_key>/role", accounts.member_role, name="member_role"),
    path(
        "o/<slug:slug>/members/<uuid:member_key>/remove",
        accounts.member_remove,
        name="member_remove",
    ),
    path(
        "o/<slug:slug>/invitations/<uuid:invitation_key>/resend",
        accounts.invitation_resend,
        name="invitation_resend",
    ),
    path(
        "o/<slug:slug>/invitations/<uuid:invitation_key>/revoke",
        accounts.invitation_revoke,
        name="invitation_revoke",
    ),
    path("o/<slug:slug>/workshops/new", workshops.workshop_new, name="workshop_new"),
    path("w/<uuid:workshop_id>/", workshops.workshop_overview, name="workshop"),
    path("w/<uuid:workshop_id>/status", workshops.workshop_status, name="workshop_status"),
    path("w/<uuid:workshop_id>/audit", workshops.audit_log, name="audit_log"),
    path("w/<uuid:workshop_id>/next-quarter", quarters.next_quarter, name="next_quarter"),
    path("w/<uuid:workshop_id>/compare", quarters.compare, name="compare"),
    path("w/<uuid:workshop_id>/results/", results.results_page, name="results"),
    path(
        "w/<uuid:workshop_id>/results/kpi/<uuid:kpi_id>/reading",
        results.add_reading,
        name="add_reading",
    ),
    path(
        "w/<uuid:workshop_id>/results/reading/<int:reading_id>/delete",
        results.delete_reading,
        name="delete_reading",
    ),
    path(
        "w/<uuid:workshop_id>/results/bet/<uuid:bet_id>/outcome",
        results.set_outcome,
        name="set_outcome",
    ),
    path("w/<uuid:workshop_id>/results/import", actuals.import_actuals, name="import_actuals"),
    path(
        "w/<uuid:workshop_id>/results/import/confirm",
        actuals.confirm_actuals,
        name="confirm_actuals",
    ),
    path("w/<uuid:workshop_id>/results/export.csv", actuals.export_actuals, name="export_actuals"),
    path("w/<uuid:workshop_id>/sign", signoff.sign, name="sign"),
    path("w/<uuid:workshop_id>/decline", signoff.decline, name="decline"),
    path("w/<uuid:workshop_id>/signoff/opened", signoff.opened, name="signoff_opened"),
    path("w/<uuid:workshop_id>/signoff/draft.pdf", signoff.draft_pdf, name="signoff_draft"),
    path("w/<uuid:workshop_id>/override", signoff.override, name="override"),
    path("w/<uuid:workshop_id>/report/status", signoff.report_status, name="report_status"),
    path("w/<uuid:workshop_id>/report.pdf", signoff.report_pdf, name="report_pdf"),
    path("w/<uuid:workshop_id>/export.json", transfer.export_json, name="export_json"),
    path("o/<slug:slug>/workshops/import", transfer.import_json, name="import_json"),
    path("o/<slug:slug>/verify", verify.verify, name="verify"),
    path("w/<uuid:workshop_id>/follow", facilitation.follow, name="follow"),
    path("w/<uuid:workshop_id>/s/<slug:slug>/", steps.step_page, name="step"),
    path("w/<uuid:workshop_id>/s/<slug:slug>/items", steps.item_create, name="item_create"),
    path("w/<uuid:workshop_id>/s/<slug:slug>/reorder", steps.step_reorder, name="step_reorder"),
    path(
        "w/<uuid:workshop_id>/s/<slug:slug>/facilitate/<slug:action>",
        facilitation.facilitate,
        name="facilitate",
    ),
    path("w/<uuid:workshop_id>/s/<slug:slug>/i/<uuid:item_id>", steps.item_detail, name="item"),
    path(
        "w/<uuid:workshop_id>/s/<slug:slug>/i/<uuid:item_id>/edit",
        steps.item_edit,
        name="item_edit",
    ),
    path(
        "w/<uuid:workshop_id>/s/<slug:slug>/i/<uuid:item_id>/delete",
        steps.item_delete,
        name="item_delete",
    ),
    path(
        "w/<uuid:workshop_id>/s/<slug:slug>/i/<uuid:item_id>/move",
        steps.item_move,
        name="item_move",
    ),
    path("w/<uuid:workshop_id>/s/<slug:slug>/i/<uuid:item_id>/dot", facilitation.dot, name="dot"),
    path(
        "w/<uuid:workshop_id>/s/<slug:slug>/i/<uuid:item_id>/group",
        brainstorm.answer_group,
        name="answer_group",
    ),
    path(
        "w/<uuid:workshop_id>/s/<slug:slug>/i/<uuid:item_id>/moderate/<slug:action>",
        brainstorm.moderate,
        name="moderate",
    ),
    path(
        "w/<uuid:workshop_id>/s/<slug:slug>/g/<uuid:group_id>/<slug:action>",
        brainstorm.group_action,
        name="group_action",
    ),
    path(
        "w/<uuid:workshop_id>/agreements/<uuid:item_id>/comment",
        steps.agreement_comment,
        name="agreement_comment",
    ),
]
