import Foundation
import Testing

@testable import RosterModel

@Suite struct IdentifierTests {
    @Test("identifiers carry their kind's prefix and a 26-character ULID")
    func shape() {
        for kind in IdentifierKind.allCases {
            let id = Identifier.make(kind)
            #expect(id.rawValue.hasPrefix(kind.prefix))
            #expect(id.rawValue.count == kind.prefix.count + 26)
            #expect(Identifier(id.rawValue, kind: kind) == id)
        }
    }

    @Test("identifiers made later sort after earlier ones, even within one millisecond")
    func sortByCreation() {
        let ids = (0..<10_000).map { _ in Identifier.make(.group) }
        #expect(ids == ids.sorted())
        #expect(Set(ids).count == ids.count)
    }

    @Test("parsing refuses a wrong prefix, a wrong length and characters outside Crockford's alphabet")
    func parsing() {
        let good = Identifier.make(.user).rawValue
        #expect(Identifier(good, kind: .group) == nil)
        #expect(Identifier(String(good.dropLast()), kind: .user) == nil)
        #expect(Identifier("user_01ARZ3NDEKTSV4RRFFQ69G5FAU", kind: .user) == nil)  // U is not in the alphabet
        #expect(Identifier("user_01ARZ3NDEKTSV4RRFFQ69G5FAV", kind: .user) != nil)
        #expect(Identifier("user_", kind: .user) == nil)
        #expect(Identifier("user_81ARZ3NDEKTSV4RRFFQ69G5FAV", kind: .user) == nil)  // past the 48-bit time
        #expect(Identifier("xuser_01ARZ3NDEKTSV4RRFFQ69G5FAV", kind: .user) == nil)
    }

    @Test("every byte in every position of the ULID is accepted exactly when it is in Crockford's alphabet")
    func everyByte() {
        let alphabet = Set("0123456789ABCDEFGHJKMNPQRSTVWXYZ".utf8)
        let good = Array("01ARZ3NDEKTSV4RRFFQ69G5FAV".utf8)
        for position in [1, 13, 25] {
            for byte in UInt8.min...UInt8.max {
                var ulid = good
                ulid[position] = byte
                let raw = "group_" + String(decoding: ulid, as: UTF8.self)
                #expect((Identifier(raw, kind: .group) != nil) == alphabet.contains(byte), "byte \(byte) at \(position)")
            }
        }
    }

    @Test("the ULID time part encodes the creation millisecond")
    func timePart() {
        let text = ULID.Generator().next(now: Date(timeIntervalSince1970: 1_469_918_176.385))
        #expect(text.hasPrefix("01ARYZ6S41"))
    }
}

@Suite struct ValidationTests {
    @Test("permissions outside the catalogue are refused, naming the first one")
    func unknownPermission() {
        #expect(Validation.organizationPermissions(["api.groups.read", "api.nope", "x"]) == .failure(.init(name: "api.nope")))
        #expect(Validation.organizationPermissions(["api.roles.read", "api.groups.read", "api.roles.read"]) == .success(["api.groups.read", "api.roles.read"]))
    }

    @Test("names are trimmed; blank and over-long names are refused")
    func names() {
        #expect(Validation.name("  Support  ") == "Support")
        #expect(Validation.name(" \n ") == nil)
        #expect(Validation.name(String(repeating: "x", count: 256)) == nil)
    }

    @Test("owner holds every permission; reader reads the directory but not keys, the audit log or SCIM")
    func predefinedPermissions() {
        #expect(Set(PredefinedRole.owner.permissions) == Permission.organizationNames)
        #expect(PredefinedRole.reader.permissions.allSatisfy { $0.hasSuffix(".read") })
        let reads = Set(Permission.organizationNames.filter { $0.hasSuffix(".read") })
        #expect(reads.subtracting(PredefinedRole.reader.permissions) == ["api.admin_keys.read", "api.audit_logs.read", "api.scim.read"])
    }
}

@Suite struct CaseInsensitiveTests {
    @Test("equalsIgnoringCase agrees with Foundation, ASCII or not")
    func agreesWithFoundation() {
        let pairs = [
            ("userName", "USERNAME"), ("userName", "username1"), ("a", "b"), ("", ""), ("@[", "`{"), ("Équipe", "ÉQUIPE"),
            ("straße", "STRASSE"), ("id", "İD"), ("members", "Members"),
        ]
        for (a, b) in pairs {
            #expect(a.equalsIgnoringCase(b) == (a.caseInsensitiveCompare(b) == .orderedSame), "\(a) ~ \(b)")
        }
        #expect(Validation.comparisonKey("UserName@Example.COM") == "username@example.com")
        #expect(Validation.comparisonKey("Équipe") == Validation.comparisonKey("ÉQUIPE"))
    }
}
