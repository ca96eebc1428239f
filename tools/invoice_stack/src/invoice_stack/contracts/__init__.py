"""The services' contracts beyond Python: JSON Schemas (invoice_shared.contract_schemas)
and shared request/response vectors that every implementation of a service must pass."""
