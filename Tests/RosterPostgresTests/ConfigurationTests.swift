import Testing

@testable import RosterPostgres

/// The database URL `roster serve --database` takes.
@Suite struct ConfigurationTests {
    typealias Configuration = PostgresDatastore.Configuration

    @Test("a full URL gives every part, with escaped characters of the user and password decoded")
    func fullURL() throws {
        let configuration = try Configuration(url: "postgres://ro%40ster:p%40ss%2Fw%25rd@db.example.com:6543/org?sslmode=verify-full&pool_size=25")
        #expect(configuration.host == "db.example.com")
        #expect(configuration.port == 6543)
        #expect(configuration.username == "ro@ster")
        #expect(configuration.password == "p@ss/w%rd")
        #expect(configuration.database == "org")
        #expect(configuration.tls == .verifyFull)
        #expect(configuration.poolSize == 25)
    }

    @Test("defaults: port 5432, the database named after the user, no TLS on this machine and TLS elsewhere, 10 connections")
    func defaults() throws {
        let local = try Configuration(url: "postgresql://roster@127.0.0.1")
        #expect((local.port, local.database, local.tls, local.poolSize, local.password) == (5432, "roster", .disable, 10, nil))
        #expect(try Configuration(url: "postgres://roster@db.internal/org").tls == .require)
        #expect(try Configuration(url: "postgres://roster@db.internal/org?sslmode=disable").tls == .disable)
    }

    @Test(
        "a URL that cannot be used is refused with a reason that names the problem, never the password",
        arguments: [
            ("postgres://db.example.com/org", "names no user"),
            ("postgres:///org", "is not a postgres://"),
            ("mysql://u@h/db", "is not a postgres://"),
            ("postgres://u:secret@h/db?sslmode=prefer", "sslmode must be"),
            ("postgres://u:secret@h/db?pool_size=0", "pool_size must be"),
            ("postgres://u:secret@h/db?pool_size=many", "pool_size must be"),
            ("postgres://u:secret@h/db?sslcert=x", "unknown parameter 'sslcert'"),
        ])
    func refused(url: String, reason: String) {
        #expect {
            try Configuration(url: url)
        } throws: { error in
            let text = (error as? PostgresDatastore.ConfigurationError)?.description ?? ""
            return text.contains(reason) && !text.contains("secret")
        }
    }

    @Test("a password is hidden wherever the URL is shown, even when the URL is malformed")
    func redaction() {
        #expect(Configuration.redacted("postgres://roster:s3cret@db:5432/org") == "postgres://roster:***@db:5432/org")
        #expect(Configuration.redacted("postgres://roster:s3@c/ret@db/org") == "postgres://roster:***@db/org")
        #expect(Configuration.redacted("postgres://roster@db/org") == "postgres://roster@db/org")
        #expect(Configuration.isURL("postgresql://x@y") && !Configuration.isURL("./roster.sqlite"))
    }
}
