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

    /// Every organization permission.
    public static let everyOrganizationPermission = PermissionSet(Permission.organization.map(\.name))

    /// The permissions in both sets.
    public func intersection(_ other: PermissionSet) -> PermissionSet {
        var both = self
        both.bits &= other.bits
        return both
    }

    public var isEmpty: Bool { bits == 0 }

    /// The permissions of the set by their position in the catalogue (organization permissions, then project
    /// permissions), in that order.
    public var positions: [Int] {
        var positions: [Int] = []
        var rest = bits
        while rest != 0 {
            positions.append(rest.trailingZeroBitCount)
            rest &= rest - 1
        }
        return positions
    }

    /// The name of the permission at `position` in the catalogue (see `positions`).
    public static func name(at position: Int) -> String { names[position] }

    /// How many permissions the catalogue has: positions run from 0 to this, excluded.
    public static var catalogueCount: Int { names.count }

    private static let names = (Permission.organization + Permission.project).map(\.name)

    /// The bit of a permission of the catalogue; nil for any other name.
    public static func bit(_ name: String) -> UInt64? {
        indices[name].map { 1 << $0 }
    }

    private static let indices: [String: Int] = {
        precondition(names.count <= 64 && Set(names).count == names.count, "the catalogue must fit one 64-bit set")
        return Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, $0) })
    }()

    public func contains(bit: UInt64) -> Bool { bits & bit != 0 }

    public func contains(_ name: String) -> Bool { Self.bit(name).map(contains(bit:)) ?? false }

    public mutating func formUnion(_ other: PermissionSet) { bits |= other.bits }

    public func union(_ other: PermissionSet) -> PermissionSet {
        var either = self
        either.bits |= other.bits
        return either
    }

    /// How many of these permissions `other` lacks.
    public func countMissing(from other: PermissionSet) -> Int { (bits & ~other.bits).nonzeroBitCount }

    public var count: Int { bits.nonzeroBitCount }
}
