import Testing

@testable import RosterModel

@Suite struct PermissionSetTests {
    @Test("every permission of the catalogue has its own bit, and names outside it are left out")
    func catalogue() {
        let every = (Permission.organization + Permission.project).map(\.name)
        let all = PermissionSet(every)
        #expect(all.count == every.count)
        for name in every {
            #expect(PermissionSet([name]).contains(name))
            #expect(PermissionSet([name]).count == 1)
            #expect(!PermissionSet(every.filter { $0 != name }).contains(name))
        }
        #expect(PermissionSet(["api.groups.read", "not.a.permission"]).count == 1)
        #expect(!all.contains("not.a.permission"))
        #expect(PermissionSet.everyProjectPermission == PermissionSet(Permission.projectNames))
    }

    @Test("union and the count of what another set lacks")
    func operations() {
        var held = PermissionSet(["api.groups.read", "api.users.read"])
        let role = PermissionSet(["api.groups.read", "api.groups.write", "api.roles.read"])
        #expect(role.countMissing(from: held) == 2)
        held.formUnion(role)
        #expect(role.countMissing(from: held) == 0)
        #expect(held.count == 4)
    }
}
