"""Upload service: `uvicorn upload_service.main:app`."""

from invoice_shared.dapr_names import UPLOAD_APP_ID
from invoice_shared.web import create_service_app
from upload_service.routes import router

app = create_service_app(UPLOAD_APP_ID, router)
