"""Merchants: identity, shops, links, disclosure versions and verification."""
