"""English dates as the browser's Intl writes them ("Dec 4, 2026, 08:30 PM"), which
js/local-time.js rebuilds part by part: Django's own English format ("Dec. 4, 2026, 8:30 p.m.")
would show a page's times two ways once the script rewrote some of them."""

DATE_FORMAT = "M j, Y"
DATETIME_FORMAT = "M j, Y, h:i A"
SHORT_DATE_FORMAT = DATE_FORMAT
SHORT_DATETIME_FORMAT = DATETIME_FORMAT
MONTH_DAY_FORMAT = "M j"
