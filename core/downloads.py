"""Serving private files: always as a download, never rendered by the browser."""

from __future__ import annotations

from django.http import FileResponse


def private_file_response(field_file, *, label: str, content_type: str) -> FileResponse:
    """Send a stored private file as an attachment. The caller has checked who is asking."""
    response = FileResponse(
        field_file.open("rb"), as_attachment=True, filename=label, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    # Even if a browser were to render it, it could run nothing and load nothing.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
