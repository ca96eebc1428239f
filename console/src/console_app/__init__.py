"""The operator's console: a server-rendered web app over the workflow host's REST API."""
