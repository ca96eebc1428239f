"""Split service: `uvicorn split_service.main:app`."""

from invoice_shared.dapr_names import SPLIT_APP_ID
from invoice_shared.web import create_service_app
from split_service.routes import router

app = create_service_app(SPLIT_APP_ID, router)
