import RosterModel
import RosterStore

/// The change feed in PostgreSQL: triggers write `revisions` and `changes`, so that no write path can forget them,
/// as the SQLite backend's do. The first row a transaction changes in a table the feed covers opens its revision (kept
/// for the rest of the transaction in the transaction-local setting `roster.revision`), and every row it changes in a
/// table the policy follows names its entity.
///
/// Revisions are numbered in commit order, with no gaps, because write transactions take one advisory lock first
/// (`PostgresDatastore.writeLock`) and hold it until they end: a transaction numbers its revision one past the latest
/// only while no other write is open, so none that commits late can carry a smaller number than one a follower has
/// already read (a sequence would hand out numbers before commit, in no particular commit order). Reads take no lock.
enum PostgresChangeFeed {
    /// The channel a commit's revision is announced on (`NOTIFY`, delivered when the transaction commits).
    static let channel = "roster_revisions"

    /// Migration 2: the revision function also announces the revision on `channel`, so followers learn of a commit
    /// at once instead of at their next poll. A rolled-back transaction announces nothing.
    static let notifying = [revisionFunction(announcing: true)]

    /// The transaction's revision, opened by its first followed write; with `announcing`, also sent on `channel`.
    private static func revisionFunction(announcing: Bool) -> String {
        """
        CREATE OR REPLACE FUNCTION roster_revision() RETURNS bigint LANGUAGE plpgsql AS $$
        DECLARE
            opened bigint := nullif(current_setting('roster.revision', true), '')::bigint;
        BEGIN
            IF opened IS NULL THEN
                INSERT INTO revisions (revision, committed_at) SELECT coalesce(max(revision), 0) + 1, unixepoch() FROM revisions
                RETURNING revision INTO opened;
                PERFORM set_config('roster.revision', opened::text, true);\(announcing ? "\n        PERFORM pg_notify('\(channel)', opened::text);" : "")
            END IF;
            RETURN opened;
        END $$
        """
    }

    /// Migration 1: the feed's functions and triggers.
    static let statements: [String] = [
        revisionFunction(announcing: false),
        // A row trigger: opens the revision and, with arguments (kind, column), names the entity the row's column holds.
        """
        CREATE FUNCTION roster_feed() RETURNS trigger LANGUAGE plpgsql AS $$
        DECLARE
            changed jsonb := to_jsonb(CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END);
            feed_revision bigint := roster_revision();
        BEGIN
            IF TG_NARGS = 2 THEN
                INSERT INTO changes (revision, kind, entity) VALUES (feed_revision, TG_ARGV[0], changed ->> TG_ARGV[1])
                ON CONFLICT DO NOTHING;
            END IF;
            -- A user's row carries its organization role's name; the roles it created show its name and email.
            IF TG_TABLE_NAME = 'users' THEN
                INSERT INTO changes (revision, kind, entity)
                SELECT feed_revision, 'role', r.id FROM roles r WHERE r.created_by = changed ->> 'id'
                ON CONFLICT DO NOTHING;
            END IF;
            RETURN NULL;
        END $$
        """,
    ] + followed.map { table, kind, column in
        "CREATE TRIGGER feed AFTER INSERT OR UPDATE OR DELETE ON \(table) FOR EACH ROW EXECUTE FUNCTION roster_feed('\(kind)', '\(column)')"
    } + [
        // A key's last use is bookkeeping, not a change of what it may do.
        "CREATE TRIGGER feed AFTER INSERT OR DELETE ON admin_keys FOR EACH ROW EXECUTE FUNCTION roster_feed('key', 'id')",
        """
        CREATE TRIGGER feed_update AFTER UPDATE OF owner_id, expires_at, scopes, secret_hash ON admin_keys
        FOR EACH ROW EXECUTE FUNCTION roster_feed('key', 'id')
        """,
        // Every other write records an audit event, which gives it a revision too.
        "CREATE TRIGGER feed AFTER INSERT ON audit_logs FOR EACH ROW EXECUTE FUNCTION roster_feed()",
    ]

    /// Migration 3: what a project's keys may call names the project, a project membership its user or group, a model
    /// names itself, and a project API key names itself (its last use is bookkeeping, not a change of what it may do).
    static let projectAccess: [String] = projectAccessTables.map { table in
        "CREATE TRIGGER feed AFTER INSERT OR UPDATE OR DELETE ON \(table) FOR EACH ROW EXECUTE FUNCTION roster_feed('project', 'project_id')"
    } + [
        "CREATE TRIGGER feed AFTER INSERT OR UPDATE OR DELETE ON project_members FOR EACH ROW EXECUTE FUNCTION roster_feed('user', 'user_id')",
        "CREATE TRIGGER feed AFTER INSERT OR UPDATE OR DELETE ON project_groups FOR EACH ROW EXECUTE FUNCTION roster_feed('group', 'group_id')",
        "CREATE TRIGGER feed AFTER INSERT OR UPDATE OR DELETE ON models FOR EACH ROW EXECUTE FUNCTION roster_feed('model', 'id')",
        "CREATE TRIGGER feed AFTER INSERT OR DELETE ON project_api_keys FOR EACH ROW EXECUTE FUNCTION roster_feed('project_key', 'id')",
        """
        CREATE TRIGGER feed_update AFTER UPDATE OF scopes, expires_at, secret_hash ON project_api_keys
        FOR EACH ROW EXECUTE FUNCTION roster_feed('project_key', 'id')
        """,
    ]

    /// The tables whose rows say what a project's keys may call, each naming its project in `project_id`.
    static let projectAccessTables = ["service_accounts", "project_model_permissions", "project_disabled_tools", "project_rate_limits"]

    /// The tables the policy follows, the kind of entity each row names and the column that holds its id.
    private static let followed: [(table: String, kind: String, column: String)] = [
        ("users", "user", "id"),
        ("group_members", "user", "user_id"),
        ("user_roles", "user", "user_id"),
        ("groups", "group", "id"),
        ("group_roles", "group", "group_id"),
        ("roles", "role", "id"),
        ("projects", "project", "id"),
    ]
}
