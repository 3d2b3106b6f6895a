"""Fixtures of the privacy tests: those of the ODR tests, whose cases they erase."""

from tests.odr.conftest import _default_language  # noqa: F401 - autouse: every test in English
