"""One module per resource: health, workflows, lifecycle, invoices."""
