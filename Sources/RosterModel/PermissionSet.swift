/// A set of the catalogue's permissions, one bit each, for decisions made on every request: membership is a bit test,
/// union an OR, and nothing is hashed or allocated. Names outside the catalogue have no bit and are left out.
public struct PermissionSet: Hashable, Sendable {
    private var bits: UInt64 = 0

    public init() {}

    public init(_ names: some Sequence<String>) {
        for name in names {
            if let bit = Self.bit(name) { bits |= bit }
        }
    }

    /// Every project permission: what the organization's owner holds in each project.
    public static let everyProjectPermission = PermissionSet(Permission.project.map(\.name))

    /// The bit of a permission of the catalogue; nil for any other name.
    public static func bit(_ name: String) -> UInt64? {
        indices[name].map { 1 << $0 }
    }

    private static let indices: [String: Int] = {
        let names = (Permission.organization + Permission.project).map(\.name)
        precondition(names.count <= 64 && Set(names).count == names.count, "the catalogue must fit one 64-bit set")
        return Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, $0) })
    }()

    public func contains(bit: UInt64) -> Bool { bits & bit != 0 }

    public func contains(_ name: String) -> Bool { Self.bit(name).map(contains(bit:)) ?? false }

    public mutating func formUnion(_ other: PermissionSet) { bits |= other.bits }

    /// How many of these permissions `other` lacks.
    public func countMissing(from other: PermissionSet) -> Int { (bits & ~other.bits).nonzeroBitCount }

    public var count: Int { bits.nonzeroBitCount }
}
