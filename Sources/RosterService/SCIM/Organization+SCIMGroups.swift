import Foundation
import RosterModel
import RosterSCIM
import RosterStore

/// SCIM Groups (RFC 7643 §4.2): every organization group is one, and its members are the group's members.
/// Writes over SCIM make the group the identity provider's (`is_scim_managed`).
extension Organization {
    public func scimCreateGroup(_ body: JSON, _ request: SCIMRequest, by caller: Caller? = nil) async throws -> SCIMResource {
        let fields = try SCIMGroupFields(body)
        let timestamp = now()
        return try await withAuditedTransaction(by: caller) { tx, audit in
            try await Self.refuseTakenDisplayName(fields.displayName, except: nil, in: tx)
            let group = Group(
                id: .make(.group), name: fields.displayName, createdAt: timestamp, isSCIMManaged: true, externalID: fields.externalID)
            try await tx.insertGroup(group)
            let members = try await Self.memberIDs(fields.members, in: tx)
            for userID in members {
                _ = try await tx.addMember(groupID: group.id, userID: userID)
            }
            try await audit.recordGroupCreated(group, members: Array(members))
            return try await Self.scimGroupResource(group.id, includeMembers: true, request, in: tx)
        }
    }

    public func scimGroup(id: String, includeMembers: Bool, _ request: SCIMRequest) async throws -> SCIMResource {
        try await store.read { tx in
            try await Self.scimGroupResource(try Self.scimID(id, .group), includeMembers: includeMembers, request, in: tx)
        }
    }

    /// Replaces the group's name, external id and members with the body's (PUT).
    public func scimReplaceGroup(
        id: String, with body: JSON, _ request: SCIMRequest, by caller: Caller? = nil
    ) async throws -> SCIMResource {
        let groupID = try Self.scimID(id, .group)
        let fields = try SCIMGroupFields(body)
        return try await withAuditedTransaction(by: caller) { tx, audit in
            let group = try await Self.scimExistingGroup(groupID, in: tx)
            try request.checkPrecondition(version: group.version)
            try await save(fields, over: group, in: tx, audit: audit)
            return try await Self.scimGroupResource(groupID, includeMembers: true, request, in: tx)
        }
    }

    /// Applies PATCH operations (member adds and removes in every form identity providers send them, renames)
    /// to the group's current representation, then saves the result as a replacement would.
    public func scimPatchGroup(
        id: String, operations: [SCIMPatchOperation], includeMembers: Bool, _ request: SCIMRequest, by caller: Caller? = nil
    ) async throws -> SCIMResource {
        let groupID = try Self.scimID(id, .group)
        return try await withAuditedTransaction(by: caller) { tx, audit in
            let current = try await Self.scimGroupResource(groupID, includeMembers: true, request, in: tx)
            try request.checkPrecondition(version: current.version)
            let patched = try SCIMPatch.apply(operations, to: current.json, type: SCIMResourceTypes.group)
            try await save(try SCIMGroupFields(patched), over: try await tx.group(id: groupID), in: tx, audit: audit)
            return try await Self.scimGroupResource(groupID, includeMembers: includeMembers, request, in: tx)
        }
    }

    /// Deletes the group with its memberships and role assignments.
    public func scimDeleteGroup(id: String, _ request: SCIMRequest, by caller: Caller? = nil) async throws {
        let groupID = try Self.scimID(id, .group)
        try await withAuditedTransaction(by: caller) { tx, audit in
            let group = try await Self.scimExistingGroup(groupID, in: tx)
            try request.checkPrecondition(version: group.version)
            try await tx.deleteGroup(id: groupID)
            try await audit.record(.groupDeleted, on: groupID)
        }
    }

