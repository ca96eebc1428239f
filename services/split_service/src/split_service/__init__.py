"""split_service."""
