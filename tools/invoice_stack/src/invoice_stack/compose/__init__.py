"""The container deployment: `docker-compose.yml` rendered from the one topology
(`spec.py`, pure) and the commands that build and run it (`cli.py`)."""
