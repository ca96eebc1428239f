"""Extract service: `uvicorn extract_service.main:app`."""

from extract_service.routes import router
from invoice_shared.dapr_names import EXTRACT_APP_ID
from invoice_shared.web import create_service_app

app = create_service_app(EXTRACT_APP_ID, router)
