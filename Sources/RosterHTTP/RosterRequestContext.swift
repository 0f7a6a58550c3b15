import Hummingbird
import NIOCore
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
        self.peerAddress = source.channel.remoteAddress.flatMap(Self.ipText)
    }

    /// The IP of `address` as text, as `SocketAddress.ipAddress` gives it. An IPv4 address is written here: NIO's
    /// goes through `inet_ntop`, which prints with `sprintf`, and every request asks.
    static func ipText(_ address: SocketAddress) -> String? {
        guard case .v4(let v4) = address else { return address.ipAddress }
        // `s_addr` holds the four parts in network order, the order they are written in.
        return withUnsafeBytes(of: v4.address.sin_addr.s_addr) { parts in
            String(unsafeUninitializedCapacity: 15) { text in
                var count = 0
                for (index, part) in parts.enumerated() {
                    if index > 0 {
                        text[count] = UInt8(ascii: ".")
                        count += 1
                    }
                    if part >= 100 {
                        text[count] = UInt8(ascii: "0") + part / 100
                        count += 1
                    }
                    if part >= 10 {
                        text[count] = UInt8(ascii: "0") + part / 10 % 10
                        count += 1
                    }
                    text[count] = UInt8(ascii: "0") + part % 10
                    count += 1
                }
                return count
            }
        }
    }

    /// Request bodies over 1 MiB are refused with 413.
    public var maxUploadSize: Int { 1 << 20 }

    /// The caller of a route behind the auth middleware.
    func requireCaller() throws -> Caller {
        guard let caller else { throw APIError(.unauthorized, "You didn't provide an API key.", code: "missing_api_key") }
        return caller
    }
}
