"""Certificates for a scale-out, made with `cryptography`: an authority (CA), the database
server's TLS certificate, and one client certificate per worker (CN = its database login).

Rotating keeps the authority, so a rotated server or worker certificate is trusted by
everything that trusted the old one: one command on one machine, then a restart.
"""
from __future__ import annotations

import datetime
import ipaddress
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable

from sqlalchemy.engine import make_url

CA_CERT, CA_KEY = "ca.crt", "ca.key"
SERVER_CERT, SERVER_KEY = "server.crt", "server.key"


class CertificateError(ValueError):
    """A certificate operation cannot be done as asked (a file exists, the CA is missing, ...)."""


@dataclass(frozen=True)
class CertificateInfo:
    subject: str
    issuer: str
    sans: list[str]
    not_before: datetime.datetime
    not_after: datetime.datetime
    sha256: str
    sha1: str
    is_ca: bool


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


def describe(cert_path: Path) -> CertificateInfo:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    cert = x509.load_pem_x509_certificate(Path(cert_path).read_bytes())
    try:
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        sans = [f"DNS:{n}" for n in san.get_values_for_type(x509.DNSName)] + \
               [f"IP:{a}" for a in san.get_values_for_type(x509.IPAddress)]
    except x509.ExtensionNotFound:
        sans = []
    try:
        is_ca = cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    except x509.ExtensionNotFound:
        is_ca = False
    return CertificateInfo(cert.subject.rfc4514_string(), cert.issuer.rfc4514_string(), sans,
                           cert.not_valid_before_utc, cert.not_valid_after_utc,
                           cert.fingerprint(hashes.SHA256()).hex().upper(),
                           cert.fingerprint(hashes.SHA1()).hex().upper(), is_ca)  # noqa: S303 (SSIS shows SHA-1)


# -- making certificates ---------------------------------------------------------------------

def create_master(directory: Path, hosts: Iterable[str], days: int = 825, ca_days: int = 3650,
                  force: bool = False, owner: str | None = None) -> tuple[Path, Path]:
    """A new authority and the database server's certificate with `hosts` (names or IPs) as SANs."""
    directory = Path(directory)
    targets = [directory / n for n in (CA_CERT, CA_KEY, SERVER_CERT, SERVER_KEY)]
    _refuse_overwrite(targets, force)
    hosts = list(hosts)
    if not hosts:
        raise CertificateError("give at least one --host: the name or IP address workers use for the database")
    ca_key = _new_key()
    ca_cert = _issue(ca_key, "scaleout certificate authority", ca_key, None, ca_days, ca=True)
    _write(directory, CA_KEY, _key_pem(ca_key), private=True)
    _write(directory, CA_CERT, _cert_pem(ca_cert))
    server_cert = issue_server(directory, hosts, days, owner=owner)
    return directory / CA_CERT, server_cert


def issue_server(directory: Path, hosts: list[str], days: int = 825, owner: str | None = None) -> Path:
    """(Re)issues the server certificate and key, signed by the authority in `directory`.

    owner: the database server's account (e.g. postgres), which must own its key to read it.
    """
    ca_key, ca_cert = _load_ca(directory)
    key = _new_key()
    cert = _issue(key, hosts[0], ca_key, ca_cert, days, hosts=hosts, server=True)
    _write(directory, SERVER_KEY, _key_pem(key), private=True, owner=owner)
    _write(directory, SERVER_CERT, _cert_pem(cert), owner=owner)
    return Path(directory) / SERVER_CERT


def create_worker(directory: Path, login: str, days: int = 825, force: bool = False) -> tuple[Path, Path]:
    """A worker's key and client certificate (CN = its database login), signed by the authority."""
    _refuse_overwrite([Path(directory) / f"{login}.crt", Path(directory) / f"{login}.key"], force)
    return issue_worker(directory, login, days)


def issue_worker(directory: Path, login: str, days: int = 825, out_dir: Path | None = None) -> tuple[Path, Path]:
    """(Re)issues a worker's key and certificate from the authority in `directory`, into out_dir (default: the same)."""
    ca_key, ca_cert = _load_ca(directory)
    out = Path(out_dir or directory)
    key = _new_key()
    cert = _issue(key, login, ca_key, ca_cert, days, client=True)
    _write(out, f"{login}.key", _key_pem(key), private=True)
    _write(out, f"{login}.crt", _cert_pem(cert))
    return out / f"{login}.crt", out / f"{login}.key"


