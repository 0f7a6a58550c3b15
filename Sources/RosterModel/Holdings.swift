/// What one principal (a user, a key, a service account) effectively holds: its organization permissions, the project
/// permissions it holds in every project (the organization's owner holds them all), and those it holds in particular
/// projects.
public struct Holdings: Hashable, Sendable {
    public var organization: Set<String>
    /// Project permissions held in every project of the organization, present and future.
    public var everyProject: Set<String>
    /// Project permissions held in one project, beyond `everyProject`.
    public var projects: [Identifier: Set<String>]

    public init(organization: Set<String> = [], everyProject: Set<String> = [], projects: [Identifier: Set<String>] = [:]) {
        self.organization = organization
        self.everyProject = everyProject
        self.projects = projects
    }

    /// Holding nothing: a principal that does not exist, a deactivated user, an expired key.
    public static let nothing = Holdings()

    /// What a user holding `roles` (from every scope, directly or through groups) holds: each role's permissions in
    /// its scope, and every project permission everywhere when one of them is the organization's `owner`.
    public init(roles: [Role]) {
        self.init()
        for role in roles {
            switch role.scope {
            case .organization:
                organization.formUnion(role.grantedPermissions)
                if role.isOrganizationOwner { everyProject = Permission.projectNames }
            case .project(let projectID):
                projects[projectID, default: []].formUnion(role.grantedPermissions)
            }
        }
    }

    /// The project permissions held in project `projectID`.
    public func inProject(_ projectID: Identifier) -> Set<String> {
        guard let extra = projects[projectID] else { return everyProject }
        return everyProject.union(extra)
    }

    /// The permissions held in `scope`: organization permissions in the organization, project ones in a project.
    public func held(in scope: RoleScope) -> Set<String> {
        switch scope {
        case .organization: organization
        case .project(let projectID): inProject(projectID)
        }
    }

    /// These holdings cut to `scopes`; nil leaves them whole.
    public func limited(to scopes: Set<String>?) -> Holdings {
        guard let scopes else { return self }
        return Holdings(
            organization: organization.intersection(scopes), everyProject: everyProject.intersection(scopes),
            projects: projects.compactMapValues { held in
                let kept = held.intersection(scopes)
                return kept.isEmpty ? nil : kept
            })
    }

    /// True when every permission of the catalogue is held everywhere: nothing can be out of reach.
    public var holdsEverything: Bool {
        organization.isSuperset(of: Permission.organizationNames) && everyProject.isSuperset(of: Permission.projectNames)
    }
}