    /// Groups matching the query's filter, in identifier order. Filters on `id`, `displayName` and `externalId`
    /// equality read through an index; any other filter is evaluated over every group.
    public func scimGroups(_ query: SCIMListQuery, _ request: SCIMRequest) async throws -> SCIMList {
        let filter = try query.filter.map { try SCIMFilter($0, for: SCIMResourceTypes.group) }
        return try await store.read { tx in
            guard let filter else {
                let total = try await tx.groupCount()
                let groups = query.count == 0 ? [] : try await tx.groups(offset: query.startIndex - 1, limit: query.count)
                let resources = try await Self.scimGroupResources(groups, includeMembers: query.includeMembers, request, in: tx)
                return SCIMList(resources: resources.map(\.json), totalResults: total, startIndex: query.startIndex)
            }
            let candidates: [Group]
            switch filter.equalityLookup.map({ ($0.attribute.lowercased(), $0.value) }) {
            case ("displayname", let value)?:
                candidates = try await tx.group(name: value).map { [$0] } ?? []
            case ("externalid", let value)?:
                candidates = try await tx.groups(externalID: value)
            case ("id", let value)?:
                candidates = try await Self.scimGroupIfExists(value, in: tx).map { [$0] } ?? []
            default:
                candidates = try await Self.everyPage(by: \.id) { try await tx.groups(page: $0) }
            }
            // Members are needed to evaluate the filter only when it names them.
            let needsMembers = query.includeMembers || (query.filter ?? "").lowercased().contains("members")
            var matches: [JSON] = []
            for chunk in candidates.chunked(into: 200) {
                matches += try await Self.scimGroupResources(chunk, includeMembers: needsMembers, request, in: tx).map(\.json).filter {
                    filter.matches($0, type: SCIMResourceTypes.group)
                }
            }
            if needsMembers && !query.includeMembers {
                matches = matches.map { SCIMGroupFields.removingMembers($0) }
            }
            return SCIMList(
                resources: Array(matches.dropFirst(query.startIndex - 1).prefix(query.count)), totalResults: matches.count,
                startIndex: query.startIndex)
        }
    }

    // MARK: Mapping

    /// Saves the fields over the group (a write, which bumps its version, even when nothing differs) and records one
    /// `group.updated` naming what changed.
    private func save(_ fields: SCIMGroupFields, over existing: Group, in tx: any StoreTransaction, audit: AuditTrail) async throws {
        try await Self.refuseTakenDisplayName(fields.displayName, except: existing.id, in: tx)
        var group = existing
        group.name = fields.displayName
        group.externalID = fields.externalID
        group.isSCIMManaged = true
        group.updatedAt = now()
        try await tx.updateGroup(group)
        let held = Set(try await tx.allMembers(groupID: group.id).map(\.id))
        let wanted = try await Self.memberIDs(fields.members, except: held, in: tx)
        for userID in held.subtracting(wanted) { _ = try await tx.removeMember(groupID: group.id, userID: userID) }
        for userID in wanted.subtracting(held).sorted() { _ = try await tx.addMember(groupID: group.id, userID: userID) }
        let changes = AuditTrail.groupChanges(
            name: group.name == existing.name ? nil : group.name, added: Array(wanted.subtracting(held)),
            removed: Array(held.subtracting(wanted)))
        try await audit.record(.groupUpdated, on: group.id, changes: changes)
    }

    private static func refuseTakenDisplayName(_ name: String, except id: Identifier?, in tx: any StoreTransaction) async throws {
        if let other = try await tx.group(name: name), other.id != id {
            throw SCIMError.uniqueness("A group with displayName '\(name)' already exists (\(other.id)).")
        }
    }

    /// The users named by member values; a value that is not a user is an `invalidValue` error. Only values outside
    /// `known` (the group's members already) are looked up.
    private static func memberIDs(_ values: [String], except known: Set<Identifier> = [], in tx: any StoreTransaction) async throws -> Set<Identifier> {
        var ids: Set<Identifier> = []
        for value in values {
            let id = Identifier(value, kind: .user)
            if let id, known.contains(id) || ids.contains(id) {
                ids.insert(id)
                continue
            }
            guard let id, try await scimUserIfExists(value, in: tx) != nil else {
                throw SCIMError.invalidValue("Member '\(value.prefix(100))' is not a user of this organization; groups contain users only.")
            }
            ids.insert(id)
        }
        return ids
    }

