"""Names vulture reports as unused that are used where it cannot see: by Flask, SQLAlchemy,
WTForms, marshmallow, Jinja templates and other libraries. Keep it short: remove a name here
when its code goes, and delete code that is really unused instead of listing it."""

# ruff: noqa: B018, F821

# Flask views: registered by @bp.route/@bp.get/@bp.post, reached by URL
register  # marketplace/accounts/views.py
check_inbox  # marketplace/accounts/views.py
resend_verification  # marketplace/accounts/views.py
logout  # marketplace/accounts/views.py
request_reset  # marketplace/accounts/views.py
new_event  # marketplace/matching/office_views.py
schedule  # marketplace/matching/office_views.py
cancel  # marketplace/matching/views.py, office_views.py
decline  # marketplace/matching/views.py
agenda_page  # marketplace/matching/views.py
choose_language  # marketplace/main/views.py
partners  # marketplace/api/views.py
public_page  # marketplace/businesses/views.py
dashboard  # marketplace/businesses/views.py
edit  # marketplace/businesses/views.py
submit  # marketplace/businesses/views.py
new_certification  # marketplace/businesses/views.py
edit_certification  # marketplace/businesses/views.py
delete_certification_view  # marketplace/businesses/views.py
certification_scan  # marketplace/businesses/views.py
new_channel  # marketplace/channels/admin_views.py
edit_channel  # marketplace/channels/admin_views.py
new_partner  # marketplace/channels/admin_views.py
edit_partner  # marketplace/channels/admin_views.py
review  # marketplace/channels/curation_views.py
tags  # marketplace/channels/curation_views.py
show  # marketplace/channels/nomination_views.py
change_status  # marketplace/interests/thread_views.py
home  # marketplace/main/views.py
healthz  # marketplace/main/views.py
readyz  # marketplace/main/views.py
my_index  # marketplace/announcements/views.py
my_show  # marketplace/announcements/views.py
abuse_report  # marketplace/office/abuse_views.py
job_list  # marketplace/office/job_views.py
run_job_again  # marketplace/office/job_views.py
discard_job  # marketplace/office/job_views.py
suspend_account  # marketplace/office/account_views.py
reactivate_account  # marketplace/office/account_views.py
audit  # marketplace/office/audit_views.py
audit_csv  # marketplace/office/audit_views.py
business_queue  # marketplace/office/queue_views.py
product_queue  # marketplace/office/queue_views.py
bulk_approve  # marketplace/office/queue_views.py
bulk_approve_confirm  # marketplace/office/queue_views.py
nomination_queue  # marketplace/office/queue_views.py
report_queue  # marketplace/office/queue_views.py
exchange_rates  # marketplace/office/rate_views.py
reports_csv  # marketplace/office/report_views.py
months_csv  # marketplace/office/report_views.py
partner_summary  # marketplace/office/report_views.py
partner_summary_csv  # marketplace/office/report_views.py
verify_business_view  # marketplace/office/review_views.py
reject_business_view  # marketplace/office/review_views.py
suspend_business_view  # marketplace/office/review_views.py
reinstate_business_view  # marketplace/office/review_views.py
approve_identity_view  # marketplace/office/review_views.py
reject_identity_view  # marketplace/office/review_views.py
approve_product_view  # marketplace/office/review_views.py
reject_product_view  # marketplace/office/review_views.py
manage  # marketplace/products/photo_views.py
move  # marketplace/products/photo_views.py
preview  # marketplace/products/views.py
restore  # marketplace/products/views.py
robots  # marketplace/sharing/views.py
sitemap_index  # marketplace/sharing/views.py
sitemap_pages  # marketplace/sharing/views.py
sitemap_file  # marketplace/sharing/views.py

coordinator_list  # marketplace/office/coordinator_views.py
coordinator  # marketplace/office/coordinator_views.py
settlements_page  # marketplace/office/settlement_views.py
issue_settlement  # marketplace/office/settlement_views.py
settlement_paid  # marketplace/office/settlement_views.py
settlement_pdf  # marketplace/office/settlement_views.py, marketplace/workspace/views.py
settlement_csv  # marketplace/office/settlement_views.py, marketplace/workspace/views.py
sell  # marketplace/stand/views.py
correct  # marketplace/stand/views.py
new_shipment  # marketplace/stand/views.py
packing  # marketplace/stand/views.py
leads  # marketplace/stand/lead_views.py
notice  # marketplace/privacy/views.py
my_data  # marketplace/privacy/views.py
my_data_download  # marketplace/privacy/views.py
delete_account  # marketplace/privacy/views.py
visitor_download  # marketplace/privacy/views.py
visitor_delete  # marketplace/privacy/views.py
capture  # marketplace/stand/lead_views.py
escalation_queue  # marketplace/office/escalation_views.py
take_escalation  # marketplace/office/escalation_views.py
note_escalation  # marketplace/office/escalation_views.py
contacted_escalation  # marketplace/office/escalation_views.py
close_escalation  # marketplace/office/escalation_views.py

