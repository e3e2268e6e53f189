"""The tables of ``iam.db``; every row carries its account id.

Names of users, groups, roles, instance profiles and policies are unique per account
without regard to case, as in AWS, hence ``COLLATE NOCASE``.
"""

from __future__ import annotations

MIGRATIONS = [
    """
    CREATE TABLE entities (
        account_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        name TEXT NOT NULL COLLATE NOCASE,
        path TEXT NOT NULL,
        entity_id TEXT NOT NULL UNIQUE,
        arn TEXT NOT NULL,
        created REAL NOT NULL,
        description TEXT,
        trust_policy TEXT,
        max_session_duration INTEGER,
        boundary_arn TEXT,
        last_used REAL,
        last_used_region TEXT,
        PRIMARY KEY (account_id, kind, name)
    );
    CREATE TABLE group_members (
        account_id TEXT NOT NULL,
        group_name TEXT NOT NULL COLLATE NOCASE,
        user_name TEXT NOT NULL COLLATE NOCASE,
        added REAL NOT NULL,
        PRIMARY KEY (account_id, group_name, user_name)
    );
    CREATE TABLE profile_roles (
        account_id TEXT NOT NULL,
        profile_name TEXT NOT NULL COLLATE NOCASE,
        role_name TEXT NOT NULL COLLATE NOCASE,
        PRIMARY KEY (account_id, profile_name, role_name)
    );
    CREATE TABLE policies (
        account_id TEXT NOT NULL,
        name TEXT NOT NULL COLLATE NOCASE,
        path TEXT NOT NULL,
        policy_id TEXT NOT NULL UNIQUE,
        arn TEXT NOT NULL UNIQUE,
        description TEXT,
        created REAL NOT NULL,
        updated REAL NOT NULL,
        default_version TEXT NOT NULL,
        next_version INTEGER NOT NULL,
        PRIMARY KEY (account_id, name)
    );
    CREATE TABLE policy_versions (
        account_id TEXT NOT NULL,
        policy_arn TEXT NOT NULL,
        version_id TEXT NOT NULL,
        document TEXT NOT NULL,
        created REAL NOT NULL,
        PRIMARY KEY (policy_arn, version_id)
    );
    CREATE TABLE attachments (
        account_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        entity_name TEXT NOT NULL COLLATE NOCASE,
        policy_arn TEXT NOT NULL,
        attached REAL NOT NULL,
        PRIMARY KEY (account_id, kind, entity_name, policy_arn)
    );
    CREATE INDEX attachments_by_policy ON attachments (account_id, policy_arn);
    CREATE TABLE inline_policies (
        account_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        entity_name TEXT NOT NULL COLLATE NOCASE,
        policy_name TEXT NOT NULL COLLATE NOCASE,
        document TEXT NOT NULL,
        PRIMARY KEY (account_id, kind, entity_name, policy_name)
    );
    CREATE TABLE access_keys (
        access_key_id TEXT PRIMARY KEY,
        account_id TEXT NOT NULL,
        user_name TEXT COLLATE NOCASE,
        status TEXT NOT NULL,
        created REAL NOT NULL,
        last_used REAL,
        last_used_service TEXT,
        last_used_region TEXT
    );
    CREATE INDEX access_keys_by_user ON access_keys (account_id, user_name);
    CREATE TABLE tags (
        account_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        resource_name TEXT NOT NULL COLLATE NOCASE,
        key TEXT NOT NULL COLLATE NOCASE,
        value TEXT NOT NULL,
        PRIMARY KEY (account_id, kind, resource_name, key)
    );
    CREATE TABLE account_aliases (
        alias TEXT PRIMARY KEY,
        account_id TEXT NOT NULL UNIQUE
    );
    """
]
