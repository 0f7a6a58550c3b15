import RosterModel

/// A JSON object being edited: members keep their order and are found by name case-insensitively, as SCIM
/// attribute names are.
struct SCIMObject {
    var members: [(String, JSON)]

    /// The members of `json`, or none when it is not an object.
    init(_ json: JSON?) {
        members = json?.objectValue ?? []
    }

    var json: JSON { .object(members) }
    var isEmpty: Bool { members.isEmpty }

    func index(of key: String) -> Int? {
        members.firstIndex { $0.0.equalsIgnoringCase(key) }
    }

    /// The member named `key` (any case). Setting a value stores it under `key`'s spelling, in the place the member
    /// had or at the end; setting nil removes the member.
    subscript(key: String) -> JSON? {
        get { index(of: key).map { members[$0].1 } }
        set {
            switch (index(of: key), newValue) {
            case (let index?, let value?): members[index] = (key, value)
            case (let index?, nil): members.remove(at: index)
            case (nil, let value?): members.append((key, value))
            case (nil, nil): break
            }
        }
    }
}