# The private API's operations (flask-smorest views, reached by URL) and the token page's
withdraw_interest  # marketplace/api/buyer_views.py
shortlist_add  # marketplace/api/buyer_views.py
shortlist_remove  # marketplace/api/buyer_views.py
buying_request  # marketplace/api/buyer_views.py, owner_views.py
withdraw_request  # marketplace/api/buyer_views.py
decide_business  # marketplace/api/office_views.py
decide_product  # marketplace/api/office_views.py
edit_business  # marketplace/api/owner_views.py
create  # marketplace/api/owner_views.py
edit_product  # marketplace/api/owner_views.py
remove_photo  # marketplace/api/owner_views.py
withdraw_nomination  # marketplace/api/owner_views.py
revoke  # marketplace/tokens/views.py

# Flask hooks: before_request, context processors, template filters, error handlers
_guard  # marketplace/accounts/guards.py
_too_many  # marketplace/interests/limits.py
_nav_counts  # marketplace/notifications/views.py
rate_filter  # marketplace/office/blueprint.py
_queue_counts  # marketplace/office/blueprint.py
_globals  # marketplace/templating.py
_helpers  # marketplace/matching/views.py, office_views.py
_begin_write_transaction  # marketplace/web.py
_._login_user  # marketplace/api/auth.py (Flask-Login's current user of the request, on `g`)
_headers  # marketplace/web.py
_remember_session  # marketplace/caching.py
_cache_headers  # marketplace/caching.py

# SQLAlchemy event listeners (@event.listens_for)
_on_connect  # marketplace/db.py
_on_begin  # marketplace/db.py
_forget_writing  # marketplace/db.py
_refuse_update  # marketplace/ledger/audit.py
_refuse_delete  # marketplace/ledger/audit.py
_refuse_bulk_change  # marketplace/ledger/audit.py
_note_commit  # marketplace/media/transaction_files.py
_settle  # marketplace/media/transaction_files.py

# SQLAlchemy: TypeDecorator hooks, hybrid expressions, connection options
_._is_public_condition  # marketplace/businesses/models.py
impl  # marketplace/db.py
cache_ok  # marketplace/db.py
_.process_bind_param  # marketplace/db.py
_.process_result_value  # marketplace/db.py
_.isolation_level  # marketplace/db.py
inherit_cache  # marketplace/db.py (Likely)
_bare_condition  # marketplace/db.py (@compiles)
_sqlite_likelihood  # marketplace/db.py (@compiles)
_postgres_seconds  # marketplace/interests/stats.py (@compiles)
_sqlite_seconds  # marketplace/interests/stats.py (@compiles)

# SQLAlchemy mapped attributes, and the values services set on them (the ORM stores them)
last_login_at  # marketplace/accounts/models.py
_.last_login_at  # marketplace/accounts/services.py
_.decided_by_id  # marketplace/channels/curation.py
_.decision_reason  # marketplace/channels/curation.py
decided_by_id  # marketplace/channels/models.py
decision_reason  # marketplace/channels/models.py
viewed_at  # marketplace/channels/models.py
won_amount  # marketplace/interests/models.py
won_idr_per_unit  # marketplace/interests/models.py
closed_at  # marketplace/interests/models.py
_.closed_at  # marketplace/interests/transitions.py
_.won_amount  # marketplace/interests/transitions.py
_.won_idr_per_unit  # marketplace/interests/transitions.py
_.handled_at  # marketplace/office/abuse.py
_.resolution  # marketplace/office/abuse.py
handled_at  # marketplace/office/models.py
resolution  # marketplace/office/models.py
handled_by  # marketplace/office/models.py
channel_key  # marketplace/office/models.py
recorded_by_id  # marketplace/stock/models.py
average_days  # marketplace/office/reports.py (templates/office/reports/_table.html)
districts  # marketplace/office/reports.py (templates/office/reports/_table.html)
consented_at  # marketplace/interests/models.py (the moment of the visitor's consent, kept)
issued_by_id  # marketplace/stock/models.py
issued_at  # marketplace/stock/models.py
paid_by_id  # marketplace/stock/models.py
created_by_id  # marketplace/announcements/models.py
sent_by_id  # marketplace/announcements/models.py
_.sent_by_id  # marketplace/announcements/services.py
_.paid_by_id  # marketplace/stock/settlements.py
created_by_id  # marketplace/matching/models.py
cancelled_by_id  # marketplace/matching/models.py
_.cancelled_by_id  # marketplace/matching/services.py
gross  # marketplace/stock/models.py (templates/stand/product.html)
taken_at  # marketplace/interests/models.py (templates/office/escalation.html)
_.taken_at  # marketplace/office/escalations.py
closed_by  # marketplace/interests/models.py (templates/office/escalation.html)
author_id  # marketplace/interests/models.py
created_count  # marketplace/sheets/models.py (templates/sheets/imported.html)
updated_count  # marketplace/sheets/models.py (templates/sheets/imported.html)
imported_at  # marketplace/sheets/models.py (templates/sheets/imported.html)
_.created_count  # marketplace/sheets/services.py
_.updated_count  # marketplace/sheets/services.py
_.imported_at  # marketplace/sheets/services.py
# Actions of entries recorded before the stock ledger: the audit log still names them.
NOMINATION_STAGE  # marketplace/ledger/audit.py
NOMINATION_SALES  # marketplace/ledger/audit.py

