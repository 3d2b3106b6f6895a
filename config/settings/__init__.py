"""Settings package: base (shared), local (developer default), production and test."""
