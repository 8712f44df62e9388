"""The Chalice app: registers the capabilities' blueprints; errors are mapped in chalicelib/shared/http.py."""

from __future__ import annotations

import gc
from typing import Any

# The import creates ~100k objects (modules, classes, schemas) that live as long as the process: the collector
# walking them again and again while they are made is ~10% of a cold start. It resumes once the app is built, and
# what the import built is frozen out of later collections (the few hundred objects of import-time cycles stay).
gc.disable()

from chalice import Chalice, Rate, Response
from chalice.app import CloudWatchEvent, SQSEvent

from chalicelib.approvals.pages import bp as approval_pages_bp
from chalicelib.approvals.routes import bp as approvals_bp
from chalicelib.audit.routes import bp as audit_bp
from chalicelib.customers.pages import bp as customer_pages_bp
from chalicelib.customers.privacy_pages import bp as privacy_pages_bp
from chalicelib.customers.privacy_routes import bp as privacy_bp
from chalicelib.customers.routes import bp as customers_bp
from chalicelib.entrypoints import jobs
from chalicelib.entrypoints.queue import JOBS_QUEUE, OUTBOX_QUEUE, batch_response, handle_records
from chalicelib.entrypoints.ses_events import SES_EVENTS_QUEUE, handle_ses_records
from chalicelib.identity.routes import bp as identity_bp
from chalicelib.jobs.pages import bp as job_pages_bp
from chalicelib.jobs.routes import bp as jobs_bp
from chalicelib.knowledge.pages import bp as knowledge_pages_bp
from chalicelib.knowledge.routes import bp as knowledge_bp
from chalicelib.knowledge.transfer_routes import bp as knowledge_transfer_bp
from chalicelib.notifications.pages import bp as notification_pages_bp
from chalicelib.notifications.routes import bp as notifications_bp
from chalicelib.policy.pages import bp as policy_pages_bp
from chalicelib.policy.routes import bp as policy_bp
from chalicelib.reports.pages import bp as report_pages_bp
from chalicelib.reports.routes import bp as reports_bp
from chalicelib.requests.pages import bp as request_pages_bp
from chalicelib.requests.routes import bp as requests_bp
from chalicelib.shared.http import contract_errors, json_response, security_headers
from chalicelib.shared.openapi import document
from chalicelib.sla.pages import bp as sla_pages_bp
from chalicelib.sla.routes import bp as sla_bp
from chalicelib.surveys.frame_pages import bp as survey_frame_pages_bp
from chalicelib.surveys.frame_routes import bp as survey_frames_bp
from chalicelib.surveys.pages import bp as survey_pages_bp
from chalicelib.surveys.public import bp as survey_public_bp
from chalicelib.surveys.published_pages import bp as survey_published_bp
from chalicelib.surveys.questionnaire_pages import bp as questionnaire_pages_bp
from chalicelib.surveys.questionnaire_routes import bp as questionnaire_bp
from chalicelib.surveys.results_pages import bp as survey_results_pages_bp
from chalicelib.surveys.results_routes import bp as survey_results_bp
from chalicelib.surveys.routes import bp as surveys_bp
from chalicelib.tenancy.routes import bp as tenancy_bp
from chalicelib.web.pages import bp as web_bp

app = Chalice(app_name="cskh")

for blueprint in (
    identity_bp,
    tenancy_bp,
    audit_bp,
    customers_bp,
    privacy_bp,
    customer_pages_bp,
    privacy_pages_bp,
    sla_bp,
    sla_pages_bp,
    requests_bp,
    notifications_bp,
    notification_pages_bp,
    request_pages_bp,
    jobs_bp,
    job_pages_bp,
    knowledge_transfer_bp,
    knowledge_bp,
    knowledge_pages_bp,
    approvals_bp,
    approval_pages_bp,
    questionnaire_bp,
    questionnaire_pages_bp,
    survey_frames_bp,
    survey_frame_pages_bp,
    survey_results_bp,
    survey_results_pages_bp,
    surveys_bp,
    survey_pages_bp,
    survey_public_bp,
    survey_published_bp,
    reports_bp,
    report_pages_bp,
    policy_bp,
    policy_pages_bp,
    web_bp,
):
    app.register_blueprint(blueprint)
app.register_middleware(security_headers, "http")  # outermost: also on the answers contract_errors rewrites
app.register_middleware(contract_errors, "http")
gc.freeze()
gc.enable()


@app.route("/openapi.json", methods=["GET"])
def openapi() -> Response:
    """OpenAPI 3.1 of everything under /api, generated from the schemas."""
    return json_response(document())


@app.on_sqs_message(queue=OUTBOX_QUEUE, batch_size=10)
def outbox(event: SQSEvent) -> dict[str, Any]:
    """Deliver notices and act on timer messages (deadline reminders, overdue, approval waits)."""
    return batch_response(handle_records(record.to_dict() for record in event))


@app.on_sqs_message(queue=JOBS_QUEUE, batch_size=1, name="jobs_worker")
def jobs_worker(event: SQSEvent) -> dict[str, Any]:
    """Run background jobs (exports, imports), one a message, each up to the function's 900 s."""
    return batch_response(handle_records(record.to_dict() for record in event))


@app.on_sqs_message(queue=SES_EVENTS_QUEUE, batch_size=10, name="ses_events")
def ses_events(event: SQSEvent) -> dict[str, Any]:
    """SES's events (delivery, bounce, complaint, reject, rendering failure): delivery statuses and suppressions."""
    return batch_response(handle_ses_records(record.to_dict() for record in event))


@app.schedule(jobs.RETENTION_CRON, name="retention", description="Personal data past its retention (Decree 13/2023)")
def retention_job(event: CloudWatchEvent) -> dict[str, dict[str, object]]:
    """Every night at 02:00 in Vietnam: anonymise and delete what is past its retention; the next night goes on."""
    # Lambda's context object (absent in tests). No annotated locals in app.py: `chalice package` analyses this file
    # for its IAM policy and fails on a name it cannot resolve (KeyError: 'Any').
    remaining = getattr(event.context, "get_remaining_time_in_millis", None)
    return jobs.run_retention(seconds=remaining() / 1000 if remaining else None)


@app.schedule(Rate(5, unit=Rate.MINUTES), name="reconcile")
def reconcile(event: CloudWatchEvent) -> dict[str, int]:
    """Restart the timers of open requests that have none; queue again notices whose message was lost."""
    return jobs.reconcile()


@app.schedule(jobs.KNOWLEDGE_CRON, name="knowledge_daily", description="Quarterly-review digests, knowledge index build")
def knowledge_daily(event: CloudWatchEvent) -> dict[str, int]:
    """Every morning: each unit's review digest (1218 Art. 2.7), then a fresh build of the knowledge search index."""
    return jobs.knowledge_daily()
