import RosterModel
import RosterStore
import Testing

extension StoreConformance {
    static let roleContracts: [StoreContract] = [
        contract("a new store has the predefined owner and reader roles") { store in
            for predefined in PredefinedRole.allCases {
                let role = try await store.read { try await $0.role(predefined: predefined) }
                #expect(role.name == predefined.rawValue)
                #expect(role.isPredefined)
                #expect(role.resourceType == ResourceType.organization)
                #expect(role.permissions == predefined.permissions)
            }
            let listed = try await store.read { try await $0.roles(scope: .organization, page: PageRequest(limit: 10)) }
            #expect(listed.items.map(\.name) == ["owner", "reader"])
        },
        contract("an inserted role reads back with its creator") { store in
            let ada = user("ada")
            let custom = role("Custom", permissions: ["api.groups.read", "api.roles.read"], by: ada)
            try await store.withTransaction { tx in
                try await tx.insertUser(ada)
                try await tx.insertRole(custom)
            }
            #expect(try await store.read { try await $0.role(id: custom.id) } == custom)
            #expect(try await store.read { try await $0.role(name: "custom", scope: .organization) }?.id == custom.id)
            await expectNotFound { _ = try await store.read { try await $0.role(id: .make(.role)) } }
        },
        contract("role names are unique within a resource type, case-insensitively") { store in
            var other = role("Other")
            try await store.withTransaction { tx in
                try await tx.insertRole(role("Auditor"))
                try await tx.insertRole(other)
            }
            await expectConflict { try await store.withTransaction { try await $0.insertRole(role("auditor")) } }
            await expectConflict { try await store.withTransaction { try await $0.insertRole(role("OWNER")) } }
            other.name = "AUDITOR"
            await expectConflict { try await store.withTransaction { [other] in try await $0.updateRole(other) } }
        },
        contract("updateRole saves name, description, permissions and updatedAt") { store in
            var custom = role("Custom")
            try await store.withTransaction { [custom] in try await $0.insertRole(custom) }
            custom.name = "Renamed"
            custom.description = nil
            custom.permissions = ["api.users.read"]
            custom.updatedAt = t0 + 60
            let updated = custom
            try await store.withTransaction { try await $0.updateRole(updated) }
            let saved = try await store.read { try await $0.role(id: updated.id) }
            #expect(saved == updated)
            await expectNotFound { try await store.withTransaction { try await $0.updateRole(role("ghost")) } }
        },
        contract("deleteRole removes every assignment of the role") { store in
            let (ada, team, custom) = (user("ada"), group("team"), role("custom"))
            try await store.withTransaction { tx in
                try await tx.insertUser(ada)
                try await tx.insertGroup(team)
                try await tx.insertRole(custom)
                _ = try await tx.assign(roleID: custom.id, to: .user(ada.id))
                _ = try await tx.assign(roleID: custom.id, to: .group(team.id))
            }
            try await store.withTransaction { try await $0.deleteRole(id: custom.id) }
            try await store.read { tx async throws in
                #expect(try await tx.roles(ofGroup: team.id, scope: .organization, page: PageRequest(limit: 10)).items.isEmpty)
                #expect(try await tx.roles(ofUser: ada.id, scope: .organization, page: PageRequest(limit: 10)).items.map(\.role.name) == ["reader"])
            }
            await expectNotFound { try await store.withTransaction { try await $0.deleteRole(id: custom.id) } }
        },
    ]
}
