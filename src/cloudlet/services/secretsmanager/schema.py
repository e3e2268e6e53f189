"""The Secrets Manager schema, as ordered migrations (see ``core.store.Store``).

Values are stored only sealed: ``versions.sealed`` is AES-256-GCM under a data key that
KMS generated, and ``versions.data_key`` is that data key encrypted by KMS.
"""

MIGRATIONS = [
    """
    CREATE TABLE secrets (
        arn TEXT PRIMARY KEY,
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        name TEXT NOT NULL,
        description TEXT,
        kms_key_id TEXT,
        type TEXT,
        created REAL NOT NULL,
        last_changed REAL NOT NULL,
        last_accessed REAL,
        deleted_date REAL,
        deletion_date REAL,
        rotation_enabled INTEGER,
        rotation_lambda TEXT,
        rotation_rules TEXT,
        last_rotated REAL,
        next_rotation REAL,
        policy TEXT
    );
    CREATE UNIQUE INDEX secrets_by_name ON secrets(account_id, region, name);
    CREATE INDEX secrets_by_deletion ON secrets(deletion_date) WHERE deletion_date IS NOT NULL;
    CREATE TABLE secret_tags (
        arn TEXT NOT NULL REFERENCES secrets(arn) ON DELETE CASCADE,
        tag_key TEXT NOT NULL,
        tag_value TEXT NOT NULL,
        UNIQUE (arn, tag_key)
    );
    CREATE TABLE versions (
        arn TEXT NOT NULL REFERENCES secrets(arn) ON DELETE CASCADE,
        version_id TEXT NOT NULL,
        created REAL NOT NULL,
        last_accessed REAL,
        kind TEXT NOT NULL,
        kms_key_label TEXT NOT NULL,
        data_key BLOB NOT NULL,
        sealed BLOB NOT NULL,
        PRIMARY KEY (arn, version_id)
    ) WITHOUT ROWID;
    CREATE TABLE stages (
        arn TEXT NOT NULL,
        stage TEXT NOT NULL,
        version_id TEXT NOT NULL,
        PRIMARY KEY (arn, stage),
        FOREIGN KEY (arn, version_id) REFERENCES versions(arn, version_id) ON DELETE CASCADE
    ) WITHOUT ROWID;
    CREATE INDEX stages_by_version ON stages(arn, version_id);
    """
]
