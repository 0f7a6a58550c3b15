import ArgumentParser
import Foundation
import Hummingbird
import Logging
import NIOCore
import NIOPosix
import RosterHTTP
import RosterModel
import RosterService

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the HTTP server (the default command).")

    @Option(help: "Address to listen on (env ROSTER_HOST; default 127.0.0.1).")
    var host: String?

    @Option(help: "Port to listen on, 1 to 65535 (env ROSTER_PORT; default 8080).")
    var port: Int?

    @OptionGroup var storage: DatabaseOptions

    @Option(
        name: .customLong("admin-key"),
        help: """
            Make this an unlimited key of the first active owner at start-up, taking it back from whoever holds it: the \
            operator's recovery path. Prefer ROSTER_ADMIN_KEY: other users of the machine can read a command line.
            """)
    var adminKey: String?

    @Option(help: "Import this organization file at start-up (see `roster import`).")
    var seed: String?

    @Option(name: .customLong("owner-email"), help: "Email of the owner created when the organization has none (env ROSTER_OWNER_EMAIL).")
    var ownerEmail: String?

    @Option(
        name: .customLong("public-url"),
        help: "The URL clients reach Roster at, such as https://roster.example.com; SCIM builds its URLs from it (env ROSTER_PUBLIC_URL).")
    var publicURL: String?

    @Flag(
        name: .customLong("trust-forwarded-headers"),
        help: "Believe X-Forwarded-Proto/-Host/-For from a reverse proxy in front of Roster (env ROSTER_TRUST_FORWARDED_HEADERS=1).")
    var trustForwardedHeaders = false

    @Option(
        name: .customLong("policy-interval"),
        help: """
            How often, in milliseconds, to look for changes other Roster processes made to the database, such as another \
            instance on the same file (env ROSTER_POLICY_INTERVAL_MS; default 250, from 10 to 60000).
            """)
    var policyInterval: Int?

    @Option(
        name: .customLong("task-executor"),
        help: """
            Where request handlers run: 'pool', Swift's own thread pool, with NIO's event loops doing only the network; \
            or 'event-loops', each connection's handlers on its own event loop. Which serves more depends on the machine \
            (README, Threads) (env ROSTER_TASK_EXECUTOR; default pool).
            """)
    var taskExecutor: TaskExecutorChoice?

    @Option(
        name: .customLong("shutdown-timeout"),
        help: """
            How many seconds a graceful shutdown (SIGINT, SIGTERM) may take before the process ends anyway, with status \
            1; a second signal ends it at once (env ROSTER_SHUTDOWN_TIMEOUT; default 30, from 1 to 3600).
            """)
    var shutdownTimeout: Int?

    @Option(
        name: .customLong("gateway-route"),
        help: """
            An API path /v1/gateway/authorize lets keys call, and the project permission it needs, as PATH=PERMISSION \
            (/v1/files=api.model.request); repeat for more. OpenAI's model endpoints are there already; other paths are \
            refused (env ROSTER_GATEWAY_ROUTES, comma-separated).
            """)
    var gatewayRoutes: [String] = []

    @OptionGroup var logs: LogOptions

    /// Everything the server runs with, read from the flags and then the environment.
    private struct Settings {
        var host: String
        var port: Int
        var database: String
        var adminKey: String?
        var ownerEmail: String
        var shutdownTimeout: Duration
        var taskExecutor: TaskExecutorChoice
        var http: HTTPSettings
    }

    func validate() throws {
        if let port, !(1...65535).contains(port) {
            throw CLIError("--port \(port) is not a port: use a whole number from 1 to 65535.")
        }
        if let shutdownTimeout, !Self.shutdownTimeouts.contains(shutdownTimeout) {
            throw CLIError("--shutdown-timeout \(shutdownTimeout) is out of range: use a whole number of seconds from 1 to 3600.")
        }
        if let policyInterval, !Self.policyIntervals.contains(policyInterval) {
            throw CLIError("--policy-interval \(policyInterval) is out of range: use a whole number of milliseconds from 10 to 60000.")
        }
        _ = try settings()
    }

    private func settings() throws -> Settings {
        let host = host ?? Environment.value("ROSTER_HOST") ?? "127.0.0.1"
        let port = try port ?? Environment.port("ROSTER_PORT") ?? 8080
        let publicURL = publicURL ?? Environment.value("ROSTER_PUBLIC_URL")
        if let publicURL, let problem = HTTPSettings.problem(withPublicURL: publicURL) {
            throw CLIError("The public URL '\(publicURL)' (--public-url or ROSTER_PUBLIC_URL) cannot be used: \(problem).")
        }
        let trusted = try trustForwardedHeaders || (Environment.flag("ROSTER_TRUST_FORWARDED_HEADERS") ?? false)
        if let seed, !FileManager.default.fileExists(atPath: seed) {
            throw CLIError("The seed file '\(seed)' does not exist.")
        }
        let adminKey = adminKey ?? Environment.value("ROSTER_ADMIN_KEY")
        if let adminKey, adminKey.count < 16 || adminKey.contains(where: { $0.isWhitespace }) || Validation.hasControlCharacter(adminKey) {
            throw CLIError(
                "The admin key (ROSTER_ADMIN_KEY or --admin-key) must be at least 16 characters with no spaces: a short key "
                    + "is guessed. Leave it out and Roster makes a strong one on first start.")
        }
        let interval = try policyInterval ?? Environment.number("ROSTER_POLICY_INTERVAL_MS", in: Self.policyIntervals) ?? 250
        let shutdownTimeout = try shutdownTimeout ?? Environment.number("ROSTER_SHUTDOWN_TIMEOUT", in: Self.shutdownTimeouts) ?? 30
        let executor = try taskExecutor ?? Environment.choice("ROSTER_TASK_EXECUTOR", TaskExecutorChoice.self) ?? .pool
        let ownerEmail = ownerEmail ?? Environment.value("ROSTER_OWNER_EMAIL") ?? "owner@localhost"
        guard Validation.isEmail(ownerEmail) else {
            throw CLIError("The owner email (ROSTER_OWNER_EMAIL or --owner-email) '\(ownerEmail)' is not an email address.")
        }
        let routeSpecs = gatewayRoutes.isEmpty
            ? (Environment.value("ROSTER_GATEWAY_ROUTES")?.split(separator: ",").map(String.init) ?? []) : gatewayRoutes
        let extraRoutes = try routeSpecs.map { spec in
            let parts = spec.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2 else {
                throw CLIError("The gateway route '\(spec)' (--gateway-route or ROSTER_GATEWAY_ROUTES) must be PATH=PERMISSION, such as /v1/files=api.model.request.")
            }
            return (path: parts[0], permission: parts[1])
        }
        let routes: GatewayRoutes
        do {
            routes = extraRoutes.isEmpty ? .standard : try GatewayRoutes(extra: extraRoutes)
        } catch let error as ServiceError {
            throw CLIError("The gateway routes (--gateway-route or ROSTER_GATEWAY_ROUTES) cannot be used: \(error.message).")
        }
        return Settings(
            host: host, port: port, database: storage.path, adminKey: adminKey, ownerEmail: ownerEmail,
            shutdownTimeout: .seconds(shutdownTimeout), taskExecutor: executor,
            http: HTTPSettings(
                publicURL: publicURL, listenAddress: host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)",
                trustForwardedHeaders: trusted, policyInterval: .milliseconds(interval), gatewayRoutes: routes))
    }

    /// The policy intervals accepted, in milliseconds.
    private static let policyIntervals = 10...60_000

    /// The shutdown timeouts accepted, in seconds.
    private static let shutdownTimeouts = 1...3600

    func run() async throws {
        try logs.start()
        let settings = try settings()
        if settings.taskExecutor == .eventLoops {
            // Swift's tasks run on NIO's event loops, and each connection's on its own loop (`buildApplication`), so
            // that a request answered from the policy is read, decided and answered on one thread. Whatever blocks a
            // thread runs elsewhere: SQLite statements on their connections' own threads (`ConnectionThread`).
            NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
        }
        let logger = Logger(label: "roster")
        // Lives until the process ends: its signal handlers hold it.
        _ = ShutdownWatchdog(limit: settings.shutdownTimeout, logger: logger)
        let seedFile = try seed.map(OrganizationFile.read(path:))
        // Nothing is written before the address is known to be free.
        try await Self.checkCanListen(host: settings.host, port: settings.port)
        try await CLIError.explaining(database: settings.database) {
            let metrics = RosterMetrics()
            try await Backend.withOrganization(database: settings.database, metrics: metrics) { organization in
                let started = ContinuousClock.now
                let loaded = try await organization.catchUpPolicy()
                logger.info("policy loaded at revision \(loaded) in \(started.duration(to: .now).formatted(.units(allowed: [.milliseconds])))")
                let bootstrap = try await organization.bootstrap(adminKey: settings.adminKey, ownerEmail: settings.ownerEmail)
                if let key = bootstrap.generatedKey {
                    // Written straight to the descriptor, so it shows before the server's first log line.
                    FileHandle.standardOutput.write(
                        Data(
                            """
                            Roster created the owner \(bootstrap.owner.email ?? bootstrap.owner.userName) and this admin key, shown only once:

                                \(key)


                            """.utf8))
                }
                if let seedFile, let seed {
                    let summary = try await organization.importFile(seedFile)
                    logger.info("seeded from \(seed): \(summary.sentence)")
                }
                let app = buildApplication(
                    organization: organization, settings: settings.http, metrics: metrics,
                    configuration: .init(address: .hostname(settings.host, port: settings.port), serverName: "Roster"),
                    onEventLoops: settings.taskExecutor == .eventLoops, logger: logger)
                logger.info(
                    "Roster \(RosterVersion.current) serving http://\(settings.http.listenAddress) from the database \(Backend.displayName(settings.database))")
                try await app.runService()
                logger.info("Roster stopped")
            }
        }
    }

    /// Binds the address and lets it go, so that a port already in use is reported, naming host and port, before the
    /// database is opened or anything is written.
    static func checkCanListen(host: String, port: Int) async throws {
        do {
            let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .bind(host: host, port: port).get()
            try await channel.close()
        } catch let error as IOError where error.errnoCode == EADDRINUSE {
            throw CLIError("Cannot listen on \(host):\(port): another program is already listening there. Stop it, or choose another port with --port.")
        } catch let error as IOError where error.errnoCode == EACCES {
            throw CLIError("Cannot listen on \(host):\(port): permission denied (ports below 1024 need privileges). Choose another port with --port.")
        } catch {
            throw CLIError("Cannot listen on \(host):\(port): \(error). Check --host (an address of this machine) and --port.")
        }
    }
}

/// Where `roster serve` runs request handlers (`--task-executor`).
enum TaskExecutorChoice: String, CaseIterable, ExpressibleByArgument {
    case pool
    case eventLoops = "event-loops"
}
