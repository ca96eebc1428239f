"""aggregate_service."""
