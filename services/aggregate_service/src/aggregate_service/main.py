"""Aggregate service: `uvicorn aggregate_service.main:app`."""

from aggregate_service.routes import router
from invoice_shared.dapr_names import AGGREGATE_APP_ID
from invoice_shared.web import create_service_app

app = create_service_app(AGGREGATE_APP_ID, router)
