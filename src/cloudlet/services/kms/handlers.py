"""The KMS service: wiring, key lookup and state rules, and the Python API other services use.

Handlers live in topic modules: ``key_handlers`` (key lifecycle), ``rotation_handlers``,
``policy_handlers`` (key policies and tags), ``crypto_handlers`` (Encrypt, Decrypt, data
keys), ``signing_handlers`` (Sign, Verify, MACs), ``alias_handlers`` and ``grant_handlers``.

Other services (Secrets Manager, S3) call ``encrypt``, ``decrypt``, ``generate_data_key``
and ``managed_key`` here, never KMS's tables.
"""

from __future__ import annotations

import logging
import re
import secrets
import uuid

from cloudlet.auth.authorize import Check
from cloudlet.core import arns
from cloudlet.core.cloud import Cloud
from cloudlet.core.store import Store
from cloudlet.services.base import RequestContext, Service
from cloudlet.services.kms import (
    alias_handlers,
    authz,
    ciphertext,
    crypto_handlers,
    grant_handlers,
    key_handlers,
    policy_handlers,
    rotation_handlers,
    signing_handlers,
)
from cloudlet.services.kms import material as crypto
from cloudlet.services.kms.aliases import MANAGED_PREFIX, Alias, Aliases
from cloudlet.services.kms.errors import (
    AccessDeniedException,
    IncorrectKeyException,
    InvalidCiphertextException,
    InvalidKeyUsageException,
    NotFoundException,
)
from cloudlet.services.kms.grants import Grants
from cloudlet.services.kms.keys import DAY, DEFAULT_ROTATION_DAYS, Key, Keys, check_state
from cloudlet.services.kms.policy import managed_policy
from cloudlet.services.kms.schema import MIGRATIONS

log = logging.getLogger("cloudlet.kms")

_KEY_ID = re.compile(
    r"^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})$"
)
#: Services whose ``alias/aws/<service>`` managed key appears on first use.
MANAGED_SERVICES = frozenset(
    {
        "acm", "athena", "backup", "codeartifact", "codecommit", "dynamodb", "ebs",
        "elasticfilesystem", "es", "fsx", "glue", "kinesis", "kinesisvideo", "lambda",
        "lightsail", "logs", "rds", "redshift", "s3", "secretsmanager", "sns", "sqs", "ssm",
        "xray",
    }
)  # fmt: skip
MANAGED_ROTATION_DAYS = 365


