import Foundation
import HTTPTypes
import RosterService

/// How Roster's HTTP layer sees the world outside it: the URL clients reach it at, whether a reverse proxy's
/// forwarded headers are believed, and how many failed authentications a client address may make.
public struct HTTPSettings: Sendable {
    /// The URL clients reach Roster at (`https://roster.example.com`, optionally with a path prefix), from which SCIM
    /// builds `Location` and `meta.location`. Nil: `http://` and the listen address.
    public var publicURL: String?
    /// The address Roster listens on, `host:port`; the base of SCIM URLs when `publicURL` is nil.
    public var listenAddress: String
    /// Believe `X-Forwarded-Proto` (`http` or `https` only), `X-Forwarded-Host` and `X-Forwarded-For` from a reverse
    /// proxy in front of Roster. Off by default: a client could send them itself.
    public var trustForwardedHeaders: Bool
    /// Failed authentications one client address may make in a minute before it is refused with 429 (default 20).
    public var failedAuthenticationsPerMinute: Int
    /// How often the policy looks for changes other processes committed to the store (default 250 ms); such a change
    /// decides requests here within this interval and the time to apply it.
    public var policyInterval: Duration
    /// Which OpenAI API paths `/v1/gateway/authorize` lets keys call, and the permission each needs.
    public var gatewayRoutes: GatewayRoutes

    public init(
        publicURL: String? = nil, listenAddress: String = "127.0.0.1:8080", trustForwardedHeaders: Bool = false,
        failedAuthenticationsPerMinute: Int = 20, policyInterval: Duration = .milliseconds(250),
        gatewayRoutes: GatewayRoutes = .standard
    ) {
        self.policyInterval = policyInterval
        self.gatewayRoutes = gatewayRoutes
        self.publicURL = publicURL.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 }
        self.listenAddress = listenAddress
        self.trustForwardedHeaders = trustForwardedHeaders
        self.failedAuthenticationsPerMinute = failedAuthenticationsPerMinute
    }

    /// The reason `url` cannot be a public URL, or nil when it can: an absolute `http` or `https` URL with a host and
    /// no query or fragment.
    public static func problem(withPublicURL url: String) -> String? {
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
            scheme == "http" || scheme == "https", let host = components.host, !host.isEmpty
        else { return "it must be an absolute http:// or https:// URL with a host, such as https://roster.example.com" }
        guard components.query == nil, components.fragment == nil, components.user == nil else {
            return "it must have no query, fragment or user name"
        }
        return nil
    }

    /// The URL the client used to reach Roster, without a trailing slash: `publicURL`, or with trusted forwarded
    /// headers the proxy's scheme and host, or else `http://` and the listen address. Never the `Host` header alone,
    /// which any client can set.
    func baseURL(for request: HTTPRequest) -> String {
        if let publicURL { return publicURL }
        var scheme = "http"
        var host = listenAddress
        if trustForwardedHeaders {
            if let proto = request.headerFields[Self.forwardedProto]?.lowercased(), proto == "http" || proto == "https" { scheme = proto }
            if let forwarded = request.headerFields[Self.forwardedHost].flatMap(Self.validHost) { host = forwarded }
        }
        return "\(scheme)://\(host)"
    }

    /// The client's address: the first `X-Forwarded-For` entry when forwarded headers are trusted, else the peer's.
    func clientAddress(for request: HTTPRequest, peer: String?) -> String {
        if trustForwardedHeaders, let forwarded = request.headerFields.value(Self.forwardedFor) {
            let first = forwarded.split(separator: ",").first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
            if !first.isEmpty, first.count <= 64 { return first }
        }
        return peer ?? "unknown"
    }

    /// A host (and port) made only of the characters host names and IP literals use; nil for anything else.
    static func validHost(_ raw: String) -> String? {
        let host = raw.split(separator: ",").first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
        let allowed = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:[]")
        guard !host.isEmpty, host.count <= 255, host.unicodeScalars.allSatisfy(allowed.contains) else { return nil }
        return host
    }

    static let forwardedProto = HTTPField.Name("X-Forwarded-Proto")!
    static let forwardedHost = HTTPField.Name("X-Forwarded-Host")!
    static let forwardedFor = HTTPField.Name("X-Forwarded-For")!
}
