"""Credit snapshots, API keys and webhooks."""