class Kms(Service):
    name = "kms"
    handler_modules = (
        key_handlers,
        rotation_handlers,
        policy_handlers,
        crypto_handlers,
        signing_handlers,
        alias_handlers,
        grant_handlers,
    )

    def __init__(self, cloud: Cloud) -> None:
        super().__init__(cloud)
        root = cloud.data_dir / "kms"
        root.mkdir(parents=True, exist_ok=True)
        fsync = cloud.config.durability == "fsync"
        self.master = crypto.MasterKey.load_or_create(root / "master.key")
        self.store = Store(root / "kms.db", MIGRATIONS, synchronous="FULL" if fsync else "NORMAL")
        self.keys = Keys(self.store, self.master)
        self.aliases = Aliases(self.store)
        self.grants = Grants(self.store)
        cloud.scheduler.every(60, "kms-deletions-and-rotations", self.run_due_work)

    def authorization(self, ctx: RequestContext) -> list[Check]:
        return authz.checks_for(self, ctx)

    # -- finding keys -------------------------------------------------------------------

    def find_key(self, account_id: str, region: str, ref: str, *, aliases: bool = True) -> Key:
        """The key ``ref`` names: key id, key ARN, and (where allowed) alias name or ARN."""
        key_id, alias_name = self._parse_ref(account_id, region, ref)
        if alias_name is not None:
            if not aliases:
                raise NotFoundException(f"Invalid keyId '{ref}'")
            return self._by_alias(account_id, region, alias_name)
        key = self.keys.get(key_id) if _KEY_ID.match(key_id) else None
        if key is None or key.account_id != account_id or key.region != region:
            if not _KEY_ID.match(key_id):
                raise NotFoundException(f"Invalid keyId '{ref}'")
            arn = arns.build("kms", region, account_id, f"key/{key_id}")
            raise NotFoundException(f"Key '{arn}' does not exist")
        return key

    def _parse_ref(self, account_id: str, region: str, ref: str) -> tuple[str, str | None]:
        if ref.startswith("alias/"):
            return "", ref
        if not ref.startswith("arn:"):
            return ref, None
        try:
            arn = arns.parse(ref)
        except ValueError:
            raise NotFoundException(f"Invalid arn {ref}") from None
        kind, _, name = arn.resource.partition("/")
        if arn.service != "kms" or kind not in ("key", "alias") or not name:
            raise NotFoundException(f"Invalid arn {ref}")
        if arn.account != account_id:
            # Another account's key: its default key policy grants this account nothing.
            raise AccessDeniedException(
                f"User: {arns.root(account_id)} is not authorized to perform this operation "
                f"on resource: {ref} because no resource-based policy allows it"
            )
        if arn.region != region:
            if kind == "alias":
                raise NotFoundException(f"Alias {ref} is not found.")
            raise NotFoundException(f"Key '{ref}' does not exist")
        return (name, None) if kind == "key" else ("", f"alias/{name}")

    def _by_alias(self, account_id: str, region: str, name: str) -> Key:
        alias = self.aliases.get(account_id, region, name)
        if alias is None and name.startswith(MANAGED_PREFIX):
            service = name[len(MANAGED_PREFIX) :]
            if service in MANAGED_SERVICES:
                return self._managed(account_id, region, service)
        key = self.keys.get(alias.key_id) if alias is not None else None
        if key is None:
            arn = arns.build("kms", region, account_id, name)
            raise NotFoundException(f"Alias {arn} is not found.")
        return key

    def usable_key(
        self,
        account_id: str,
        region: str,
        ref: str,
        operation: str,
        usage: str | None = None,
        *,
        symmetric: bool = False,
    ) -> Key:
        """A key a cryptographic operation may use now, or the error AWS gives."""
        key = self.find_key(account_id, region, ref)
        check_state(key)
        if (usage is not None and key.key_usage != usage) or (symmetric and not key.symmetric):
            raise InvalidKeyUsageException(
                f"{key.arn} key usage is {key.key_usage} (key spec {key.key_spec}), which is "
                f"not valid for {operation}."
            )
        return key

    # -- the AWS managed keys -------------------------------------------------------------

    def managed_key(self, account_id: str, region: str, service: str) -> str:
        """The ARN of ``alias/aws/<service>``'s key, created on first use as AWS does."""
        return self._managed(account_id, region, service).arn

    def _managed(self, account_id: str, region: str, service: str) -> Key:
        name = f"{MANAGED_PREFIX}{service}"
        alias = self.aliases.get(account_id, region, name)
        found = self.keys.get(alias.key_id) if alias is not None else None
        if found is not None:
            return found
        now = self.cloud.clock.time()
        key = Key(
            key_id=str(uuid.uuid4()),
            account_id=account_id,
            region=region,
            description=f"Default key that protects my {service} data when no other key is defined",
            key_usage="ENCRYPT_DECRYPT",
            key_spec="SYMMETRIC_DEFAULT",
            state="Enabled",
            created=now,
            policy=managed_policy(account_id, region, service),
            key_manager="AWS",
            rotation_enabled=True,
            rotation_period_days=MANAGED_ROTATION_DAYS,
            next_rotation=now + MANAGED_ROTATION_DAYS * DAY,
        )
        # The check and the insert share one write transaction, which SQLite serialises
        # across threads and worker processes: the first caller creates the key, the rest
        # find it.
        with self.store.write() as conn:
            row = conn.execute(
                "SELECT key_id FROM aliases WHERE account_id=? AND region=? AND name=?",
                (account_id, region, name),
            ).fetchone()
            if row is None:
                self.keys.insert(conn, key, crypto.generate(key.key_spec), [])
                self.aliases.insert(conn, Alias(account_id, region, name, key.key_id, now, now))
        if row is not None:
            existing = self.keys.get(row[0])
            assert existing is not None
            return existing
        return key

    # -- sealing ------------------------------------------------------------------------

    def seal(self, key: Key, plaintext: bytes, context: dict[str, str] | None) -> bytes:
        """A symmetric ciphertext blob under the key's current material."""
        header = ciphertext.Header(key.key_id, key.current_version).pack()
        aad = ciphertext.associated_data(header, context)
        return header + crypto.seal(self.keys.current_material(key), plaintext, aad)

    def unseal(
        self,
        account_id: str,
        region: str,
        blob: bytes,
        context: dict[str, str] | None,
        expected: Key | None = None,
    ) -> tuple[Key, bytes, bytes]:
        """(key, plaintext, material) of a symmetric blob; the key must be usable."""
        header, sealed = ciphertext.unpack(blob)
        key = self.keys.get(header.key_id)
        if key is None or key.account_id != account_id or key.region != region:
            raise InvalidCiphertextException()
        if expected is not None and expected.key_id != key.key_id:
            raise IncorrectKeyException()
        check_state(key)
        if not key.symmetric:
            raise InvalidCiphertextException()
        material = self.keys.material(key.key_id, header.version)
        if material is None:
            raise InvalidCiphertextException()
        aad = ciphertext.associated_data(blob[: ciphertext.HEADER_BYTES], context)
        return key, crypto.open_sealed(material, sealed, aad), material

    # -- Python API for other services ------------------------------------------------------

    def encrypt(
        self,
        account_id: str,
        region: str,
        key_id: str,
        plaintext: bytes,
        context: dict[str, str] | None = None,
    ) -> bytes:
        """Encrypt under a symmetric key (id, ARN or alias); the blob names its key."""
        key = self.usable_key(account_id, region, key_id, "Encrypt", symmetric=True)
        return self.seal(key, plaintext, context)

    def decrypt(
        self,
        account_id: str,
        region: str,
        blob: bytes,
        context: dict[str, str] | None = None,
    ) -> tuple[str, bytes]:
        """(key ARN, plaintext) of a blob ``encrypt`` made; the context must match."""
        key, plaintext, _ = self.unseal(account_id, region, blob, context)
        return key.arn, plaintext

    def generate_data_key(
        self,
        account_id: str,
        region: str,
        key_id: str,
        context: dict[str, str] | None = None,
        number_of_bytes: int = 32,
    ) -> tuple[str, bytes, bytes]:
        """(key ARN, plaintext data key, the data key encrypted under the KMS key)."""
        key = self.usable_key(account_id, region, key_id, "GenerateDataKey", symmetric=True)
        plaintext = secrets.token_bytes(number_of_bytes)
        return key.arn, plaintext, self.seal(key, plaintext, context)

    def key_arn(self, account_id: str, region: str, key_id: str) -> str:
        """The ARN of a symmetric key that can encrypt now (validates a KmsKeyId)."""
        return self.usable_key(account_id, region, key_id, "Encrypt", symmetric=True).arn

    # -- the clock's work -----------------------------------------------------------------

    def run_due_work(self) -> None:
        """Delete keys whose waiting period ended; rotate keys whose rotation date came."""
        now = self.cloud.clock.time()
        for key_id in self.keys.due_for_deletion(now):
            self.keys.delete(key_id)
            log.info("deleted KMS key %s at the end of its waiting period", key_id)
        for key in self.keys.due_for_rotation(now):
            self.keys.rotate(key, now, "AUTOMATIC")
            period = (key.rotation_period_days or DEFAULT_ROTATION_DAYS) * DAY
            due = (key.next_rotation or now) + period
            while due <= now:
                due += period
            self.keys.update(key.key_id, next_rotation=due)

    def close(self) -> None:
        self.store.close()


def create(cloud: Cloud) -> Kms:
    return Kms(cloud)
