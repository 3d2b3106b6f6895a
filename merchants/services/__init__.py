"""Every change to merchants: disclosure versions, proposals, verification, documents, shops, links.

By topic: ``identity`` (completeness, clean identity values, merchant_create and merchant_update
and the disclosure versions they write), ``proposals`` (a representative's proposed change and
staff's review), ``verification`` (staff's verification and the documents uploaded for it),
``directory`` (representatives, shops, links between merchants); ``_common`` holds the
exceptions and the staff check they share.

Callers import from here: ``from merchants import services``.
"""

from ..integrity import DISCLOSURE_VERSIONS
from ._common import ProposalAlreadyReviewed, VerificationNotAllowed
from .directory import (
    clean_link,
    link_create,
    link_delete,
    link_update,
    representative_link,
    representative_unlink,
    shop_create,
    shop_delete,
    shop_update,
)
from .identity import (
    IDENTITY_FIELDS,
    LEGAL_IDENTITY_FIELDS,
    MAX_ADDRESS_LENGTH,
    MAX_TRADE_NAMES,
    REQUIRED_ITEMS,
    Completeness,
    clean_identity,
    disclosure_completeness,
    identity_snapshot,
    merchant_create,
    merchant_update,
    search_text_for,
)
from .proposals import proposal_approve, proposal_reject, proposal_submit
from .verification import (
    ALLOWED_FROM,
    DOCUMENT_MAX_BYTES,
    EXPIRY_BATCH_SIZE,
    document_upload,
    verification_expire,
    verification_mark_pending,
    verification_reject,
    verification_verify,
    verifications_expire_due,
)

__all__ = [
    "ALLOWED_FROM",
    "DISCLOSURE_VERSIONS",
    "DOCUMENT_MAX_BYTES",
    "EXPIRY_BATCH_SIZE",
    "IDENTITY_FIELDS",
    "LEGAL_IDENTITY_FIELDS",
    "MAX_ADDRESS_LENGTH",
    "MAX_TRADE_NAMES",
    "REQUIRED_ITEMS",
    "Completeness",
    "ProposalAlreadyReviewed",
    "VerificationNotAllowed",
    "clean_identity",
    "clean_link",
    "disclosure_completeness",
    "document_upload",
    "identity_snapshot",
    "link_create",
    "link_delete",
    "link_update",
    "merchant_create",
    "merchant_update",
    "proposal_approve",
    "proposal_reject",
    "proposal_submit",
    "representative_link",
    "representative_unlink",
    "search_text_for",
    "shop_create",
    "shop_delete",
    "shop_update",
    "verification_expire",
    "verification_mark_pending",
    "verification_reject",
    "verification_verify",
    "verifications_expire_due",
]
