import Foundation
import RosterModel
import RosterStore

/// Who is making a request: the admin key, the user it belongs to, and the permissions the key is limited to.
public struct Caller: Sendable, Equatable {
    public let userID: Identifier
    public let keyID: Identifier
    /// The key's scopes; nil for a key that may use every permission of its user.
    public let scopes: Set<String>?

    public init(userID: Identifier, keyID: Identifier, scopes: Set<String>? = nil) {
        self.userID = userID
        self.keyID = keyID
        self.scopes = scopes
    }

    /// The caller presenting `key`.
    init(_ key: AdminKey) {
        self.init(userID: key.ownerID, keyID: key.id, scopes: key.scopes.map(Set.init))
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
