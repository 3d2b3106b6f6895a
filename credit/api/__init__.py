"""The platform REST API (/api/v1/): API-key authentication, credit, lookups, errors."""
