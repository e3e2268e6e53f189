"""The KMS schema, as ordered migrations (see ``core.store.Store``).

Key material is stored only wrapped by the master key (``material.MasterKey``).
"""

MIGRATIONS = [
    """
    CREATE TABLE keys (
        key_id TEXT PRIMARY KEY,
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        description TEXT NOT NULL DEFAULT '',
        key_usage TEXT NOT NULL,
        key_spec TEXT NOT NULL,
        origin TEXT NOT NULL DEFAULT 'AWS_KMS',
        key_manager TEXT NOT NULL DEFAULT 'CUSTOMER',
        state TEXT NOT NULL,
        created REAL NOT NULL,
        deletion_date REAL,
        pending_window_days INTEGER,
        rotation_enabled INTEGER NOT NULL DEFAULT 0,
        rotation_period_days INTEGER,
        next_rotation REAL,
        on_demand_started REAL,
        multi_region INTEGER NOT NULL DEFAULT 0,
        policy TEXT NOT NULL
    );
    CREATE INDEX keys_by_account ON keys(account_id, region, key_id);
    CREATE INDEX keys_by_deletion ON keys(deletion_date) WHERE deletion_date IS NOT NULL;
    CREATE INDEX keys_by_rotation ON keys(next_rotation) WHERE next_rotation IS NOT NULL;
    CREATE TABLE materials (
        key_id TEXT NOT NULL REFERENCES keys(key_id) ON DELETE CASCADE,
        version INTEGER NOT NULL,
        material_id TEXT NOT NULL,
        wrapped BLOB NOT NULL,
        created REAL NOT NULL,
        rotation_type TEXT,
        PRIMARY KEY (key_id, version)
    ) WITHOUT ROWID;
    CREATE TABLE key_tags (
        key_id TEXT NOT NULL REFERENCES keys(key_id) ON DELETE CASCADE,
        tag_key TEXT NOT NULL,
        tag_value TEXT NOT NULL,
        PRIMARY KEY (key_id, tag_key)
    ) WITHOUT ROWID;
    CREATE TABLE aliases (
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        name TEXT NOT NULL,
        key_id TEXT NOT NULL REFERENCES keys(key_id) ON DELETE CASCADE,
        created REAL NOT NULL,
        updated REAL NOT NULL,
        PRIMARY KEY (account_id, region, name)
    ) WITHOUT ROWID;
    CREATE INDEX aliases_by_key ON aliases(key_id);
    CREATE TABLE grants (
        grant_id TEXT PRIMARY KEY,
        key_id TEXT NOT NULL REFERENCES keys(key_id) ON DELETE CASCADE,
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        name TEXT,
        grantee TEXT NOT NULL,
        retiring TEXT,
        operations TEXT NOT NULL,
        constraints TEXT,
        created REAL NOT NULL,
        token TEXT NOT NULL UNIQUE
    );
    CREATE INDEX grants_by_key ON grants(key_id, grant_id);
    CREATE INDEX grants_by_retiring ON grants(retiring, grant_id);
    """
]
