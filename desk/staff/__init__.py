"""The desk's own screens (issue 11): staff sign-in, the queue, a request's page, reports.

| module | job |
|---|---|
| `accounts.py` | staff accounts (argon2id hashes), sign-in with its throttle, sessions, read tokens |
| `queue.py` | the queue (by `respond_by`, filters, business-time countdowns), a request's page, "Acknowledged" |
| `reports.py` | the report's numbers: attainment, products, deflection, article health |
| `plots.py` | the report's plots (matplotlib, Agg backend, SVG), each drawn from a table's rows |
| `report_page.py` | the report as a static folder (`kb desk report --out DIR`) |
| `routes.py` | Starlette routes under `/desk/` and `/api/staff/`, the sign-in guard, CSRF checks, templates |

Markup is in `templates/` (Jinja2, autoescape on), style in `static/desk.css`; nothing is
loaded from another host. The countdowns come from `intake.business_seconds` (the wizard's
calendar and engine); nothing here restates a rule of the policy.
"""
