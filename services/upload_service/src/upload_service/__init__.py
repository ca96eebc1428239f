"""upload_service."""
