"""invoice_stack."""