def rotate_master(directory: Path, days: int = 825, owner: str | None = None) -> Path:
    """A new server key and certificate with the same names, from the same authority."""
    current = Path(directory) / SERVER_CERT
    if not current.exists():
        raise CertificateError(f"{current} not found: create it first with scaleout cert create-master")
    hosts = [s.split(":", 1)[1] for s in describe(current).sans]
    if owner is None and os.geteuid() == 0:
        owner = current.owner()      # keep the server's account as the owner across rotations
    return issue_server(directory, hosts, days, owner=owner)


def rotate_worker(directory: Path, login: str, days: int = 825,
                  announce: Callable[[str], None] | None = None) -> tuple[Path, Path]:
    """A new key and certificate for the worker, from the same authority.

    announce(thumbprint) is called with the new certificate's thumbprint before it replaces
    the old one (the worker tells the catalog, over a connection made with the old one).
    """
    directory = Path(directory)
    current = directory / f"{login}.crt"
    if not current.exists():
        raise CertificateError(f"{current} not found: create it first with scaleout cert create-worker {login}")
    staging = directory / ".rotating"
    crt, key = issue_worker(directory, login, days, out_dir=staging)
    try:
        if announce is not None:
            announce(thumbprint(crt))
        os.replace(key, directory / key.name)
        os.replace(crt, directory / crt.name)
    finally:
        for leftover in (crt, key):
            leftover.unlink(missing_ok=True)
        staging.rmdir()
    return directory / crt.name, directory / key.name


# -- internals -----------------------------------------------------------------------------------

def _new_key():
    from cryptography.hazmat.primitives.asymmetric import ec
    return ec.generate_private_key(ec.SECP256R1())


def _issue(key: Any, common_name: str, ca_key: Any, ca_cert: Any, days: int, *, ca: bool = False,
           hosts: list[str] | None = None, server: bool = False, client: bool = False) -> Any:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
    now = datetime.datetime.now(datetime.timezone.utc)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    builder = (x509.CertificateBuilder()
               .subject_name(subject)
               .issuer_name(subject if ca_cert is None else ca_cert.subject)
               .public_key(key.public_key())
               .serial_number(x509.random_serial_number())
               .not_valid_before(now - datetime.timedelta(minutes=5))
               .not_valid_after(now + datetime.timedelta(days=days))
               .add_extension(x509.BasicConstraints(ca=ca, path_length=0 if ca else None), critical=True)
               .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False))
    if ca:
        builder = builder.add_extension(x509.KeyUsage(
            digital_signature=True, key_cert_sign=True, crl_sign=True, content_commitment=False,
            key_encipherment=False, data_encipherment=False, key_agreement=False, encipher_only=False,
            decipher_only=False), critical=True)
    else:
        builder = builder.add_extension(x509.KeyUsage(
            digital_signature=True, key_encipherment=False, key_cert_sign=False, crl_sign=False,
            content_commitment=False, data_encipherment=False, key_agreement=True, encipher_only=False,
            decipher_only=False), critical=True)
        builder = builder.add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
                                        critical=False)
    if server:
        builder = builder.add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        builder = builder.add_extension(x509.SubjectAlternativeName([_san(h) for h in hosts or []]), critical=False)
    if client:
        builder = builder.add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False)
    return builder.sign(ca_key, hashes.SHA256())


def _san(host: str) -> Any:
    from cryptography import x509
    try:
        return x509.IPAddress(ipaddress.ip_address(host))
    except ValueError:
        return x509.DNSName(host)


def _load_ca(directory: Path) -> tuple[Any, Any]:
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization
    cert_path, key_path = Path(directory) / CA_CERT, Path(directory) / CA_KEY
    if not cert_path.exists() or not key_path.exists():
        raise CertificateError(f"no certificate authority in {directory}: run scaleout cert create-master first "
                               f"(it writes {CA_CERT} and {CA_KEY})")
    return (serialization.load_pem_private_key(key_path.read_bytes(), password=None),
            x509.load_pem_x509_certificate(cert_path.read_bytes()))


def _key_pem(key: Any) -> bytes:
    from cryptography.hazmat.primitives import serialization
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def _cert_pem(cert: Any) -> bytes:
    from cryptography.hazmat.primitives import serialization
    return cert.public_bytes(serialization.Encoding.PEM)


def _refuse_overwrite(paths: list[Path], force: bool) -> None:
    existing = [str(p) for p in paths if p.exists()]
    if existing and not force:
        raise CertificateError(f"{', '.join(existing)} already exist; pass --force to replace them "
                               "(or use scaleout cert rotate)")


def _write(directory: Path, name: str, data: bytes, private: bool = False, owner: str | None = None) -> None:
    """Writes atomically; keys are created 0600 and never exist with wider permissions."""
    import shutil
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    tmp = directory / f".{name}.{os.getpid()}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600 if private else 0o644)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    if owner is not None:
        shutil.chown(tmp, user=owner)
    os.replace(tmp, directory / name)
