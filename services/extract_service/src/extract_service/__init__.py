"""extract_service."""
