import Hummingbird
import RosterService

/// The per-request context: who is calling, once the auth middleware has checked the key.
public struct RosterRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The authenticated caller; nil only on the routes that need no key (`/healthz`, `/openapi.yaml`).
    public var caller: Caller?
    /// The address of the peer that sent the request (a proxy's, behind one), when the channel knows it.
    public let peerAddress: String?

    public init(source: Source) {
        self.coreContext = .init(source: source)
        self.peerAddress = source.channel.remoteAddress?.ipAddress
    }

    /// Request bodies over 1 MiB are refused with 413.
    public var maxUploadSize: Int { 1 << 20 }

    /// The caller of a route behind the auth middleware.
    func requireCaller() throws -> Caller {
        guard let caller else { throw APIError(.unauthorized, "You didn't provide an API key.", code: "missing_api_key") }
        return caller
    }
}
