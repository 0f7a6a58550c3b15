import Foundation
import RosterModel

/// The numbered schema migrations of the PostgreSQL backend. `roster_schema` records how many have run; each runs in
/// its own transaction with that record, under an advisory lock, so that instances starting together migrate once.
///
/// The schema is the SQLite backend's, in PostgreSQL's types: integers are `bigint` (flags too, 0 or 1, so that the
/// SQL of both backends reads alike), key hashes `bytea`, and text compares byte by byte (`COLLATE "C"`), so that
/// identifiers sort as they do in SQLite and in Swift.
enum PostgresMigrations {
    struct Migration: Sendable {
        let version: Int
        let statements: [String]
    }

    /// The advisory lock held while migrating.
    static let lock = 0x526F_7374_6572_4D49  // "RosterMI"

    static let all: [Migration] = [
        Migration(version: 1, statements: [
            // SQLite's `unixepoch()`, so that both backends' SQL can stamp times alike.
            """
            CREATE FUNCTION unixepoch() RETURNS bigint LANGUAGE sql STABLE
            AS $$ SELECT extract(epoch FROM now())::bigint $$
            """,
            """
            CREATE TABLE users (
                id text COLLATE "C" PRIMARY KEY,
                email text,
                email_key text COLLATE "C",
                name text NOT NULL,
                created_at bigint NOT NULL,
                is_scim_managed bigint NOT NULL DEFAULT 0,
                technical_level text,
                developer_persona text,
                user_name text,
                user_name_key text COLLATE "C",
                external_id text COLLATE "C",
                active bigint NOT NULL DEFAULT 1,
                version bigint NOT NULL DEFAULT 1,
                updated_at bigint,
                scim_attributes text
            )
            """,
            "CREATE UNIQUE INDEX users_email ON users (email_key)",
            "CREATE UNIQUE INDEX users_user_name ON users (user_name_key)",
            "CREATE INDEX users_external_id ON users (external_id)",
            // The users list shows active users only, paged by id.
            "CREATE INDEX users_active ON users (id) WHERE active = 1",
            """
            CREATE TABLE groups (
                id text COLLATE "C" PRIMARY KEY,
                name text NOT NULL,
                name_key text COLLATE "C" NOT NULL,
                created_at bigint NOT NULL,
                is_scim_managed bigint NOT NULL DEFAULT 0,
                external_id text COLLATE "C",
                version bigint NOT NULL DEFAULT 1,
                updated_at bigint
            )
            """,
            "CREATE UNIQUE INDEX groups_name ON groups (name_key)",
            "CREATE INDEX groups_external_id ON groups (external_id)",
            """
            CREATE TABLE group_members (
                group_id text COLLATE "C" NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
                user_id text COLLATE "C" NOT NULL REFERENCES users (id) ON DELETE CASCADE,
                created_at bigint NOT NULL,
                PRIMARY KEY (group_id, user_id)
            )
            """,
            "CREATE INDEX group_members_user ON group_members (user_id, group_id)",
            """
            CREATE TABLE projects (
                id text COLLATE "C" PRIMARY KEY,
                name text NOT NULL,
                created_at bigint NOT NULL,
                archived_at bigint,
                external_key_id text,
                residency text
            )
            """,
            "CREATE INDEX projects_active ON projects (id) WHERE archived_at IS NULL",
            """
            CREATE TABLE roles (
                id text COLLATE "C" PRIMARY KEY,
                name text NOT NULL,
                name_key text COLLATE "C" NOT NULL,
                description text,
                permissions text NOT NULL,
                resource_type text COLLATE "C" NOT NULL,
                is_predefined bigint NOT NULL DEFAULT 0,
                created_at bigint NOT NULL,
                updated_at bigint NOT NULL,
                created_by text COLLATE "C" REFERENCES users (id) ON DELETE SET NULL,
                project_id text COLLATE "C" REFERENCES projects (id) ON DELETE CASCADE
            )
            """,
            // Names are unique per resource type and project; the list pages by (resource_type, id).
            "CREATE UNIQUE INDEX roles_name ON roles (resource_type, coalesce(project_id, ''), name_key)",
            "CREATE INDEX roles_resource ON roles (resource_type, id)",
            "CREATE INDEX roles_created_by ON roles (created_by)",
            "CREATE INDEX roles_project ON roles (project_id, id)",
            """
            CREATE TABLE user_roles (
                user_id text COLLATE "C" NOT NULL REFERENCES users (id) ON DELETE CASCADE,
                role_id text COLLATE "C" NOT NULL REFERENCES roles (id) ON DELETE CASCADE,
                created_at bigint NOT NULL,
                PRIMARY KEY (user_id, role_id)
            )
            """,
            "CREATE INDEX user_roles_role ON user_roles (role_id)",
            """
            CREATE TABLE group_roles (
                group_id text COLLATE "C" NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
                role_id text COLLATE "C" NOT NULL REFERENCES roles (id) ON DELETE CASCADE,
                created_at bigint NOT NULL,
                PRIMARY KEY (group_id, role_id)
            )
            """,
            "CREATE INDEX group_roles_role ON group_roles (role_id)",
            """
            CREATE TABLE admin_keys (
                id text COLLATE "C" PRIMARY KEY,
                name text NOT NULL,
                secret_hash bytea NOT NULL,
                redacted_value text NOT NULL,
                owner_id text COLLATE "C" NOT NULL REFERENCES users (id) ON DELETE CASCADE,
                created_at bigint NOT NULL,
                expires_at bigint,
                last_used_at bigint,
                scopes text
            )
            """,
            "CREATE UNIQUE INDEX admin_keys_hash ON admin_keys (secret_hash)",
            "CREATE INDEX admin_keys_owner ON admin_keys (owner_id)",
            """
            CREATE TABLE project_members (
                project_id text COLLATE "C" NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
                user_id text COLLATE "C" NOT NULL REFERENCES users (id) ON DELETE CASCADE,
                added_at bigint NOT NULL,
                PRIMARY KEY (project_id, user_id)
            )
            """,
            "CREATE INDEX project_members_user ON project_members (user_id, project_id)",
            """
            CREATE TABLE project_groups (
                project_id text COLLATE "C" NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
                group_id text COLLATE "C" NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
                created_at bigint NOT NULL,
                PRIMARY KEY (project_id, group_id)
            )
            """,
            "CREATE INDEX project_groups_group ON project_groups (group_id, project_id)",
            """
            CREATE TABLE service_accounts (
                id text COLLATE "C" PRIMARY KEY,
                project_id text COLLATE "C" NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
                name text NOT NULL,
                role text NOT NULL,
                created_at bigint NOT NULL
            )
            """,
            "CREATE INDEX service_accounts_project ON service_accounts (project_id, id)",
            """
            CREATE TABLE service_account_keys (
                id text COLLATE "C" PRIMARY KEY,
                service_account_id text COLLATE "C" NOT NULL REFERENCES service_accounts (id) ON DELETE CASCADE,
                name text NOT NULL,
                secret_hash bytea NOT NULL,
                redacted_value text NOT NULL,
                created_at bigint NOT NULL
            )
            """,
            "CREATE UNIQUE INDEX service_account_keys_hash ON service_account_keys (secret_hash)",
            "CREATE INDEX service_account_keys_account ON service_account_keys (service_account_id)",
            """
            CREATE TABLE invites (
                id text COLLATE "C" PRIMARY KEY,
                email text NOT NULL,
                email_key text COLLATE "C" NOT NULL,
                role text NOT NULL,
                projects text NOT NULL,
                created_at bigint NOT NULL,
                expires_at bigint NOT NULL,
                accepted_at bigint
            )
            """,
            "CREATE INDEX invites_email ON invites (email_key, id)",
            // The audit log names users, keys and projects by id without foreign keys, so that an event outlives
            // everything it mentions. Each filter's index ends in the list's order, (effective_at, id).
            """
            CREATE TABLE audit_logs (
                id text COLLATE "C" PRIMARY KEY,
                type text COLLATE "C" NOT NULL,
                effective_at bigint NOT NULL,
                actor_key_id text COLLATE "C",
                actor_user_id text COLLATE "C",
                actor_email text,
                actor_email_key text COLLATE "C",
                project_id text COLLATE "C",
                project_name text,
                resource_id text COLLATE "C" NOT NULL,
                details text NOT NULL
            )
            """,
            "CREATE INDEX audit_logs_time ON audit_logs (effective_at, id)",
            "CREATE INDEX audit_logs_type ON audit_logs (type, effective_at, id)",
            "CREATE INDEX audit_logs_project ON audit_logs (project_id, effective_at, id)",
            "CREATE INDEX audit_logs_actor_user ON audit_logs (actor_user_id, effective_at, id)",
            "CREATE INDEX audit_logs_actor_key ON audit_logs (actor_key_id, effective_at, id)",
            "CREATE INDEX audit_logs_actor_email ON audit_logs (actor_email_key, effective_at, id)",
            "CREATE INDEX audit_logs_resource ON audit_logs (resource_id, effective_at, id)",
            // The change feed (see `PostgresChangeFeed`).
            "CREATE TABLE revisions (revision bigint PRIMARY KEY, committed_at bigint NOT NULL)",
            "CREATE INDEX revisions_time ON revisions (committed_at)",
            """
            CREATE TABLE changes (
                revision bigint NOT NULL,
                kind text COLLATE "C" NOT NULL,
                entity text COLLATE "C" NOT NULL,
                PRIMARY KEY (revision, kind, entity)
            )
            """,
        ] + PostgresChangeFeed.statements + seedPredefinedRoles),
        Migration(version: 2, statements: PostgresChangeFeed.notifying),
        // Project API keys take over from service account keys; model permissions, switched-off hosted tools and
        // rate limits per project. As the SQLite backend's migration 8.
        Migration(version: 3, statements: [
            """
            CREATE TABLE project_api_keys (
                id text COLLATE "C" PRIMARY KEY,
                project_id text COLLATE "C" NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
                service_account_id text COLLATE "C" REFERENCES service_accounts (id) ON DELETE CASCADE,
                user_id text COLLATE "C" REFERENCES users (id) ON DELETE CASCADE,
                name text NOT NULL,
                secret_hash bytea NOT NULL,
                redacted_value text NOT NULL,
                scopes text,
                expires_at bigint,
                created_at bigint NOT NULL,
                last_used_at bigint,
                CHECK ((service_account_id IS NULL) <> (user_id IS NULL))
            )
            """,
            """
            INSERT INTO project_api_keys (id, project_id, service_account_id, name, secret_hash, redacted_value, created_at)
            SELECT k.id, s.project_id, k.service_account_id, k.name, k.secret_hash, k.redacted_value, k.created_at
            FROM service_account_keys k JOIN service_accounts s ON s.id = k.service_account_id
            """,
            "DROP TABLE service_account_keys",
            "CREATE UNIQUE INDEX project_api_keys_hash ON project_api_keys (secret_hash)",
            "CREATE INDEX project_api_keys_project ON project_api_keys (project_id, id)",
            "CREATE INDEX project_api_keys_account ON project_api_keys (service_account_id)",
            "CREATE INDEX project_api_keys_user ON project_api_keys (user_id, project_id)",
            """
            CREATE TABLE project_model_permissions (
                project_id text COLLATE "C" PRIMARY KEY REFERENCES projects (id) ON DELETE CASCADE,
                mode text NOT NULL,
                model_ids text NOT NULL
            )
            """,
            """
            CREATE TABLE project_disabled_tools (
                project_id text COLLATE "C" NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
                tool text COLLATE "C" NOT NULL,
                PRIMARY KEY (project_id, tool)
            )
            """,
            """
            CREATE TABLE project_rate_limits (
                project_id text COLLATE "C" NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
                model text COLLATE "C" NOT NULL,
                limits text NOT NULL,
                PRIMARY KEY (project_id, model)
            )
            """,
            "CREATE TABLE models (id text COLLATE \"C\" PRIMARY KEY, limits text NOT NULL)",
        ] + PostgresTransaction.modelSeeds + PostgresChangeFeed.projectAccess),
    ]

    /// The predefined organization roles, as the SQLite backend's first migration inserts them.
    private static var seedPredefinedRoles: [String] {
        PredefinedRole.allCases.map { predefined in
            let permissions = String(decoding: (try? JSONEncoder().encode(predefined.permissions)) ?? Data("[]".utf8), as: UTF8.self)
            return """
                INSERT INTO roles (id, name, name_key, description, permissions, resource_type, is_predefined, created_at, updated_at)
                VALUES (\(literal(Identifier.make(.role).rawValue)), \(literal(predefined.rawValue)),
                        \(literal(Validation.comparisonKey(predefined.rawValue))), \(literal(predefined.summary)),
                        \(literal(permissions)), \(literal(ResourceType.organization)), 1, unixepoch(), unixepoch())
                """
        }
    }

    /// `text` as an SQL string literal.
    private static func literal(_ text: String) -> String {
        "'\(text.replacingOccurrences(of: "'", with: "''"))'"
    }
}