# Flask-Login: settings of the LoginManager and the user protocol
_.login_view  # marketplace/accounts/login.py
_.login_message  # marketplace/accounts/login.py
_.login_message_category  # marketplace/accounts/login.py
_.session_protection  # marketplace/accounts/login.py
_.is_active  # marketplace/accounts/models.py
_.is_anonymous  # marketplace/accounts/models.py
_.get_id  # marketplace/accounts/models.py

# WTForms: fields shown by templates, validate_<field> methods, widgets; a URL converter's regex
widget  # marketplace/accounts/buyer_forms.py
option_widget  # marketplace/accounts/buyer_forms.py
submit  # marketplace/accounts/buyer_forms.py
_.validate_password  # marketplace/accounts/forms.py
_.validate_unit_price  # marketplace/stand/forms.py
_.validate_export_markets  # marketplace/businesses/forms.py
_.validate_timezone  # marketplace/accounts/forms.py
confirm_password  # marketplace/accounts/forms.py
_.language_open  # marketplace/businesses/forms.py
_.validate_max_price  # marketplace/catalog/forms.py
_.validate_ends_on  # marketplace/channels/forms.py
_.validate_applications_close_on  # marketplace/channels/forms.py
_.validate_capacity  # marketplace/channels/forms.py
regex  # marketplace/inputs.py
won_value  # marketplace/interests/forms.py
won_rate  # marketplace/interests/forms.py
_.validate_won_value  # marketplace/interests/forms.py
_.validate_won_rate  # marketplace/interests/forms.py
_.validate_items  # marketplace/office/forms.py
_.validate_last  # marketplace/office/forms.py
_.validate_slot  # marketplace/matching/forms.py
_.validate_windows  # marketplace/matching/forms.py
_.validate_meeting_link  # marketplace/matching/forms.py
_.validate_channel  # marketplace/office/forms.py
_.validate_outcome  # marketplace/office/forms.py
_.validate_note  # marketplace/office/forms.py

# marshmallow / flask-smorest: schema fields, hooks and the Api's class settings
ERROR_SCHEMA  # marketplace/api/base.py
_._register_error_handlers  # marketplace/api/base.py
DEFAULT_VALIDATION_STATUS  # marketplace/api/base.py
ARGUMENTS_PARSER  # marketplace/api/base.py
_._price_range  # marketplace/api/schemas.py
# marshmallow: validators by decorator, and answer fields the schemas dump (private_schemas.py and
# owner_schemas.py, buyer_schemas.py, office_schemas.py)
_._not_in_future
_._what_each_step_needs
_._in_order
phone
next_steps
added_at
suggested_product_id
channel_status
from_
value_converted
more_than_count  # marketplace/api/schemas.py
en  # marketplace/api/schemas.py
subsector_names  # marketplace/api/schemas.py
_._register_responses  # marketplace/api/base.py
formatted  # marketplace/api/schemas.py
subsector_name  # marketplace/api/schemas.py
maximum  # marketplace/api/schemas.py
languages  # marketplace/api/schemas.py
msme_products  # marketplace/api/views.py (a view)
docs  # marketplace/api/reference.py (a view)
_._make  # marketplace/backup/archive.py

# flask-limiter: the SQLite storage is found by its scheme and called by the limits library
SQLiteStorage  # marketplace/ratelimit_storage.py
STORAGE_SCHEME  # marketplace/ratelimit_storage.py
_.base_exceptions  # marketplace/ratelimit_storage.py
_.incr  # marketplace/ratelimit_storage.py
_.get_expiry  # marketplace/ratelimit_storage.py
_.reset  # marketplace/ratelimit_storage.py

