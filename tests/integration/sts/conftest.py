"""STS tests share the IAM helpers and fixtures."""

from __future__ import annotations

from ..iam.conftest import iam, other_account, other_iam, user_with_key

__all__ = ["iam", "other_account", "other_iam", "user_with_key"]
