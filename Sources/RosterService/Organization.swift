import Foundation
import RosterModel
import RosterStore

/// Who is making a request: the admin key and the user it belongs to.
public struct Caller: Sendable, Equatable {
    public let userID: Identifier
    public let keyID: Identifier

    public init(userID: Identifier, keyID: Identifier) {
        self.userID = userID
        self.keyID = keyID
    }
}

/// The organization's rules: every use case of the Admin API, the import and the bootstrap, over one datastore.
///
/// Each write runs in one store transaction, so a use case either happens whole or not at all.
public struct Organization: Sendable {
    let store: any Datastore
    let now: @Sendable () -> Int
    /// Admin key uses not yet written to the store; shared by every copy of this organization.
    let keyUses = KeyUseRecorder()

    /// - Parameter now: the clock, in Unix seconds (tests pass a fixed one).
    public init(store: any Datastore, now: @escaping @Sendable () -> Int = { Int(Date().timeIntervalSince1970) }) {
        self.store = store
        self.now = now
    }
}
