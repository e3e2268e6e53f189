"""The S3 metadata schema, as ordered migrations (see ``core.store.Store``).

Keys are stored as BLOBs so that SQLite orders them by their UTF-8 bytes, as S3 lists them.
"""

MIGRATIONS = [
    """
    CREATE TABLE buckets (
        name TEXT PRIMARY KEY,
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        created REAL NOT NULL,
        versioning TEXT,
        object_lock INTEGER NOT NULL DEFAULT 0,
        acl TEXT NOT NULL DEFAULT '{}'
    );
    CREATE INDEX buckets_by_account ON buckets(account_id, name);
    CREATE TABLE bucket_configs (
        bucket TEXT NOT NULL REFERENCES buckets(name) ON DELETE CASCADE,
        kind TEXT NOT NULL,
        value TEXT NOT NULL,
        PRIMARY KEY (bucket, kind)
    ) WITHOUT ROWID;
    CREATE TABLE objects (
        bucket TEXT NOT NULL,
        key BLOB NOT NULL,
        version_id TEXT NOT NULL DEFAULT 'null',
        delete_marker INTEGER NOT NULL DEFAULT 0,
        size INTEGER NOT NULL,
        etag TEXT NOT NULL,
        last_modified REAL NOT NULL,
        storage_class TEXT NOT NULL DEFAULT 'STANDARD',
        headers TEXT NOT NULL DEFAULT '{}',
        metadata TEXT NOT NULL DEFAULT '{}',
        tags TEXT NOT NULL DEFAULT '[]',
        checksum TEXT,
        blob TEXT,
        parts TEXT,
        acl TEXT NOT NULL DEFAULT '{}',
        owner TEXT NOT NULL,
        PRIMARY KEY (bucket, key)
    ) WITHOUT ROWID;
    CREATE TABLE uploads (
        upload_id TEXT PRIMARY KEY,
        bucket TEXT NOT NULL,
        key BLOB NOT NULL,
        initiated REAL NOT NULL,
        owner TEXT NOT NULL,
        storage_class TEXT NOT NULL DEFAULT 'STANDARD',
        headers TEXT NOT NULL DEFAULT '{}',
        metadata TEXT NOT NULL DEFAULT '{}',
        tags TEXT NOT NULL DEFAULT '[]',
        acl TEXT NOT NULL DEFAULT '{}',
        checksum_algorithm TEXT,
        checksum_type TEXT
    );
    CREATE INDEX uploads_by_key ON uploads(bucket, key, initiated);
    CREATE TABLE parts (
        upload_id TEXT NOT NULL REFERENCES uploads(upload_id) ON DELETE CASCADE,
        part_number INTEGER NOT NULL,
        size INTEGER NOT NULL,
        etag TEXT NOT NULL,
        last_modified REAL NOT NULL,
        blob TEXT NOT NULL,
        checksum TEXT,
        PRIMARY KEY (upload_id, part_number)
    ) WITHOUT ROWID;
    """
]

# Versioning, storage classes and lifecycle (issue 6). ``objects`` keeps the current version
# of each key (a delete marker included); older versions move to ``versions``, newest with
# the highest ``seq``. ``restore`` is a GLACIER / DEEP_ARCHIVE object's restore state (JSON),
# ``tier`` an INTELLIGENT_TIERING object's access tier (NULL: frequent) and ``accessed`` its
# last access, for tiering.
MIGRATIONS.append(
    """
    ALTER TABLE objects ADD COLUMN restore TEXT;
    ALTER TABLE objects ADD COLUMN tier TEXT;
    ALTER TABLE objects ADD COLUMN accessed REAL;
    CREATE INDEX objects_restoring ON objects(bucket) WHERE restore IS NOT NULL;
    CREATE TABLE versions (
        bucket TEXT NOT NULL,
        key BLOB NOT NULL,
        seq INTEGER NOT NULL,
        version_id TEXT NOT NULL,
        delete_marker INTEGER NOT NULL DEFAULT 0,
        size INTEGER NOT NULL,
        etag TEXT NOT NULL,
        last_modified REAL NOT NULL,
        storage_class TEXT NOT NULL DEFAULT 'STANDARD',
        headers TEXT NOT NULL DEFAULT '{}',
        metadata TEXT NOT NULL DEFAULT '{}',
        tags TEXT NOT NULL DEFAULT '[]',
        checksum TEXT,
        blob TEXT,
        parts TEXT,
        acl TEXT NOT NULL DEFAULT '{}',
        owner TEXT NOT NULL,
        restore TEXT,
        tier TEXT,
        accessed REAL,
        noncurrent_since REAL NOT NULL,
        PRIMARY KEY (bucket, key, seq DESC)
    ) WITHOUT ROWID;
    CREATE UNIQUE INDEX versions_by_id ON versions(bucket, key, version_id);
    CREATE INDEX versions_restoring ON versions(bucket) WHERE restore IS NOT NULL;
    CREATE INDEX objects_tiering ON objects(bucket)
        WHERE storage_class = 'INTELLIGENT_TIERING';
    CREATE INDEX versions_tiering ON versions(bucket)
        WHERE storage_class = 'INTELLIGENT_TIERING';
    """
)

# Object Lock (issue 6): a version's retention and legal hold, as JSON
# {"mode": "GOVERNANCE" | "COMPLIANCE", "until": epoch seconds, "hold": bool}; an upload
# keeps the lock its object will get.
MIGRATIONS.append(
    """
    ALTER TABLE objects ADD COLUMN lock TEXT;
    ALTER TABLE versions ADD COLUMN lock TEXT;
    ALTER TABLE uploads ADD COLUMN lock TEXT;
    """
)

# Server-side encryption (issue 5): how an object's bytes are encrypted, as JSON (see
# ``sse.py``): the algorithm, the KMS key, the wrapped data key; never a plaintext key. An
# upload keeps the encryption its parts and object get.
MIGRATIONS.append(
    """
    ALTER TABLE objects ADD COLUMN encryption TEXT;
    ALTER TABLE versions ADD COLUMN encryption TEXT;
    ALTER TABLE uploads ADD COLUMN encryption TEXT;
    """
)

# Replication (issue 6): a version's x-amz-replication-status (PENDING / COMPLETED / FAILED
# on a source, REPLICA on a copy), and the durable queue of versions waiting to be copied,
# one row per destination. ``target`` is the matching rule's destination (JSON), ``queued``
# the clock time it was queued; a worker owns a row while ``claim`` holds its token (taken
# at ``claimed``, real time, so a crashed worker's rows can be taken over).
MIGRATIONS.append(
    """
    ALTER TABLE objects ADD COLUMN replication TEXT;
    ALTER TABLE versions ADD COLUMN replication TEXT;
    CREATE TABLE replication_queue (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        bucket TEXT NOT NULL,
        key BLOB NOT NULL,
        version_id TEXT NOT NULL,
        target TEXT NOT NULL,
        queued REAL NOT NULL,
        claim TEXT,
        claimed REAL
    );
    CREATE INDEX replication_queue_by_key ON replication_queue(bucket, key, id);
    """
)
