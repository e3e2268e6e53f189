"""The Athena schema, as ordered migrations (see ``core.store.Store``).

Query executions live here, not in memory: a query started in one worker process is
polled, stopped and paged through from any of them. ``owner_pid`` names the process whose
background thread runs it, so a query whose process died is seen to have failed.
"""

MIGRATIONS = [
    """
    CREATE TABLE executions (
        id TEXT PRIMARY KEY,
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        workgroup TEXT NOT NULL,
        query TEXT NOT NULL,
        database TEXT,
        catalog TEXT,
        output_location TEXT,
        encryption TEXT,
        client_token TEXT,
        parameters TEXT,
        statement_type TEXT,
        substatement_type TEXT,
        state TEXT NOT NULL,
        state_reason TEXT,
        error_type TEXT,
        submitted REAL NOT NULL,
        started REAL,
        planned REAL,
        executed REAL,
        completed REAL,
        scanned_bytes INTEGER NOT NULL DEFAULT 0,
        result_columns TEXT,
        result_rows INTEGER,
        result_file TEXT,
        has_header INTEGER NOT NULL DEFAULT 1,
        update_count INTEGER,
        owner_pid INTEGER
    );
    CREATE INDEX executions_by_workgroup
        ON executions(account_id, region, workgroup, submitted DESC);
    CREATE UNIQUE INDEX executions_by_token
        ON executions(account_id, region, client_token) WHERE client_token IS NOT NULL;
    CREATE INDEX executions_unfinished ON executions(state) WHERE state IN ('QUEUED', 'RUNNING');
    CREATE TABLE workgroups (
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        name TEXT NOT NULL,
        state TEXT NOT NULL,
        description TEXT,
        configuration TEXT NOT NULL,
        created REAL NOT NULL,
        PRIMARY KEY (account_id, region, name)
    ) WITHOUT ROWID;
    CREATE TABLE named_queries (
        id TEXT PRIMARY KEY,
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        name TEXT NOT NULL,
        description TEXT,
        database TEXT NOT NULL,
        query TEXT NOT NULL,
        workgroup TEXT NOT NULL,
        client_token TEXT,
        created REAL NOT NULL
    );
    CREATE INDEX named_queries_by_workgroup
        ON named_queries(account_id, region, workgroup, created);
    CREATE TABLE data_catalogs (
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        name TEXT NOT NULL,
        type TEXT NOT NULL,
        description TEXT,
        parameters TEXT NOT NULL,
        created REAL NOT NULL,
        PRIMARY KEY (account_id, region, name)
    ) WITHOUT ROWID;
    CREATE TABLE tags (
        arn TEXT NOT NULL,
        tag_key TEXT NOT NULL,
        tag_value TEXT NOT NULL,
        PRIMARY KEY (arn, tag_key)
    ) WITHOUT ROWID;
    """
]
