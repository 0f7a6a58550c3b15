import RosterModel
import RosterStore
import Testing

extension StoreConformance {
    static let assignmentContracts: [StoreContract] = [
        contract("assign adds once and reports a repeat as no change") { store in
            let (ada, custom) = (user("ada"), role("custom"))
            try await store.withTransaction { tx in
                try await tx.insertUser(ada)
                try await tx.insertRole(custom)
            }
            #expect(try await store.withTransaction { try await $0.assign(roleID: custom.id, to: .user(ada.id)) })
            #expect(try await !store.withTransaction { try await $0.assign(roleID: custom.id, to: .user(ada.id)) })
            #expect(try await store.read { try await $0.isAssigned(roleID: custom.id, to: .user(ada.id)) })
        },
        contract("assign throws notFound for an unknown principal or role") { store in
            let (ada, custom) = (user("ada"), role("custom"))
            try await store.withTransaction { tx in
                try await tx.insertUser(ada)
                try await tx.insertRole(custom)
            }
            await expectNotFound { _ = try await store.withTransaction { try await $0.assign(roleID: .make(.role), to: .user(ada.id)) } }
            await expectNotFound { _ = try await store.withTransaction { try await $0.assign(roleID: custom.id, to: .group(.make(.group))) } }
        },
        contract("unassign reports whether the principal held the role directly") { store in
            let (team, custom) = (group("team"), role("custom"))
            try await store.withTransaction { tx in
                try await tx.insertGroup(team)
                try await tx.insertRole(custom)
                _ = try await tx.assign(roleID: custom.id, to: .group(team.id))
            }
            #expect(try await store.withTransaction { try await $0.unassign(roleID: custom.id, from: .group(team.id)) })
            #expect(try await !store.withTransaction { try await $0.unassign(roleID: custom.id, from: .group(team.id)) })
        },
        contract("a user's roles include those of its groups, each with every source") { store in
            let (ada, team, ops) = (user("ada"), group("team"), group("ops"))
            let (direct, inherited, both) = (role("direct"), role("inherited"), role("both"))
            try await store.withTransaction { tx in
                try await tx.insertUser(ada)
                for group in [team, ops] {
                    try await tx.insertGroup(group)
                    _ = try await tx.addMember(groupID: group.id, userID: ada.id)
                }
                for role in [direct, inherited, both] { try await tx.insertRole(role) }
                _ = try await tx.assign(roleID: direct.id, to: .user(ada.id))
                _ = try await tx.assign(roleID: inherited.id, to: .group(team.id))
                _ = try await tx.assign(roleID: both.id, to: .user(ada.id))
                _ = try await tx.assign(roleID: both.id, to: .group(team.id))
                _ = try await tx.assign(roleID: both.id, to: .group(ops.id))
            }
            let reader = try await store.read { try await $0.role(predefined: .reader) }
            let page = try await store.read { try await $0.roles(ofUser: ada.id, scope: .organization, page: PageRequest(limit: 10)) }
            let sources = Dictionary(uniqueKeysWithValues: page.items.map { ($0.role.id, $0.sources) })
            #expect(page.items.map(\.role.id) == [reader.id, direct.id, inherited.id, both.id])
            #expect(sources[direct.id] == [.user(ada.id)])
            #expect(sources[inherited.id] == [.group(team.id)])
            #expect(sources[both.id] == [.user(ada.id), .group(team.id), .group(ops.id)].sorted { lhs, rhs in
                (lhs.type == "user" ? 0 : 1, lhs.id.rawValue) < (rhs.type == "user" ? 0 : 1, rhs.id.rawValue)
            })
            let held = try await store.read { try await $0.assignedRole(inherited.id, user: ada.id) }
            #expect(held?.sources == [.group(team.id)])
            #expect(try await store.read { try await $0.isAssigned(roleID: inherited.id, to: .user(ada.id)) } == false)
        },
        contract("a user's roles page by role identifier") { store in
            let ada = user("ada")
            let roles = (0..<4).map { role("r\($0)") }
            try await store.withTransaction { tx in
                try await tx.insertUser(ada)
                for role in roles {
                    try await tx.insertRole(role)
                    _ = try await tx.assign(roleID: role.id, to: .user(ada.id))
                }
            }
            let page = try await store.read { try await $0.roles(ofUser: ada.id, scope: .organization, page: PageRequest(limit: 2, after: roles[0].id)) }
            #expect(page.items.map(\.role.id) == [roles[1].id, roles[2].id])
            #expect(page.hasMore)
            let descending = try await store.read {
                try await $0.roles(ofUser: ada.id, scope: .organization, page: PageRequest(limit: 10, after: roles[1].id, order: .descending))
            }
            #expect(descending.items.map(\.role.id) == [roles[0].id] + [try await store.read { try await $0.role(predefined: .reader) }.id])
        },
        contract("assignedRole is nil for a role the user holds in no way") { store in
            let (ada, custom) = (user("ada"), role("custom"))
            try await store.withTransaction { tx in
                try await tx.insertUser(ada)
                try await tx.insertRole(custom)
            }
            #expect(try await store.read { try await $0.assignedRole(custom.id, user: ada.id) } == nil)
        },
        contract("a group's roles page by role identifier with the group as source") { store in
            let team = group("team")
            let roles = (0..<3).map { role("r\($0)") }
            try await store.withTransaction { tx in
                try await tx.insertGroup(team)
                for role in roles {
                    try await tx.insertRole(role)
                    _ = try await tx.assign(roleID: role.id, to: .group(team.id))
                }
            }
            let page = try await store.read { try await $0.roles(ofGroup: team.id, scope: .organization, page: PageRequest(limit: 2)) }
            #expect(page.items.map(\.role.id) == [roles[0].id, roles[1].id])
            #expect(page.items.allSatisfy { $0.sources == [.group(team.id)] })
            #expect(page.hasMore)
        },
        contract("allRoles lists a user's roles of every scope once, direct and through groups; a group's its own") { store in
            let (ada, grace, team) = (user("ada"), user("grace"), group("team"))
            let apollo = project("apollo")
            let (direct, inherited, both) = (role("direct"), role("inherited"), role("both"))
            let projectCustom = projectRole("custom", in: apollo)
            try await store.withTransaction { tx in
                for user in [ada, grace] { try await tx.insertUser(user) }
                try await tx.insertGroup(team)
                _ = try await tx.addMember(groupID: team.id, userID: ada.id)
                try await tx.insertProject(apollo)
                for role in [direct, inherited, both, projectCustom] { try await tx.insertRole(role) }
                _ = try await tx.assign(roleID: direct.id, to: .user(ada.id))
                _ = try await tx.assign(roleID: both.id, to: .user(ada.id))
                for role in [inherited, both, projectCustom] { _ = try await tx.assign(roleID: role.id, to: .group(team.id)) }
            }
            let reader = try await store.read { try await $0.role(predefined: .reader) }
            let expected = [reader, direct, inherited, both, projectCustom].map(\.id).sorted()
            #expect(try await store.read { try await $0.allRoles(ofUser: ada.id) }.map(\.id) == expected)
            #expect(try await store.read { try await $0.allRoles(ofUser: grace.id) }.map(\.id) == [reader.id])
            #expect(try await store.read { try await $0.allRoles(ofGroup: team.id) }.map(\.id) == [inherited, both, projectCustom].map(\.id).sorted())
        },
        contract("holders lists the users holding a role directly or through a group, once each") { store in
            let (ada, grace, linus, team) = (user("ada"), user("grace"), user("linus"), group("team"))
            let custom = role("custom")
            try await store.withTransaction { tx in
                for user in [ada, grace, linus] { try await tx.insertUser(user) }
                try await tx.insertGroup(team)
                for user in [ada, grace] { _ = try await tx.addMember(groupID: team.id, userID: user.id) }
                try await tx.insertRole(custom)
                _ = try await tx.assign(roleID: custom.id, to: .user(ada.id))
                _ = try await tx.assign(roleID: custom.id, to: .group(team.id))
            }
            #expect(try await store.read { try await $0.holders(ofRole: custom.id) } == [ada.id, grace.id].sorted())
            #expect(try await store.read { try await $0.holders(ofRole: .make(.role)) }.isEmpty)
        },
    ]
}
