import ArgumentParser
import Foundation
import Hummingbird
import Logging
import RosterHTTP
import RosterService

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the HTTP server (the default command).")

    @Option(help: "Address to listen on (env ROSTER_HOST).")
    var host: String = Environment.value("ROSTER_HOST") ?? "127.0.0.1"

    @Option(help: "Port to listen on (env ROSTER_PORT).")
    var port: Int = Environment.value("ROSTER_PORT").flatMap(Int.init) ?? 8080

    @OptionGroup var storage: DatabaseOptions

    @Option(
        name: .customLong("admin-key"),
        help: "Make this an unlimited key of the first active owner at start-up, taking it back from whoever holds it: the operator's recovery path (env ROSTER_ADMIN_KEY).")
    var adminKey: String? = Environment.value("ROSTER_ADMIN_KEY")

    @Option(
        name: .customLong("public-url"),
        help: "The URL clients reach Roster at, such as https://roster.example.com; SCIM builds its URLs from it (env ROSTER_PUBLIC_URL).")
    var publicURL: String? = Environment.value("ROSTER_PUBLIC_URL")

    @Flag(
        name: .customLong("trust-forwarded-headers"),
        help: "Believe X-Forwarded-Proto/-Host/-For from a reverse proxy in front of Roster (env ROSTER_TRUST_FORWARDED_HEADERS=1).")
    var trustForwardedHeaders: Bool = Environment.value("ROSTER_TRUST_FORWARDED_HEADERS") == "1"

    @Option(help: "Import this organization file at start-up (see `roster import`).")
    var seed: String?

    @Option(name: .customLong("owner-email"), help: "Email of the owner created when the organization has none (env ROSTER_OWNER_EMAIL).")
    var ownerEmail: String = Environment.value("ROSTER_OWNER_EMAIL") ?? "owner@localhost"

    func validate() throws {
        if let publicURL, let problem = HTTPSettings.problem(withPublicURL: publicURL) {
            throw ValidationError("--public-url '\(publicURL)' cannot be used: \(problem).")
        }
    }

    func run() async throws {
        var logger = Logger(label: "roster")
        logger.logLevel = Environment.value("LOG_LEVEL").flatMap(Logger.Level.init(rawValue:)) ?? .info
        let seed = self.seed
        let seedFile = try seed.map(OrganizationFile.read(path:))
        try await Backend.withOrganization(database: storage.database, logger: logger) { organization in
            let bootstrap = try await organization.bootstrap(adminKey: adminKey, ownerEmail: ownerEmail)
            if let key = bootstrap.generatedKey {
                // Written straight to the descriptor, so it shows before the server's first log line.
                FileHandle.standardOutput.write(
                    Data(
                        """
                        Roster created the owner \(bootstrap.owner.email ?? bootstrap.owner.userName) and this admin key, shown only once:

                            \(key)


                        """.utf8))
            }
            if let seedFile {
                let summary = try await organization.importFile(seedFile)
                logger.info("seeded from \(seed ?? ""): \(summary.created) created, \(summary.updated) updated")
            }
            let settings = HTTPSettings(
                publicURL: publicURL, listenAddress: host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)",
                trustForwardedHeaders: trustForwardedHeaders)
            let app = buildApplication(
                organization: organization, settings: settings,
                configuration: .init(address: .hostname(host, port: port), serverName: "Roster"),
                logger: logger)
            try await app.runService()
        }
    }
}
