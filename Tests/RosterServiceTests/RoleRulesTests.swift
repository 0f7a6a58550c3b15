import RosterModel
import RosterService
import RosterStore
import Testing

@Suite struct RoleRulesTests {
    @Test("predefined roles can be neither updated nor deleted")
    func predefinedRolesAreImmutable() async throws {
        try await Fixture.with { fixture async throws in
            for name in ["owner", "reader"] {
                let role = try await fixture.role(name)
                await expectServiceError(.conflict, code: "predefined_role") {
                    _ = try await fixture.organization.updateRole(id: role.id, name: nil, permissions: nil, description: "changed")
                }
                await expectServiceError(.conflict, code: "predefined_role") { try await fixture.organization.deleteRole(id: role.id) }
                #expect(try await fixture.organization.role(id: role.id) == role)
            }
        }
    }

    @Test("a role with a permission outside the catalogue is refused, naming the permissions field")
    func unknownPermission() async throws {
        try await Fixture.with { fixture async throws in
            let error = await expectServiceError(.invalidRequest, code: "unknown_permission", param: "permissions") {
                _ = try await fixture.organization.createRole(
                    name: "Bad", permissions: ["api.groups.read", "api.everything.write"], description: nil, by: fixture.caller)
            }
            #expect(error?.message.contains("api.everything.write") == true)
            let custom = try await fixture.role("Group Manager")
            await expectServiceError(.invalidRequest, param: "permissions") {
                _ = try await fixture.organization.updateRole(id: custom.id, name: nil, permissions: ["nope"], description: nil)
            }
        }
    }

    @Test("role names are unique: a duplicate create or rename is a conflict")
    func duplicateRoleName() async throws {
        try await Fixture.with { fixture async throws in
            await expectConflict {
                _ = try await fixture.organization.createRole(name: "group manager", permissions: [], description: nil, by: fixture.caller)
            }
            let other = try await fixture.organization.createRole(name: "Other", permissions: [], description: nil, by: fixture.caller)
            await expectConflict { _ = try await fixture.organization.updateRole(id: other.id, name: "OWNER", permissions: nil, description: nil) }
        }
    }

    @Test("a created role records the caller as its creator")
    func createdBy() async throws {
        try await Fixture.with { fixture async throws in
            let role = try await fixture.organization.createRole(
                name: "Auditor", permissions: ["api.roles.read"], description: "Reads roles", by: fixture.caller)
            #expect(role.createdBy?.id == fixture.owner.id)
            #expect(role.createdBy?.email == "owner@example.com")
            #expect(try await fixture.organization.role(id: role.id).createdBy?.id == fixture.owner.id)
        }
    }

    @Test("updating a role changes only the fields given")
    func partialUpdate() async throws {
        try await Fixture.with { fixture async throws in
            let role = try await fixture.role("Group Manager")
            let updated = try await fixture.organization.updateRole(id: role.id, name: nil, permissions: nil, description: "New words")
            #expect(updated.name == role.name)
            #expect(updated.permissions == role.permissions)
            #expect(updated.description == "New words")
        }
    }

    @Test("blank names are refused, naming the field")
    func blankNames() async throws {
        try await Fixture.with { fixture async throws in
            await expectServiceError(.invalidRequest, param: "role_name") {
                _ = try await fixture.organization.createRole(name: "  ", permissions: [], description: nil, by: fixture.caller)
            }
            await expectServiceError(.invalidRequest, param: "name") { _ = try await fixture.organization.createGroup(name: "\t") }
        }
    }
}

func expectConflict(sourceLocation: SourceLocation = #_sourceLocation, _ body: () async throws -> Void) async {
    do {
        try await body()
        Issue.record("expected a conflict, nothing was thrown", sourceLocation: sourceLocation)
    } catch let error as StoreError {
        #expect(error.conflictMessage != nil, sourceLocation: sourceLocation)
    } catch let error as ServiceError {
        #expect(error.kind == .conflict, sourceLocation: sourceLocation)
    } catch {
        Issue.record("expected a conflict, got \(error)", sourceLocation: sourceLocation)
    }
}
