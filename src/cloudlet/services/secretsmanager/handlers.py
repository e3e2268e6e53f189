"""The Secrets Manager service: wiring, secret lookup, and sealing values through KMS.

Handlers live in topic modules: ``secret_handlers`` (create, describe, update, delete,
restore, tags), ``value_handlers`` (versions and staging labels), ``listing``
(ListSecrets), ``policy_handlers`` (resource policies), ``rotation`` and ``passwords``.

A value is sealed with AES-256-GCM under a fresh data key from KMS (``generate_data_key``
with the encryption context ``SecretARN`` / ``SecretVersionId``, as AWS uses); only the
KMS-encrypted data key and the sealed value are stored, so the plaintext never reaches disk.
"""

from __future__ import annotations

import logging
import secrets as random
import string
from typing import TYPE_CHECKING, cast

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from cloudlet.auth.authorize import Check
from cloudlet.core import arns
from cloudlet.core.cloud import Cloud
from cloudlet.core.errors import ServiceError
from cloudlet.core.store import Store
from cloudlet.services.base import RequestContext, Service
from cloudlet.services.secretsmanager import (
    authz,
    listing,
    passwords,
    policy_handlers,
    rotation,
    secret_handlers,
    value_handlers,
)
from cloudlet.services.secretsmanager.errors import (
    MARKED_FOR_DELETION,
    AccessDeniedException,
    DecryptionFailure,
    EncryptionFailure,
    InvalidRequestException,
    ResourceNotFoundException,
)
from cloudlet.services.secretsmanager.schema import MIGRATIONS
from cloudlet.services.secretsmanager.secrets import Secret, Secrets, Version

if TYPE_CHECKING:
    from cloudlet.services.kms.handlers import Kms

log = logging.getLogger("cloudlet.secretsmanager")

DAY = 86400.0
#: What ListSecretVersionIds names as the key of versions sealed by aws/secretsmanager.
DEFAULT_KEY_LABEL = "DefaultEncryptionKey"
_SUFFIX_ALPHABET = string.ascii_letters + string.digits
#: KMS errors that mean "this caller may not use that key" rather than "the key is unusable".
_ACCESS_ERRORS = ("NotFoundException", "AccessDeniedException")


class SecretsManager(Service):
    name = "secretsmanager"
    handler_modules = (
        secret_handlers,
        value_handlers,
        listing,
        policy_handlers,
        rotation,
        passwords,
    )

    def __init__(self, cloud: Cloud) -> None:
        super().__init__(cloud)
        root = cloud.data_dir / "secretsmanager"
        root.mkdir(parents=True, exist_ok=True)
        fsync = cloud.config.durability == "fsync"
        self.store = Store(
            root / "secretsmanager.db", MIGRATIONS, synchronous="FULL" if fsync else "NORMAL"
        )
        self.secrets = Secrets(self.store)
        cloud.scheduler.every(60, "secretsmanager-deletions", self.run_due_work)

    def authorization(self, ctx: RequestContext) -> list[Check]:
        return authz.checks_for(self, ctx)

    @property
    def kms(self) -> Kms:
        return cast("Kms", self.cloud.service("kms"))

    # -- finding secrets ------------------------------------------------------------------

    def find(self, account_id: str, region: str, secret_id: str) -> Secret | None:
        """By name, by full ARN, or by partial ARN (the ARN without its random suffix)."""
        if not secret_id.startswith("arn:"):
            return self.secrets.by_name(account_id, region, secret_id)
        secret = self.secrets.get(secret_id)
        if secret is not None:
            ok = secret.account_id == account_id and secret.region == region
            return secret if ok else None
        try:
            arn = arns.parse(secret_id)
        except ValueError:
            return None
        if (
            arn.service != "secretsmanager"
            or arn.account != account_id
            or arn.region != region
            or not arn.resource.startswith("secret:")
        ):
            return None
        return self.secrets.by_name(account_id, region, arn.resource[len("secret:") :])

    def get(
        self, account_id: str, region: str, secret_id: str, *, deleted_ok: bool = False
    ) -> Secret:
        secret = self.find(account_id, region, secret_id)
        if secret is None:
            raise ResourceNotFoundException()
        if secret.deletion_date is not None and not deleted_ok:
            raise InvalidRequestException(MARKED_FOR_DELETION)
        return secret

    def new_arn(self, account_id: str, region: str, name: str) -> str:
        """AWS appends a hyphen and six random characters to the name."""
        suffix = "".join(random.choice(_SUFFIX_ALPHABET) for _ in range(6))
        return arns.build("secretsmanager", region, account_id, f"secret:{name}-{suffix}")

    # -- sealing values -------------------------------------------------------------------

    def seal(
        self, secret: Secret, version_id: str, value: bytes, kind: str, created: float
    ) -> Version:
        """A new version holding ``value`` sealed under a fresh KMS data key."""
        kms = self.kms
        context = _context(secret, version_id)
        try:
            ref = secret.kms_key_id or kms.managed_key(
                secret.account_id, secret.region, "secretsmanager"
            )
            _, data_key, blob = kms.generate_data_key(
                secret.account_id, secret.region, ref, context
            )
        except ServiceError as exc:
            raise _kms_failure(exc, EncryptionFailure()) from exc
        nonce = random.token_bytes(12)
        sealed = nonce + AESGCM(data_key).encrypt(nonce, value, _aad(secret.arn, version_id, kind))
        return Version(
            arn=secret.arn,
            version_id=version_id,
            created=created,
            kind=kind,
            kms_key_label=secret.kms_key_id or DEFAULT_KEY_LABEL,
            data_key=blob,
            sealed=sealed,
        )

    def check_key(self, secret: Secret) -> None:
        """Refuse a KmsKeyId that cannot encrypt (missing, disabled, asymmetric...)."""
        if secret.kms_key_id is None:
            return
        try:
            self.kms.key_arn(secret.account_id, secret.region, secret.kms_key_id)
        except ServiceError as exc:
            raise _kms_failure(exc, EncryptionFailure()) from exc

    def open(self, secret: Secret, version: Version) -> bytes:
        """The plaintext of a version (its data key decrypted by KMS)."""
        try:
            _, data_key = self.kms.decrypt(
                secret.account_id,
                secret.region,
                version.data_key,
                _context(secret, version.version_id),
            )
        except ServiceError as exc:
            raise _kms_failure(exc, DecryptionFailure()) from exc
        try:
            return AESGCM(data_key).decrypt(
                version.sealed[:12],
                version.sealed[12:],
                _aad(secret.arn, version.version_id, version.kind),
            )
        except InvalidTag as exc:
            raise DecryptionFailure() from exc

    # -- the clock's work -----------------------------------------------------------------

    def run_due_work(self) -> None:
        """Delete secrets whose recovery window ended."""
        for arn in self.secrets.due_for_deletion(self.cloud.clock.time()):
            self.secrets.delete(arn)
            log.info("deleted secret %s at the end of its recovery window", arn)

    def close(self) -> None:
        self.store.close()


def _context(secret: Secret, version_id: str) -> dict[str, str]:
    return {"SecretARN": secret.arn, "SecretVersionId": version_id}


def _aad(arn: str, version_id: str, kind: str) -> bytes:
    return f"{arn}\n{version_id}\n{kind}".encode()


def _kms_failure(exc: ServiceError, otherwise: ServiceError) -> ServiceError:
    if exc.code in _ACCESS_ERRORS:
        return AccessDeniedException()
    return otherwise


def create(cloud: Cloud) -> SecretsManager:
    return SecretsManager(cloud)
