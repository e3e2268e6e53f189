"""The IAM service: wires the stores together; handlers live in topic modules.

``user_handlers`` (users, groups, membership), ``role_handlers`` (roles, instance profiles),
``policy_handlers`` (managed policies and versions), ``attachment_handlers`` (inline and
attached policies, permissions boundaries), ``key_handlers`` (access keys),
``account_handlers`` (aliases, authorization details, summary) and ``simulate_handlers``
(the policy simulator).

The Python API other packages use (enforcement, STS): ``policies_for``, ``user``, ``role``,
``user_tags``, ``role_tags``, ``managed_policy_document`` and ``record_key_use``. Every
change bumps ``cloud.generation``, so every worker's caches of parsed policies drop.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from cloudlet.auth.authorize import Check
from cloudlet.core import arns
from cloudlet.core.accounts import Principal
from cloudlet.core.cloud import Cloud
from cloudlet.core.store import Store
from cloudlet.services.base import RequestContext, Service
from cloudlet.services.iam import (
    account_handlers,
    attachment_handlers,
    key_handlers,
    policy_handlers,
    role_handlers,
    simulate_handlers,
    user_handlers,
)
from cloudlet.services.iam.constraints import check_input
from cloudlet.services.iam.entities import Entities, Entity
from cloudlet.services.iam.keys import AccessKeys
from cloudlet.services.iam.policies import Policies
from cloudlet.services.iam.schema import MIGRATIONS
from cloudlet.services.iam.tags import Tags

#: Last use of a key is written at most this often per key (AWS reports it to the hour).
KEY_USE_INTERVAL = 60.0
_READ_ONLY = ("Get", "List", "Simulate", "Generate")


class Iam(Service):
    name = "iam"
    handler_modules = (
        user_handlers,
        role_handlers,
        policy_handlers,
        attachment_handlers,
        key_handlers,
        account_handlers,
        simulate_handlers,
    )

    def __init__(self, cloud: Cloud) -> None:
        super().__init__(cloud)
        root = cloud.data_dir / "iam"
        root.mkdir(parents=True, exist_ok=True)
        self.store = Store(root / "iam.db", MIGRATIONS)
        self.entities = Entities(self.store, cloud.clock)
        self.policies = Policies(self.store, cloud.clock)
        self.keys = AccessKeys(self.store, cloud.clock, cloud.accounts)
        self.tags = Tags(self.store)
        self._key_use: dict[str, float] = {}
        self.handlers = {name: self._checked(name, fn) for name, fn in self.handlers.items()}

    def _checked(self, name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        """Every handler: input constraints first, key use recorded, changes counted."""
        changes = not name.startswith(_READ_ONLY)

        def run(ctx: RequestContext, params: dict[str, Any]) -> Any:
            if ctx.operation is not None:
                check_input(ctx.operation.input_shape, params)
            if ctx.principal is not None:
                self.record_key_use(ctx.principal.access_key_id, "iam", ctx.region)
            try:
                return fn(ctx, params)
            finally:
                if changes:  # even a failed change may have written part of its work
                    self.cloud.generation.bump()

        return run

    def authorization(self, ctx: RequestContext) -> list[Check]:
        """``iam:<Operation>`` on the user, role, group, policy or instance profile named;
        on the caller itself for the operations that default to it (GetUser, access keys)."""
        params = ctx.params
        account = ctx.principal.account_id if ctx.principal else ""
        resource = "*"
        for param, kind in (("UserName", "user"), ("RoleName", "role"), ("GroupName", "group")):
            name = params.get(param)
            if name:
                entity = self.entities.find(account, kind, name)
                resource = (
                    entity.arn if entity else arns.build("iam", "", account, f"{kind}/{name}")
                )
                break
        else:
            if params.get("PolicyArn"):
                resource = params["PolicyArn"]
            elif params.get("InstanceProfileName"):
                name = params["InstanceProfileName"]
                resource = arns.build("iam", "", account, f"instance-profile/{name}")
            elif ctx.principal is not None and ctx.principal.kind == "user":
                resource = ctx.principal.arn
        return [Check(f"iam:{ctx.operation_name}", resource, account or None)]

    # -- the Python API -------------------------------------------------------------

    def user(self, account_id: str, name: str) -> Entity | None:
        return self.entities.find(account_id, "user", name)

    def role(self, account_id: str, name: str) -> Entity | None:
        return self.entities.find(account_id, "role", name)

    def user_tags(self, account_id: str, name: str) -> dict[str, str]:
        return self.tags.as_dict(account_id, "user", name)

    def role_tags(self, account_id: str, name: str) -> dict[str, str]:
        return self.tags.as_dict(account_id, "role", name)

    def managed_policy_document(self, account_id: str, arn: str) -> str | None:
        """The default version's document of a policy the account may use, else None."""
        found = self.policies.find(account_id, arn)
        return self.policies.default_document(found) if found is not None else None

    def policies_for(self, principal: Principal) -> tuple[list[str], str | None]:
        """Identity policy documents of the principal, and its permissions boundary.

        A user's are its inline and attached policies and those of its groups; an assumed-role
        session's are its role's (session policies: ``sts.session_policies``). Root and
        unknown principals have none.
        """
        found = principal_entity(principal)
        if found is None:
            return [], None
        kind, name = found
        entity = self.entities.find(principal.account_id, kind, name)
        if entity is None:
            return [], None
        documents = self.identity_documents(entity)
        boundary = None
        if entity.boundary_arn is not None:
            boundary = self.managed_policy_document(entity.account_id, entity.boundary_arn)
        return documents, boundary

    def identity_documents(self, entity: Entity) -> list[str]:
        acct = entity.account_id
        owners = [(entity.kind, entity.name)]
        if entity.kind == "user":
            owners += [("group", g.name) for g in self.entities.groups_of(acct, entity.name)]
        documents: list[str] = []
        for kind, name in owners:
            documents += [doc for _, doc in self.policies.inline(acct, kind, name)]
            documents += [
                self.policies.default_document(p) for p in self.policies.attached(acct, kind, name)
            ]
        return documents

    def record_key_use(self, access_key_id: str, service: str, region: str) -> None:
        """GetAccessKeyLastUsed's data; written at most once a minute per key."""
        if not access_key_id.startswith("AKIA"):  # temporary credentials are not IAM keys
            return
        now = self.cloud.clock.time()
        last = self._key_use.get(access_key_id)
        if last is not None and now - last < KEY_USE_INTERVAL:
            return
        self._key_use[access_key_id] = now
        self.keys.record_use(access_key_id, service, region or self.cloud.config.region)

    def record_role_use(self, account_id: str, name: str, region: str) -> None:
        self.entities.update(
            account_id, "role", name, last_used=self.cloud.clock.time(), last_used_region=region
        )

    def close(self) -> None:
        self.store.close()


def principal_entity(principal: Principal) -> tuple[str, str] | None:
    """("user", name) or ("role", name) behind a principal; None for root and federation."""
    resource = arns.parse(principal.arn).resource
    if principal.kind == "user" and resource.startswith("user/"):
        return "user", resource.rsplit("/", 1)[1]
    if principal.kind == "assumed-role" and resource.startswith("assumed-role/"):
        return "role", resource.split("/")[1]
    return None


def create(cloud: Cloud) -> Iam:
    return Iam(cloud)
