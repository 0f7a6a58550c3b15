import Foundation
import RosterModel
import RosterStore
import SQLiteNIO

/// The numbered schema migrations. `PRAGMA user_version` records how many have run; each runs in its own
/// transaction with the version bump, so a crash leaves the database at one version or the next.
enum Migrations {
    struct Migration: Sendable {
        let version: Int
        let statements: [String]
        /// Rows that need Swift to make them (identifiers), inserted after `statements`.
        let seed: (@Sendable (DatabaseConnection) async throws -> Void)?
    }

    static let all: [Migration] = [
        Migration(version: 1, statements: [
            """
            CREATE TABLE users (
                id TEXT PRIMARY KEY,
                email TEXT,
                email_key TEXT,
                name TEXT NOT NULL,
                created_at INTEGER NOT NULL,
                is_scim_managed INTEGER NOT NULL DEFAULT 0,
                technical_level TEXT,
                developer_persona TEXT
            ) WITHOUT ROWID
            """,
            // Lookup by email and the `emails` filter of the users list; `email_key` is the case-folded email.
            "CREATE UNIQUE INDEX users_email ON users (email_key)",
            """
            CREATE TABLE groups (
                id TEXT PRIMARY KEY,
                name TEXT NOT NULL,
                name_key TEXT NOT NULL,
                created_at INTEGER NOT NULL,
                is_scim_managed INTEGER NOT NULL DEFAULT 0
            ) WITHOUT ROWID
            """,
            "CREATE UNIQUE INDEX groups_name ON groups (name_key)",
            """
            CREATE TABLE group_members (
                group_id TEXT NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
                user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
                created_at INTEGER NOT NULL,
                PRIMARY KEY (group_id, user_id)
            ) WITHOUT ROWID
            """,
            // A user's groups (effective roles, cascades on user delete).
            "CREATE INDEX group_members_user ON group_members (user_id, group_id)",
            """
            CREATE TABLE roles (
                id TEXT PRIMARY KEY,
                name TEXT NOT NULL,
                name_key TEXT NOT NULL,
                description TEXT,
                permissions TEXT NOT NULL,
                resource_type TEXT NOT NULL,
                is_predefined INTEGER NOT NULL DEFAULT 0,
                created_at INTEGER NOT NULL,
                updated_at INTEGER NOT NULL,
                created_by TEXT REFERENCES users (id) ON DELETE SET NULL
            ) WITHOUT ROWID
            """,
            // Names are unique per resource type; the list pages by (resource_type, id).
            "CREATE UNIQUE INDEX roles_name ON roles (resource_type, name_key)",
            "CREATE INDEX roles_resource ON roles (resource_type, id)",
            "CREATE INDEX roles_created_by ON roles (created_by)",
            """
            CREATE TABLE user_roles (
                user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
                role_id TEXT NOT NULL REFERENCES roles (id) ON DELETE CASCADE,
                created_at INTEGER NOT NULL,
                PRIMARY KEY (user_id, role_id)
            ) WITHOUT ROWID
            """,
            "CREATE INDEX user_roles_role ON user_roles (role_id)",
            """
            CREATE TABLE group_roles (
                group_id TEXT NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
                role_id TEXT NOT NULL REFERENCES roles (id) ON DELETE CASCADE,
                created_at INTEGER NOT NULL,
                PRIMARY KEY (group_id, role_id)
            ) WITHOUT ROWID
            """,
            "CREATE INDEX group_roles_role ON group_roles (role_id)",
            """
            CREATE TABLE admin_keys (
                id TEXT PRIMARY KEY,
                name TEXT NOT NULL,
                secret_hash BLOB NOT NULL,
                redacted_value TEXT NOT NULL,
                owner_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
                created_at INTEGER NOT NULL
            ) WITHOUT ROWID
            """,
            "CREATE UNIQUE INDEX admin_keys_hash ON admin_keys (secret_hash)",
            "CREATE INDEX admin_keys_owner ON admin_keys (owner_id)",
        ], seed: { connection in
            let now = Int(Date().timeIntervalSince1970)
            for predefined in PredefinedRole.allCases {
                let permissions = String(decoding: try JSONEncoder().encode(predefined.permissions), as: UTF8.self)
                _ = try await connection.query(
                    """
                    INSERT INTO roles (id, name, name_key, description, permissions, resource_type, is_predefined, created_at, updated_at)
                    VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?)
                    """,
                    [
                        .text(Identifier.make(.role).rawValue), .text(predefined.rawValue),
                        .text(Validation.comparisonKey(predefined.rawValue)), .text(predefined.summary),
                        .text(permissions), .text(ResourceType.organization), .integer(now), .integer(now),
                    ])
            }
        }),
        Migration(version: 2, statements: [
            // SCIM: the identity provider's names and ids, deactivation, versions for ETags, and the attributes
            // of the SCIM resource that the organization itself does not use (JSON).
            "ALTER TABLE users ADD COLUMN user_name TEXT",
            "ALTER TABLE users ADD COLUMN user_name_key TEXT",
            "UPDATE users SET user_name = email, user_name_key = email_key",
            "CREATE UNIQUE INDEX users_user_name ON users (user_name_key)",
            "ALTER TABLE users ADD COLUMN external_id TEXT",
            "CREATE INDEX users_external_id ON users (external_id)",
            "ALTER TABLE users ADD COLUMN active INTEGER NOT NULL DEFAULT 1",
            // The users list shows active users only, paged by id.
            "CREATE INDEX users_active ON users (id) WHERE active = 1",
            "ALTER TABLE users ADD COLUMN version INTEGER NOT NULL DEFAULT 1",
            "ALTER TABLE users ADD COLUMN updated_at INTEGER",
            "UPDATE users SET updated_at = created_at",
            "ALTER TABLE users ADD COLUMN scim_attributes TEXT",
            "ALTER TABLE groups ADD COLUMN external_id TEXT",
            "CREATE INDEX groups_external_id ON groups (external_id)",
            "ALTER TABLE groups ADD COLUMN version INTEGER NOT NULL DEFAULT 1",
            "ALTER TABLE groups ADD COLUMN updated_at INTEGER",
            "UPDATE groups SET updated_at = created_at",
        ], seed: nil),
        Migration(version: 3, statements: [
            // Projects, their members, the groups with access, service accounts and invites.
            """
            CREATE TABLE projects (
                id TEXT PRIMARY KEY,
                name TEXT NOT NULL,
                created_at INTEGER NOT NULL,
                archived_at INTEGER,
                external_key_id TEXT,
                residency TEXT
            ) WITHOUT ROWID
            """,
            // The default list hides archived projects.
            "CREATE INDEX projects_active ON projects (id) WHERE archived_at IS NULL",
            // Project roles belong to their project and go with it; names are unique per project.
            "ALTER TABLE roles ADD COLUMN project_id TEXT REFERENCES projects (id) ON DELETE CASCADE",
            "DROP INDEX roles_name",
            "CREATE UNIQUE INDEX roles_name ON roles (resource_type, coalesce(project_id, ''), name_key)",
            "CREATE INDEX roles_project ON roles (project_id, id)",
            """
            CREATE TABLE project_members (
                project_id TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
                user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
                added_at INTEGER NOT NULL,
                PRIMARY KEY (project_id, user_id)
            ) WITHOUT ROWID
            """,
            "CREATE INDEX project_members_user ON project_members (user_id, project_id)",
            """
            CREATE TABLE project_groups (
                project_id TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
                group_id TEXT NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
                created_at INTEGER NOT NULL,
                PRIMARY KEY (project_id, group_id)
            ) WITHOUT ROWID
            """,
            "CREATE INDEX project_groups_group ON project_groups (group_id, project_id)",
            """
            CREATE TABLE service_accounts (
                id TEXT PRIMARY KEY,
                project_id TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
                name TEXT NOT NULL,
                role TEXT NOT NULL,
                created_at INTEGER NOT NULL
            ) WITHOUT ROWID
            """,
            "CREATE INDEX service_accounts_project ON service_accounts (project_id, id)",
            """
            CREATE TABLE service_account_keys (
                id TEXT PRIMARY KEY,
                service_account_id TEXT NOT NULL REFERENCES service_accounts (id) ON DELETE CASCADE,
                name TEXT NOT NULL,
                secret_hash BLOB NOT NULL,
                redacted_value TEXT NOT NULL,
                created_at INTEGER NOT NULL
            ) WITHOUT ROWID
            """,
            "CREATE UNIQUE INDEX service_account_keys_hash ON service_account_keys (secret_hash)",
            "CREATE INDEX service_account_keys_account ON service_account_keys (service_account_id)",
            """
            CREATE TABLE invites (
                id TEXT PRIMARY KEY,
                email TEXT NOT NULL,
                email_key TEXT NOT NULL,
                role TEXT NOT NULL,
                projects TEXT NOT NULL,
                created_at INTEGER NOT NULL,
                expires_at INTEGER NOT NULL,
                accepted_at INTEGER
            ) WITHOUT ROWID
            """,
            // Accepting finds the pending invites of an email.
            "CREATE INDEX invites_email ON invites (email_key, id)",
        ], seed: nil),
        Migration(version: 4, statements: [
            // Admin keys may expire, and remember when they were last used (written in batches, not per request).
            // The key list pages by id, the table's primary key, so it needs no index of its own.
            "ALTER TABLE admin_keys ADD COLUMN expires_at INTEGER",
            "ALTER TABLE admin_keys ADD COLUMN last_used_at INTEGER",
        ], seed: nil),
        Migration(version: 5, statements: [
            // The audit log. Events name users, keys and projects by id without foreign keys, and keep the actor's
            // email and the project's name as they were, so that an event outlives everything it mentions.
            """
            CREATE TABLE audit_logs (
                id TEXT PRIMARY KEY,
                type TEXT NOT NULL,
                effective_at INTEGER NOT NULL,
                actor_key_id TEXT,
                actor_user_id TEXT,
                actor_email TEXT,
                actor_email_key TEXT,
                project_id TEXT,
                project_name TEXT,
                resource_id TEXT NOT NULL,
                details TEXT NOT NULL
            ) WITHOUT ROWID
            """,
            // The list is newest first by (effective_at, id); each filter has an index that ends in those columns,
            // so one value of a filter reads its events already in order and a page stops at its limit.
            "CREATE INDEX audit_logs_time ON audit_logs (effective_at, id)",
            "CREATE INDEX audit_logs_type ON audit_logs (type, effective_at, id)",
            "CREATE INDEX audit_logs_project ON audit_logs (project_id, effective_at, id)",
            "CREATE INDEX audit_logs_actor_user ON audit_logs (actor_user_id, effective_at, id)",
            "CREATE INDEX audit_logs_actor_key ON audit_logs (actor_key_id, effective_at, id)",
            "CREATE INDEX audit_logs_actor_email ON audit_logs (actor_email_key, effective_at, id)",
            "CREATE INDEX audit_logs_resource ON audit_logs (resource_id, effective_at, id)",
        ], seed: nil),
        Migration(version: 6, statements: [
            // Keys may be limited to some permissions (a JSON array of catalogue names; NULL for all of the user's).
            "ALTER TABLE admin_keys ADD COLUMN scopes TEXT",
            // Redacted values show the secret's prefix and last four characters, nothing more.
            """
            UPDATE admin_keys SET redacted_value = 'sk-admin-...' || substr(redacted_value, -4)
            WHERE redacted_value LIKE 'sk-admin-%...%' AND length(redacted_value) > 16
            """,
            """
            UPDATE service_account_keys SET redacted_value = 'sk-svcacct-...' || substr(redacted_value, -4)
            WHERE redacted_value LIKE 'sk-svcacct-%...%' AND length(redacted_value) > 16
            """,
            // A deactivated user's keys are deleted for good; earlier versions only refused them.
            "DELETE FROM admin_keys WHERE owner_id IN (SELECT id FROM users WHERE active = 0)",
        ], seed: { connection in
            _ = try await connection.query(
                "UPDATE roles SET description = ? WHERE is_predefined = 1 AND resource_type = ? AND name_key = 'reader'",
                [.text(PredefinedRole.reader.summary), .text(ResourceType.organization)])
            // Comparison keys are now NFC-normalized too: recompute those that differ. A key that would collide with
            // another row's is left as it was rather than failing the upgrade.
            let keyed = [
                ("users", "email", "email_key"), ("users", "user_name", "user_name_key"), ("groups", "name", "name_key"),
                ("roles", "name", "name_key"), ("invites", "email", "email_key"),
            ]
            for (table, column, key) in keyed {
                for row in try await connection.query("SELECT id, \(column) AS source, \(key) AS key FROM \(table)") {
                    guard let id = row.column("id")?.string, let source = row.column("source")?.string else { continue }
                    let normalized = Validation.comparisonKey(source)
                    // Compared byte for byte: Swift's `==` already treats canonically equivalent strings as equal.
                    guard Array(normalized.utf8) != Array((row.column("key")?.string ?? "").utf8) else { continue }
                    _ = try? await connection.query("UPDATE \(table) SET \(key) = ? WHERE id = ?", [.text(normalized), .text(id)])
                }
            }
        }),
        Migration(version: 7, statements: [
            // The change feed: one row per committed write transaction, numbered in commit order (writers are
            // serialized), and the entities the in-memory policy follows that it touched. `ChangeFeed` writes both.
            "CREATE TABLE revisions (revision INTEGER PRIMARY KEY AUTOINCREMENT, committed_at INTEGER NOT NULL)",
            // Pruning finds the revisions committed before a time.
            "CREATE INDEX revisions_time ON revisions (committed_at)",
            """
            CREATE TABLE changes (
                revision INTEGER NOT NULL,
                kind TEXT NOT NULL,
                entity TEXT NOT NULL,
                PRIMARY KEY (revision, kind, entity)
            ) WITHOUT ROWID
            """,
        ], seed: nil),
        Migration(version: 8, statements: [
            // Project API keys take over from service account keys: a key belongs to a service account of its project
            // or to a user, may be limited to project permissions (`scopes`, a JSON array) and expire, and remembers
            // its last use (written in batches).
            """
            CREATE TABLE project_api_keys (
                id TEXT PRIMARY KEY,
                project_id TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
                service_account_id TEXT REFERENCES service_accounts (id) ON DELETE CASCADE,
                user_id TEXT REFERENCES users (id) ON DELETE CASCADE,
                name TEXT NOT NULL,
                secret_hash BLOB NOT NULL,
                redacted_value TEXT NOT NULL,
                scopes TEXT,
                expires_at INTEGER,
                created_at INTEGER NOT NULL,
                last_used_at INTEGER,
                CHECK ((service_account_id IS NULL) <> (user_id IS NULL))
            ) WITHOUT ROWID
            """,
            """
            INSERT INTO project_api_keys (id, project_id, service_account_id, name, secret_hash, redacted_value, created_at)
            SELECT k.id, s.project_id, k.service_account_id, k.name, k.secret_hash, k.redacted_value, k.created_at
            FROM service_account_keys k JOIN service_accounts s ON s.id = k.service_account_id
            """,
            "DROP TABLE service_account_keys",
            // Lookup by secret, the project's key list, and a service account's or a user's keys (deletes, cascades).
            "CREATE UNIQUE INDEX project_api_keys_hash ON project_api_keys (secret_hash)",
            "CREATE INDEX project_api_keys_project ON project_api_keys (project_id, id)",
            "CREATE INDEX project_api_keys_account ON project_api_keys (service_account_id)",
            "CREATE INDEX project_api_keys_user ON project_api_keys (user_id, project_id)",
            // A project's model permissions: `allow_list` or `deny_list` and a JSON array of model ids. No row: every model.
            """
            CREATE TABLE project_model_permissions (
                project_id TEXT PRIMARY KEY REFERENCES projects (id) ON DELETE CASCADE,
                mode TEXT NOT NULL,
                model_ids TEXT NOT NULL
            ) WITHOUT ROWID
            """,
            // The hosted tools a project switched off; every other tool is on.
            """
            CREATE TABLE project_disabled_tools (
                project_id TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
                tool TEXT NOT NULL,
                PRIMARY KEY (project_id, tool)
            ) WITHOUT ROWID
            """,
            // The limits a project set for a model; a model without a row has its default limits.
            """
            CREATE TABLE project_rate_limits (
                project_id TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
                model TEXT NOT NULL,
                limits TEXT NOT NULL,
                PRIMARY KEY (project_id, model)
            ) WITHOUT ROWID
            """,
            // The models the organization knows, with their default limits (a JSON object by wire names); the
            // organization file adds and changes them.
            "CREATE TABLE models (id TEXT PRIMARY KEY, limits TEXT NOT NULL) WITHOUT ROWID",
        ] + SQLiteTransaction.modelSeeds, seed: nil),
    ]

    /// Brings the database up to the newest version.
    /// - Parameter newest: stop after this version (tests build older databases with it).
    static func run(on connection: DatabaseConnection, upTo newest: Int = .max) async throws {
        let current = try await connection.query("PRAGMA user_version").first?.column("user_version")?.integer ?? 0
        if let known = all.last?.version, current > known { throw StoreError.newerSchema(current, newest: known) }
        for migration in all where migration.version > current && migration.version <= newest {
            _ = try await connection.query("BEGIN IMMEDIATE")
            do {
                for statement in migration.statements {
                    _ = try await connection.query(statement)
                }
                try await migration.seed?(connection)
                _ = try await connection.query("PRAGMA user_version = \(migration.version)")
                _ = try await connection.query("COMMIT")
            } catch {
                _ = try? await connection.query("ROLLBACK")
                throw error
            }
        }
    }
}