    /// The group with this id, or nil when there is none (or the id is malformed).
    private static func scimGroupIfExists(_ raw: String, in tx: any StoreTransaction) async throws -> Group? {
        guard let id = Identifier(raw, kind: .group) else { return nil }
        do {
            return try await tx.group(id: id)
        } catch let error as StoreError where error.missing != nil {
            return nil
        }
    }

    static func scimExistingGroup(_ id: Identifier, in tx: any StoreTransaction) async throws -> Group {
        do {
            return try await tx.group(id: id)
        } catch let error as StoreError where error.missing != nil {
            throw SCIMError.notFound("No Group has id '\(id)'.")
        }
    }

    static func scimGroupResource(
        _ id: Identifier, includeMembers: Bool, _ request: SCIMRequest, in tx: any StoreTransaction
    ) async throws -> SCIMResource {
        let group = try await scimExistingGroup(id, in: tx)
        guard let resource = try await scimGroupResources([group], includeMembers: includeMembers, request, in: tx).first else {
            throw SCIMError.notFound("No Group has id '\(id)'.")
        }
        return resource
    }

    /// The SCIM representations of `groups`, reading every group's members in one query when wanted.
    static func scimGroupResources(
        _ groups: [Group], includeMembers: Bool, _ request: SCIMRequest, in tx: any StoreTransaction
    ) async throws -> [SCIMResource] {
        let members = includeMembers ? try await tx.members(ofGroups: groups.map(\.id)) : [:]
        return groups.map { group in
            SCIMResource(
                json: SCIMGroupFields.render(group, members: includeMembers ? members[group.id] ?? [] : nil, baseURL: request.baseURL),
                version: group.version)
        }
    }
}

/// How a SCIM Group maps onto an organization group.
struct SCIMGroupFields {
    var displayName: String
    var externalID: String?
    /// The `value` of every member: user ids.
    var members: [String]

    init(_ document: JSON) throws {
        guard document.objectValue != nil else { throw SCIMError.invalidSyntax("A Group must be a JSON object.") }
        guard let raw = document[member: "displayName"]?.stringValue, let name = Validation.name(raw) else {
            throw SCIMError.invalidValue(
                "A Group needs a 'displayName' of 1 to \(Validation.maximumNameLength) characters with no control characters.")
        }
        displayName = name
        externalID = try SCIMUserFields.externalID(document)
        members = try (document[member: "members"]?.arrayValue ?? []).map { member in
            guard let value = member[member: "value"]?.stringValue else {
                throw SCIMError.invalidValue("Every member needs a 'value': the id of a user.")
            }
            return value
        }
    }

    /// The group as a SCIM resource; `members` nil leaves them out (for `excludedAttributes=members`).
    static func render(_ group: Group, members: [User]?, baseURL: String) -> JSON {
        var fields: [(String, JSON)] = [("schemas", .array([.string(SCIMSchemas.groupURN)])), ("id", .string(group.id.rawValue))]
        if let externalID = group.externalID { fields.append(("externalId", .string(externalID))) }
        fields.append(("displayName", .string(group.name)))
        if let members {
            fields.append((
                "members",
                .array(
                    members.map {
                        .object([
                            ("value", .string($0.id.rawValue)), ("$ref", .string("\(baseURL)/Users/\($0.id)")),
                            ("type", "User"),
                        ])
                    })
            ))
        }
        fields.append((
            "meta",
            SCIMUserFields.meta("Group", id: group.id, created: group.createdAt, modified: group.updatedAt, version: group.version, baseURL: baseURL)
        ))
        return .object(fields)
    }

    static func removingMembers(_ resource: JSON) -> JSON {
        .object((resource.objectValue ?? []).filter { $0.0 != "members" })
    }
}
