"""Evidence upload: three files of 5 MB posted to a complaint through gunicorn; the time of the
request and the peak memory growth of the worker that served it (VmHWM, reset just before)."""

from __future__ import annotations

import http.client
import os
import secrets
import time
from pathlib import Path

from django.test import Client

from accounts.models import User
from complaints.models import Complaint, EvidenceItem

from .dataset import BENCH_CONSUMER_EMAIL
from .results import Result, check

FILES = 3
FILE_BYTES = 5 * 1024 * 1024
CHUNK = 64 * 1024


def _pdf(size: int) -> bytes:
    """A real PDF of exactly ``size`` bytes (one blank page and an image of random bytes): the
    upload reads every PDF with pikepdf, and a file that only starts like one is refused."""
    import io

    import pikepdf

    def build(payload: int) -> bytes:
        pdf = pikepdf.new()
        pdf.add_blank_page()
        image = pdf.make_stream(
            os.urandom(payload),
            Type=pikepdf.Name.XObject,
            Subtype=pikepdf.Name.Image,
            Width=1,
            Height=payload,
            ColorSpace=pikepdf.Name.DeviceGray,
            BitsPerComponent=8,
        )
        pdf.pages[0].Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=image))
        out = io.BytesIO()
        pdf.save(out, compress_streams=False, deterministic_id=True)
        return out.getvalue()

    payload = size - len(build(1024)) + 1024
    data = build(payload)
    # The digits of the lengths and offsets may differ by one between the two builds.
    while len(data) != size:
        payload += size - len(data)
        data = build(payload)
    return data


def _file_header(boundary: str, index: int) -> bytes:
    return (
        f'--{boundary}\r\nContent-Disposition: form-data; name="files"; '
        f'filename="receipt-{index}.pdf"\r\nContent-Type: application/pdf\r\n\r\n'
    ).encode()


def _body(boundary: str, csrf: str):
    """The multipart body as a generator, sent in chunks, and its length: three PDFs of
    FILE_BYTES each (different files, so none is taken for a duplicate)."""
    fields = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="csrfmiddlewaretoken"\r\n\r\n'
        f'{csrf}\r\n--{boundary}\r\nContent-Disposition: form-data; name="statement"\r\n\r\n\r\n'
    ).encode()
    closing = f"--{boundary}--\r\n".encode()
    headers = [_file_header(boundary, n) for n in range(FILES)]
    length = len(fields) + len(closing) + sum(len(h) + FILE_BYTES + 2 for h in headers)

    def chunks():
        yield fields
        for header in headers:
            yield header
            data = _pdf(FILE_BYTES)
            for start in range(0, FILE_BYTES, CHUNK):
                yield data[start : start + CHUNK]
            yield b"\r\n"
        yield closing

    return chunks(), length


def _status(pid: int) -> dict[str, int]:
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in ("VmHWM", "VmRSS"):
            values[key] = int(rest.split()[0]) * 1024
    return values


def _post(server, path: str, *, session: str, csrf: str) -> tuple[int, float]:
    boundary = secrets.token_hex(16)
    body, length = _body(boundary, csrf)
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
    started = time.perf_counter()
    conn.putrequest("POST", path)
    conn.putheader("Content-Type", f"multipart/form-data; boundary={boundary}")
    conn.putheader("Content-Length", str(length))
    conn.putheader("Cookie", f"sessionid={session}; csrftoken={csrf}")
    conn.endheaders()
    for chunk in body:
        conn.send(chunk)
    response = conn.getresponse()
    response.read()
    elapsed = time.perf_counter() - started
    conn.close()
    return response.status, elapsed


def measure(server, *, log) -> list[Result]:
    consumer = User.objects.get(email=BENCH_CONSUMER_EMAIL)
    client = Client()
    client.force_login(consumer)
    session = client.cookies["sessionid"].value
    csrf = secrets.token_hex(16)  # 32 characters: the form field repeats the cookie's secret
    complaints = list(
        Complaint.objects.filter(consumer=consumer, status=Complaint.Status.SUBMITTED).order_by(
            "pk"
        )[:2]
    )
    # A first upload warms the worker (imports, templates, connections), as on a running site.
    warm = complaints[0]
    status, _ = _post(
        server, f"/complaints/{warm.public_id}/evidence/add/", session=session, csrf=csrf
    )
    if status != 302:
        raise RuntimeError(f"the warm-up upload answered {status}")

    target = complaints[1]
    before_items = EvidenceItem.objects.filter(complaint=target, kind="file").count()
    pids = server.worker_pids()
    baseline = {}
    for pid in pids:
        Path(f"/proc/{pid}/clear_refs").write_text("5")  # resets the peak (VmHWM) to VmRSS
        baseline[pid] = _status(pid)["VmRSS"]
    status, seconds = _post(
        server, f"/complaints/{target.public_id}/evidence/add/", session=session, csrf=csrf
    )
    growth = max(_status(pid)["VmHWM"] - baseline[pid] for pid in pids)
    stored = EvidenceItem.objects.filter(complaint=target, kind="file").count() - before_items
    ok = status == 302 and stored == FILES
    growth_mb = growth / 1024 / 1024
    log(
        f"  {FILES} x {FILE_BYTES // 1024 // 1024} MB: {seconds:.2f} s, peak memory growth "
        f"{growth_mb:.1f} MB (status {status}, {stored} items stored)"
    )
    return [
        Result(
            "evidence_upload_peak_memory_growth",
            round(growth_mb, 1),
            "MB",
            "<= 32",
            check(growth_mb, "<= 32") and ok,
            {
                "files": FILES,
                "file_bytes": FILE_BYTES,
                "seconds": round(seconds, 3),
                "status": status,
                "items_stored": stored,
                "workers": len(pids),
            },
        ),
        Result(
            "evidence_upload_seconds",
            round(seconds, 3),
            "s",
            "n/a",
            None,
            {"files": FILES, "file_bytes": FILE_BYTES},
        ),
    ]
