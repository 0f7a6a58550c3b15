import RosterModel
import RosterStore

/// Writes the change feed (migration 7's `revisions` and `changes`) from triggers on the writer connection, so that
/// no write path can forget it: the first row a transaction changes in a table the feed covers opens its revision,
/// and every row it changes in a table the policy follows names its entity. `closeRevision` ends the write's revision
/// just before its savepoint is released, so writes sharing a commit (`CommitBatch`) each get a revision of their own.
///
/// The triggers are TEMP (the connection's own) because they keep the open revision in a TEMP table; every Roster
/// process writing to the file installs them. Changes made past Roster (the `sqlite3` shell) are not followed.
enum ChangeFeed {
    /// Installs the triggers on a writer connection, after the migrations.
    static func install(on connection: DatabaseConnection) async throws {
        _ = try await connection.query("CREATE TEMP TABLE open_revision (revision INTEGER NOT NULL)")
        for statement in triggers {
            _ = try await connection.query(statement)
        }
    }

    /// Ends the write's revision; returns its number, or nothing when the write changed nothing the feed covers. Runs
    /// inside the write, last.
    static let closeRevision = "DELETE FROM temp.open_revision RETURNING revision"

    /// The statements that open the transaction's revision when it has none yet.
    private static let openRevision = """
        INSERT INTO main.revisions (committed_at) SELECT unixepoch() WHERE NOT EXISTS (SELECT 1 FROM temp.open_revision);
        INSERT INTO temp.open_revision (revision) SELECT last_insert_rowid() WHERE NOT EXISTS (SELECT 1 FROM temp.open_revision);
        """

    /// A statement naming the entity `kind` whose id is `id` (an expression over NEW or OLD) in the open revision.
    private static func note(_ kind: String, _ id: String) -> String {
        "INSERT OR IGNORE INTO main.changes (revision, kind, entity) SELECT revision, '\(kind)', \(id) FROM temp.open_revision;"
    }

    /// A trigger on `table` for `event` whose body opens the revision and runs `notes`.
    private static func trigger(_ table: String, _ event: String, _ notes: [String]) -> String {
        let name = "feed_\(table)_\(event.split(separator: " ")[0].lowercased())"
        return "CREATE TEMP TRIGGER \(name) AFTER \(event) ON main.\(table) BEGIN \(openRevision) \(notes.joined(separator: " ")) END"
    }

    /// The entities each followed table's rows name; `row` is NEW or OLD.
    private static let followed: [(table: String, notes: @Sendable (String) -> [String])] = [
        // A user's row carries its organization role's name; the roles it created show its name and email.
        ("users", { row in
            [note("user", "\(row).id"), "INSERT OR IGNORE INTO main.changes (revision, kind, entity) SELECT o.revision, 'role', r.id FROM temp.open_revision o JOIN main.roles r ON r.created_by = \(row).id;"]
        }),
        ("group_members", { row in [note("user", "\(row).user_id")] }),
        ("project_members", { row in [note("user", "\(row).user_id")] }),
        ("project_groups", { row in [note("group", "\(row).group_id")] }),
        ("user_roles", { row in [note("user", "\(row).user_id")] }),
        ("groups", { row in [note("group", "\(row).id")] }),
        ("group_roles", { row in [note("group", "\(row).group_id")] }),
        ("roles", { row in [note("role", "\(row).id")] }),
        ("projects", { row in [note("project", "\(row).id")] }),
        // What a project's keys may call.
        ("service_accounts", { row in [note("project", "\(row).project_id")] }),
        ("project_model_permissions", { row in [note("project", "\(row).project_id")] }),
        ("project_disabled_tools", { row in [note("project", "\(row).project_id")] }),
        ("project_rate_limits", { row in [note("project", "\(row).project_id")] }),
        ("models", { row in [note("model", "\(row).id")] }),
    ]

    private static let triggers: [String] = {
        var statements: [String] = []
        for (table, notes) in followed {
            statements.append(trigger(table, "INSERT", notes("NEW")))
            statements.append(trigger(table, "UPDATE", notes("NEW")))
            statements.append(trigger(table, "DELETE", notes("OLD")))
        }
        // A key's last use is bookkeeping, not a change of what it may do.
        let keyColumns = "UPDATE OF owner_id, expires_at, scopes, secret_hash"
        statements.append(trigger("admin_keys", "INSERT", [note("key", "NEW.id")]))
        statements.append(trigger("admin_keys", keyColumns, [note("key", "NEW.id")]))
        statements.append(trigger("admin_keys", "DELETE", [note("key", "OLD.id")]))
        statements.append(trigger("project_api_keys", "INSERT", [note("project_key", "NEW.id")]))
        statements.append(trigger("project_api_keys", "UPDATE OF scopes, expires_at, secret_hash", [note("project_key", "NEW.id")]))
        statements.append(trigger("project_api_keys", "DELETE", [note("project_key", "OLD.id")]))
        // Every other write records an audit event, which gives it a revision too.
        statements.append(trigger("audit_logs", "INSERT", []))
        return statements
    }()
}
