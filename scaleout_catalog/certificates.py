"""Certificates: the thumbprint a worker reports, from the client certificate it connects with."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url


def thumbprint(cert_path: Path, algorithm: Any = None) -> str:
    """The certificate's thumbprint: uppercase hex of its DER digest (SHA-256 unless told)."""
    from cryptography import x509            # imported late: slow to import, and most workers need none
    from cryptography.hazmat.primitives import hashes
    cert = x509.load_pem_x509_certificate(Path(cert_path).read_bytes())
    return cert.fingerprint(algorithm or hashes.SHA256()).hex().upper()


def client_certificate_thumbprint(url: str) -> str | None:
    """The thumbprint of the client certificate named by a PostgreSQL URL's sslcert, if any."""
    cert = make_url(url).query.get("sslcert")
    if isinstance(cert, tuple):
        cert = cert[-1]
    return thumbprint(Path(cert).expanduser()) if cert else None
