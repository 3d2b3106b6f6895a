"""The site's date formats, one per language (FORMAT_MODULE_PATH): the server's and the
browser's (static/js/local-time.js builds the same pattern) must read alike."""