# Read by Jinja templates (templates/)
meaning  # marketplace/api/base.py (templates/api/)
bounds  # marketplace/api/reference.py (templates/api/_docs.html)
parameters  # marketplace/api/reference.py (templates/api/_docs.html)
answers  # marketplace/api/reference.py (templates/api/_docs.html)
properties  # marketplace/api/reference.py (templates/api/_docs.html)
_.all_fallback  # marketplace/businesses/texts.py
snippet  # marketplace/catalog/cards.py
remove_url  # marketplace/catalog/summary.py
_.is_filter  # marketplace/catalog/summary.py
reply  # marketplace/channels/curation_views.py
open_for_nominations  # marketplace/channels/views.py
_.average  # marketplace/channels/curation_views.py
median_hours  # marketplace/channels/replies.py
shortlisted  # marketplace/interests/display.py
open_interest_id  # marketplace/interests/display.py
_.srcset  # marketplace/products/display.py
og_type  # marketplace/sharing/meta.py
description_lang  # marketplace/sharing/meta.py
_.alternate_locales  # marketplace/sharing/meta.py
_.twitter_card  # marketplace/sharing/meta.py
named_like  # marketplace/sheets/checking.py (templates/sheets/preview.html)
_.named_like  # marketplace/sheets/checking.py

# Options other libraries read: fontTools subsetter, Jinja environment, cache control, flask.g
_.login_failed  # marketplace/accounts/views.py
_.private  # marketplace/channels/curation_views.py
_.no_store  # marketplace/channels/curation_views.py
_.hinting  # marketplace/channels/fontbuild.py
_.layout_features  # marketplace/channels/fontbuild.py
_.drop_tables  # marketplace/channels/fontbuild.py
_.name_IDs  # marketplace/channels/fontbuild.py
_.notdef_outline  # marketplace/channels/fontbuild.py
_.immutable  # marketplace/media/views.py
_.no_cache  # marketplace/media/views.py, marketplace/caching.py
_.last_modified  # marketplace/sharing/views.py
_.trim_blocks  # marketplace/templating.py
_.lstrip_blocks  # marketplace/templating.py
_.data_type  # marketplace/spreadsheets.py (openpyxl: a text cell, never a formula)
_.freeze_panes  # marketplace/spreadsheets.py (openpyxl)
_.number_format  # marketplace/spreadsheets.py (openpyxl)

# Called from outside the package: wsgi.py and the tests (create_app), tests/media
create_app  # marketplace/__init__.py
discard_unreferenced  # marketplace/media/references.py
_.cache_clear  # marketplace/versions.py (per_version's results, cleared between tests)

# Called by WTForms: a field's own check of its value before the validators
_.pre_validate  # marketplace/catalog/choices.py

# Buying requests: views by their routes, a WTForms inline check, columns the templates and
# the audit read (who screened, who quoted), the closed state the templates show
buying_requests  # marketplace/office/request_views.py
screen_request  # marketplace/office/request_views.py
send_quote  # marketplace/rfq/answer_views.py
_.validate_unit_price_idr  # marketplace/rfq/forms.py
_.screened_by_id  # marketplace/rfq/models.py
_.submitted_by_id  # marketplace/rfq/models.py
_.is_closed  # marketplace/rfq/models.py
accounts_file  # marketplace/office/account_views.py (its route)

# Observability: the /metrics route, the collectors prometheus_client calls at each scrape,
# the hook gunicorn's configuration calls when a worker exits
scrape  # marketplace/metrics.py (its route)
_.collect  # marketplace/metrics.py (_ThisProcess), marketplace/jobs/metrics.py (JobsCollector)
child_exit  # marketplace/metrics.py (deploy/gunicorn.conf.py)
_.converter  # marketplace/logs.py (logging.Formatter's clock: UTC)
# Background jobs: tasks registered by @task and run by the worker by name; a column kept for
# the record; counts the office's page reads
remind_certificates_task  # marketplace/businesses/tasks.py
refresh_catalog_pdfs  # marketplace/channels/tasks.py
remind_unanswered_task  # marketplace/interests/tasks.py
purge_pending_task  # marketplace/interests/tasks.py
purge_done_jobs  # marketplace/jobs/tasks.py
send_email  # marketplace/mail/tasks.py
media_gc_task  # marketplace/media/tasks.py
rebuild_reports_task  # marketplace/office/tasks.py
purge_stand_visitors_task  # marketplace/privacy/tasks.py
close_buying_requests_task  # marketplace/rfq/tasks.py
built_at  # marketplace/channels/models.py (CatalogFile)
running  # marketplace/jobs/queries.py (NameCounts, templates/office/jobs.html)
dead  # marketplace/jobs/queries.py (NameCounts, templates/office/jobs.html)
