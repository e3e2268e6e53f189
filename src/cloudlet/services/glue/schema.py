"""The Glue schema, as ordered migrations (see ``core.store.Store``).

Catalog entities are stored as their API shape in JSON (``doc``) beside the columns they
are looked up by: the shapes are deep and change with every botocore release, and Glue
returns them as they were put. Names are stored lower-cased (Hive rules).
"""

MIGRATIONS = [
    """
    CREATE TABLE databases (
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        name TEXT NOT NULL,
        doc TEXT NOT NULL,
        PRIMARY KEY (account_id, region, name)
    ) WITHOUT ROWID;
    CREATE TABLE tables (
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        database TEXT NOT NULL,
        name TEXT NOT NULL,
        version INTEGER NOT NULL,
        doc TEXT NOT NULL,
        PRIMARY KEY (account_id, region, database, name)
    ) WITHOUT ROWID;
    CREATE TABLE table_versions (
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        database TEXT NOT NULL,
        name TEXT NOT NULL,
        version INTEGER NOT NULL,
        doc TEXT NOT NULL,
        PRIMARY KEY (account_id, region, database, name, version)
    ) WITHOUT ROWID;
    CREATE TABLE partitions (
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        database TEXT NOT NULL,
        table_name TEXT NOT NULL,
        part_values TEXT NOT NULL,
        doc TEXT NOT NULL,
        PRIMARY KEY (account_id, region, database, table_name, part_values)
    ) WITHOUT ROWID;
    CREATE TABLE column_statistics (
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        database TEXT NOT NULL,
        table_name TEXT NOT NULL,
        part_values TEXT NOT NULL,
        column_name TEXT NOT NULL,
        doc TEXT NOT NULL,
        PRIMARY KEY (account_id, region, database, table_name, part_values, column_name)
    ) WITHOUT ROWID;
    CREATE TABLE connections (
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        name TEXT NOT NULL,
        doc TEXT NOT NULL,
        PRIMARY KEY (account_id, region, name)
    ) WITHOUT ROWID;
    CREATE TABLE classifiers (
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        name TEXT NOT NULL,
        kind TEXT NOT NULL,
        doc TEXT NOT NULL,
        PRIMARY KEY (account_id, region, name)
    ) WITHOUT ROWID;
    CREATE TABLE crawlers (
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        name TEXT NOT NULL,
        doc TEXT NOT NULL,
        state TEXT NOT NULL,
        next_run REAL,
        owner_pid INTEGER,
        stop_requested INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (account_id, region, name)
    ) WITHOUT ROWID;
    CREATE INDEX crawlers_due ON crawlers(next_run) WHERE next_run IS NOT NULL;
    CREATE TABLE crawls (
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        crawler TEXT NOT NULL,
        crawl_id TEXT NOT NULL,
        state TEXT NOT NULL,
        started REAL NOT NULL,
        ended REAL,
        error TEXT,
        summary TEXT,
        PRIMARY KEY (account_id, region, crawler, crawl_id)
    ) WITHOUT ROWID;
    CREATE INDEX crawls_by_start ON crawls(account_id, region, crawler, started);
    CREATE TABLE crawl_logs (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        crawler TEXT NOT NULL,
        at REAL NOT NULL,
        message TEXT NOT NULL
    );
    CREATE INDEX crawl_logs_by_crawler ON crawl_logs(account_id, region, crawler, seq);
    CREATE TABLE crawled_folders (
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        crawler TEXT NOT NULL,
        folder TEXT NOT NULL,
        PRIMARY KEY (account_id, region, crawler, folder)
    ) WITHOUT ROWID;
    CREATE TABLE tags (
        arn TEXT NOT NULL,
        tag_key TEXT NOT NULL,
        tag_value TEXT NOT NULL,
        PRIMARY KEY (arn, tag_key)
    ) WITHOUT ROWID;
    """
]
