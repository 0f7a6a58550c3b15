import Foundation
import RosterModel
import RosterSCIM
import Testing

/// Attribute names RFC 7643 defines, by schema: each top-level attribute with its sub-attribute names (empty for
/// simple attributes).
private let expectedUserAttributes: [String: Set<String>] = [
    "userName": [],
    "name": ["formatted", "familyName", "givenName", "middleName", "honorificPrefix", "honorificSuffix"],
    "displayName": [], "nickName": [], "profileUrl": [], "title": [], "userType": [], "preferredLanguage": [],
    "locale": [], "timezone": [], "active": [], "password": [],
    "emails": ["value", "display", "type", "primary"],
    "phoneNumbers": ["value", "display", "type", "primary"],
    "ims": ["value", "display", "type", "primary"],
    "photos": ["value", "display", "type", "primary"],
    "addresses": ["formatted", "streetAddress", "locality", "region", "postalCode", "country", "type", "primary"],
    "groups": ["value", "$ref", "display", "type"],
    "entitlements": ["value", "display", "type", "primary"],
    "roles": ["value", "display", "type", "primary"],
    "x509Certificates": ["value", "display", "type", "primary"],
]

private let expectedEnterpriseAttributes: [String: Set<String>] = [
    "employeeNumber": [], "costCenter": [], "organization": [], "division": [], "department": [],
    "manager": ["value", "$ref", "displayName"],
]

private let expectedGroupAttributes: [String: Set<String>] = [
    "displayName": [],
    "members": ["value", "$ref", "type"],
]

private func names(of schema: SCIMSchema) -> [String: Set<String>] {
    Dictionary(uniqueKeysWithValues: schema.attributes.map { ($0.name, Set($0.subAttributes.map(\.name))) })
}

private func attribute(_ schema: SCIMSchema, _ path: String) throws -> SCIMAttribute {
    let parts = path.split(separator: ".").map(String.init)
    var found = try #require(schema.attribute(parts[0]), "no attribute \(parts[0]) in \(schema.name)")
    for part in parts.dropFirst() {
        found = try #require(found.subAttribute(part), "no sub-attribute \(path) in \(schema.name)")
    }
    return found
}

/// The value with every object's members sorted by key: the decoder does not keep member order.
private func sortingMembers(_ json: JSON) -> JSON {
    switch json {
    case .object(let members): .object(members.map { ($0.0, sortingMembers($0.1)) }.sorted { $0.0 < $1.0 })
    case .array(let elements): .array(elements.map(sortingMembers))
    default: json
    }
}

private let baseURL = "http://127.0.0.1:8080/scim/v2"

@Suite("SCIM schemas")
struct SchemaTests {
    @Test("the User schema has every attribute and sub-attribute RFC 7643 §4.1 defines, and no others")
    func userAttributesAreComplete() {
        #expect(names(of: SCIMSchemas.user) == expectedUserAttributes)
        #expect(SCIMSchemas.user.attributes.count == expectedUserAttributes.count)
    }

    @Test("the enterprise User extension has every attribute RFC 7643 §4.3 defines, and no others")
    func enterpriseAttributesAreComplete() {
        #expect(names(of: SCIMSchemas.enterpriseUser) == expectedEnterpriseAttributes)
    }

    @Test("the Group schema has every attribute RFC 7643 §4.2 defines, and no others")
    func groupAttributesAreComplete() {
        #expect(names(of: SCIMSchemas.group) == expectedGroupAttributes)
    }

    @Test("schema ids are the RFC 7643 URNs")
    func schemaIDs() {
        #expect(SCIMSchemas.user.id == "urn:ietf:params:scim:schemas:core:2.0:User")
        #expect(SCIMSchemas.enterpriseUser.id == "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User")
        #expect(SCIMSchemas.group.id == "urn:ietf:params:scim:schemas:core:2.0:Group")
        #expect(SCIMSchemas.listResponseURN == "urn:ietf:params:scim:api:messages:2.0:ListResponse")
        #expect(SCIMSchemas.patchOpURN == "urn:ietf:params:scim:api:messages:2.0:PatchOp")
        #expect(SCIMSchemas.errorURN == "urn:ietf:params:scim:api:messages:2.0:Error")
        #expect(SCIMSchemas.searchRequestURN == "urn:ietf:params:scim:api:messages:2.0:SearchRequest")
        #expect(SCIMSchemas.schema(id: "URN:IETF:PARAMS:SCIM:SCHEMAS:CORE:2.0:GROUP")?.name == "Group")
        #expect(SCIMSchemas.schema(id: "urn:example:unknown") == nil)
    }

    @Test("a password can be written but is never returned")
    func passwordIsWriteOnly() throws {
        let password = try attribute(SCIMSchemas.user, "password")
        #expect(password.mutability == .writeOnly)
        #expect(password.returned == .never)
    }

    @Test("id and meta are read-only, and id is always returned")
    func idAndMetaAreReadOnly() throws {
        for type in SCIMResourceTypes.all {
            let id = try #require(type.attribute(urn: nil, name: "id")?.attribute)
            #expect(id.mutability == .readOnly)
            #expect(id.returned == .always)
            let meta = try #require(type.attribute(urn: nil, name: "meta")?.attribute)
            #expect(meta.mutability == .readOnly)
            #expect(meta.subAttributes.allSatisfy { $0.mutability == .readOnly })
        }
    }

    @Test("a group's members are users only, and can be added or removed but not edited")
    func membersAreUsers() throws {
        let ref = try attribute(SCIMSchemas.group, "members.$ref")
        #expect(ref.type == .reference)
        #expect(ref.referenceTypes == ["User"])
        #expect(try attribute(SCIMSchemas.group, "members.type").canonicalValues == ["User"])
        #expect(try attribute(SCIMSchemas.group, "members.value").mutability == .immutable)
        #expect(SCIMSchemas.group.attribute("members")?.subAttribute("display") == nil, "RFC 7643 §8.7.1 gives members no display")
        #expect(try attribute(SCIMSchemas.group, "members").multiValued)
    }

    @Test("userName and a group's displayName are required, and userName is unique")
    func requiredAttributes() throws {
        let userName = try attribute(SCIMSchemas.user, "userName")
        #expect(userName.required)
        #expect(userName.uniqueness == .server)
        #expect(!userName.caseExact)
        #expect(try attribute(SCIMSchemas.group, "displayName").required)
        let required = SCIMSchemas.user.attributes.filter(\.required).map(\.name)
        #expect(required == ["userName"])
    }

    @Test("a user's groups are read-only and refer to groups")
    func userGroupsAreReadOnly() throws {
        let groups = try attribute(SCIMSchemas.user, "groups")
        #expect(groups.multiValued)
        #expect(groups.mutability == .readOnly)
        #expect(groups.subAttributes.allSatisfy { $0.mutability == .readOnly })
        #expect(try attribute(SCIMSchemas.user, "groups.$ref").referenceTypes == ["Group"])
        #expect(try attribute(SCIMSchemas.user, "groups.type").canonicalValues == ["direct", "indirect"])
    }

    @Test("attribute types and canonical values follow RFC 7643 §8.7.1")
    func typesAndCanonicalValues() throws {
        let user = SCIMSchemas.user
        #expect(try attribute(user, "active").type == .boolean)
        #expect(try attribute(user, "profileUrl").type == .reference)
        #expect(try attribute(user, "profileUrl").referenceTypes == ["external"])
        #expect(try attribute(user, "photos.value").type == .reference)
        #expect(try attribute(user, "photos.value").referenceTypes == ["external"])
        #expect(try attribute(user, "x509Certificates.value").type == .binary)
        #expect(try attribute(user, "emails.primary").type == .boolean)
        #expect(try attribute(user, "emails.type").canonicalValues == ["work", "home", "other"])
        #expect(try attribute(user, "phoneNumbers.type").canonicalValues == ["work", "home", "mobile", "fax", "pager", "other"])
        #expect(try attribute(user, "ims.type").canonicalValues == ["aim", "gtalk", "icq", "xmpp", "msn", "skype", "qq", "yahoo"])
        #expect(try attribute(user, "photos.type").canonicalValues == ["photo", "thumbnail"])
        #expect(try attribute(user, "addresses.type").canonicalValues == ["work", "home", "other"])
        #expect(try attribute(user, "roles.type").canonicalValues.isEmpty)
        for name in ["emails", "phoneNumbers", "ims", "photos", "addresses", "groups", "entitlements", "roles", "x509Certificates"] {
            let multi = try attribute(user, name)
            #expect(multi.type == .complex && multi.multiValued, "\(name) is multi-valued complex")
        }
        let manager = try attribute(SCIMSchemas.enterpriseUser, "manager")
        #expect(manager.type == .complex && !manager.multiValued)
        #expect(try attribute(SCIMSchemas.enterpriseUser, "manager.$ref").referenceTypes == ["User"])
        #expect(try attribute(SCIMSchemas.enterpriseUser, "manager.displayName").mutability == .readOnly)
    }

    @Test("every attribute has a description, and only complex attributes have sub-attributes")
    func attributesAreWellFormed() {
        func check(_ attributes: [SCIMAttribute], nested: Bool) {
            for attribute in attributes {
                #expect(!attribute.description.isEmpty, "\(attribute.name) has a description")
                #expect((attribute.type == .complex) == !attribute.subAttributes.isEmpty, "\(attribute.name)")
                #expect(attribute.type != .reference || !attribute.referenceTypes.isEmpty, "\(attribute.name)")
                #expect(!(nested && attribute.type == .complex), "\(attribute.name) is complex inside complex")
                check(attribute.subAttributes, nested: true)
            }
        }
        for schema in SCIMSchemas.all { check(schema.attributes, nested: false) }
    }

    @Test("the User resource type finds core and enterprise attributes case-insensitively")
    func userAttributeLookup() throws {
        let users = SCIMResourceTypes.user
        let userName = try #require(users.attribute(urn: nil, name: "USERNAME"))
        #expect(userName.attribute.name == "userName")
        #expect(userName.extensionURN == nil)

        let emails = try #require(users.attribute(urn: "URN:IETF:PARAMS:SCIM:SCHEMAS:CORE:2.0:USER", name: "Emails"))
        #expect(emails.attribute.name == "emails")
        #expect(emails.extensionURN == nil)

        let department = try #require(
            users.attribute(urn: "urn:ietf:params:scim:schemas:extension:Enterprise:2.0:User", name: "DEPARTMENT"))
        #expect(department.attribute.name == "department")
        #expect(department.extensionURN == SCIMSchemas.enterpriseUserURN)

        let manager = try #require(users.attribute(urn: SCIMSchemas.enterpriseUserURN, name: "manager"))
        #expect(manager.attribute.subAttribute("VALUE")?.name == "value")

        let externalId = try #require(users.attribute(urn: nil, name: "EXTERNALID"))
        #expect(externalId.attribute.name == "externalId")

        #expect(users.attribute(urn: nil, name: "department") == nil, "extension attributes need their URN")
        #expect(users.attribute(urn: "urn:example:unknown", name: "department") == nil)
        #expect(users.attribute(urn: nil, name: "nosuch") == nil)
        #expect(SCIMResourceTypes.group.attribute(urn: SCIMSchemas.enterpriseUserURN, name: "department") == nil)
        #expect(SCIMResourceTypes.group.attribute(urn: nil, name: "MEMBERS")?.attribute.name == "members")
    }

    @Test("resource types are Users and Groups, with the enterprise extension optional on users")
    func resourceTypes() {
        #expect(SCIMResourceTypes.all.map(\.endpoint) == ["/Users", "/Groups"])
        #expect(SCIMResourceTypes.user.schema.id == SCIMSchemas.userURN)
        #expect(SCIMResourceTypes.user.extensions.map(\.schema.id) == [SCIMSchemas.enterpriseUserURN])
        #expect(SCIMResourceTypes.user.extensions.map(\.required) == [false])
        #expect(SCIMResourceTypes.group.schema.id == SCIMSchemas.groupURN)
        #expect(SCIMResourceTypes.group.extensions.isEmpty)
        #expect(SCIMResourceTypes.resourceType(id: "group")?.endpoint == "/Groups")
    }
}

@Suite("SCIM discovery documents")
struct DiscoveryTests {
    @Test("the service provider configuration announces what Roster supports and nothing more")
    func serviceProviderConfig() throws {
        let config = SCIMDiscovery.serviceProviderConfig(baseURL: baseURL)
        #expect(config[member: "schemas"] == .array([.string(SCIMSchemas.serviceProviderConfigURN)]))
        #expect(config[member: "documentationUri"]?.stringValue == "http://127.0.0.1:8080/openapi.yaml")
        #expect(config[member: "patch"]?[member: "supported"] == true)
        #expect(config[member: "bulk"]?[member: "supported"] == false)
        #expect(config[member: "bulk"]?[member: "maxOperations"] == 0)
        #expect(config[member: "bulk"]?[member: "maxPayloadSize"] == 0)
        #expect(config[member: "filter"]?[member: "supported"] == true)
        #expect(config[member: "filter"]?[member: "maxResults"] == 1000)
        #expect(config[member: "changePassword"]?[member: "supported"] == false)
        #expect(config[member: "sort"]?[member: "supported"] == false)
        #expect(config[member: "etag"]?[member: "supported"] == true)

        let schemes = try #require(config[member: "authenticationSchemes"]?.arrayValue)
        #expect(schemes.count == 1)
        #expect(schemes.first?[member: "type"] == "oauthbearertoken")
        #expect(schemes.first?[member: "name"] == "OAuth Bearer Token")
        #expect(schemes.first?[member: "description"] == "Authentication with a Roster admin API key sent as a bearer token")
        #expect(schemes.first?[member: "primary"] == true)

        #expect(config[member: "meta"]?[member: "resourceType"] == "ServiceProviderConfig")
        #expect(config[member: "meta"]?[member: "location"] == .string(baseURL + "/ServiceProviderConfig"))
    }

    @Test("each resource type document names its endpoint, schema and extensions")
    func resourceTypeDocuments() throws {
        let documents = SCIMDiscovery.resourceTypes(baseURL: baseURL)
        #expect(documents.map { $0[member: "id"] } == ["User", "Group"])
        for document in documents {
            #expect(document[member: "schemas"] == .array([.string(SCIMSchemas.resourceTypeURN)]))
            for key in ["id", "name", "endpoint", "description", "schema"] {
                #expect(document[member: key]?.stringValue != nil, "\(key) is a string")
            }
            #expect(document[member: "meta"]?[member: "resourceType"] == "ResourceType")
        }
        let user = try #require(documents.first)
        #expect(user[member: "endpoint"] == "/Users")
        #expect(user[member: "schema"] == .string(SCIMSchemas.userURN))
        #expect(
            user[member: "schemaExtensions"]
                == .array([.object([("schema", .string(SCIMSchemas.enterpriseUserURN)), ("required", false)])]))
        #expect(user[member: "meta"]?[member: "location"] == .string(baseURL + "/ResourceTypes/User"))

        let group = try #require(documents.last)
        #expect(group[member: "endpoint"] == "/Groups")
        #expect(group[member: "schema"] == .string(SCIMSchemas.groupURN))
        #expect(group[member: "meta"]?[member: "location"] == .string(baseURL + "/ResourceTypes/Group"))

        #expect(SCIMDiscovery.resourceType(id: "user", baseURL: baseURL) == user)
        #expect(SCIMDiscovery.resourceType(id: "Project", baseURL: baseURL) == nil)
    }

    @Test("each schema document lists every attribute with all its characteristics")
    func schemaDocuments() throws {
        let documents = SCIMDiscovery.schemas(baseURL: baseURL)
        #expect(documents.map { $0[member: "id"] } == SCIMSchemas.all.map { .string($0.id) })

        func check(_ attributes: [JSON], in schema: String) {
            for attribute in attributes {
                let name = attribute[member: "name"]?.stringValue ?? "?"
                for key in ["name", "type", "description", "mutability", "returned", "uniqueness"] {
                    #expect(attribute[member: key]?.stringValue != nil, "\(schema) \(name).\(key) is a string")
                }
                for key in ["multiValued", "required", "caseExact"] {
                    #expect(attribute[member: key]?.boolValue != nil, "\(schema) \(name).\(key) is a boolean")
                }
                let type = attribute[member: "type"]?.stringValue
                #expect((attribute[member: "referenceTypes"] != nil) == (type == "reference"), "\(schema) \(name)")
                #expect((attribute[member: "subAttributes"] != nil) == (type == "complex"), "\(schema) \(name)")
                check(attribute[member: "subAttributes"]?.arrayValue ?? [], in: schema)
            }
        }

        for (document, schema) in zip(documents, SCIMSchemas.all) {
            #expect(document[member: "schemas"] == .array([.string(SCIMSchemas.schemaURN)]))
            #expect(document[member: "name"] == .string(schema.name))
            #expect(document[member: "description"]?.stringValue != nil)
            let attributes = try #require(document[member: "attributes"]?.arrayValue)
            #expect(attributes.count == schema.attributes.count)
            check(attributes, in: schema.name)
            #expect(document[member: "meta"]?[member: "resourceType"] == "Schema")
            #expect(document[member: "meta"]?[member: "location"] == .string(baseURL + "/Schemas/" + schema.id))
        }
    }

    @Test("a schema document writes the password's and the members' characteristics as the model has them")
    func schemaDocumentDetails() throws {
        let user = try #require(SCIMDiscovery.schema(id: SCIMSchemas.userURN, baseURL: baseURL))
        let password = try #require(user[member: "attributes"]?.arrayValue?.first { $0[member: "name"] == "password" })
        #expect(password[member: "mutability"] == "writeOnly")
        #expect(password[member: "returned"] == "never")
        let emails = try #require(user[member: "attributes"]?.arrayValue?.first { $0[member: "name"] == "emails" })
        let emailType = try #require(emails[member: "subAttributes"]?.arrayValue?.first { $0[member: "name"] == "type" })
        #expect(emailType[member: "canonicalValues"] == .array(["work", "home", "other"]))

        let group = try #require(SCIMDiscovery.schema(id: SCIMSchemas.groupURN, baseURL: baseURL))
        let members = try #require(group[member: "attributes"]?.arrayValue?.first { $0[member: "name"] == "members" })
        let ref = try #require(members[member: "subAttributes"]?.arrayValue?.first { $0[member: "name"] == "$ref" })
        #expect(ref[member: "referenceTypes"] == .array(["User"]))
        #expect(ref[member: "mutability"] == "immutable")

        #expect(SCIMDiscovery.schema(id: "urn:example:unknown", baseURL: baseURL) == nil)
    }

    @Test("a trailing slash on the base URL does not double the slash in locations")
    func trailingSlash() {
        let config = SCIMDiscovery.serviceProviderConfig(baseURL: baseURL + "/")
        #expect(config[member: "meta"]?[member: "location"] == .string(baseURL + "/ServiceProviderConfig"))
        let schema = SCIMDiscovery.schemas(baseURL: baseURL + "/").first
        #expect(schema?[member: "meta"]?[member: "location"] == .string(baseURL + "/Schemas/" + SCIMSchemas.userURN))
    }

    @Test("a list response carries the ListResponse schema, counts and resources")
    func listResponse() {
        let resources = SCIMDiscovery.resourceTypes(baseURL: baseURL)
        let list = SCIMDiscovery.listResponse(resources, totalResults: 7, startIndex: 3, itemsPerPage: 2)
        #expect(list[member: "schemas"] == .array([.string(SCIMSchemas.listResponseURN)]))
        #expect(list[member: "totalResults"] == 7)
        #expect(list[member: "startIndex"] == 3)
        #expect(list[member: "itemsPerPage"] == 2)
        #expect(list[member: "Resources"] == .array(resources))

        let empty = SCIMDiscovery.listResponse([], totalResults: 0, startIndex: 1, itemsPerPage: 0)
        #expect(empty[member: "Resources"] == .array([]))
    }

    @Test("discovery documents serialize to JSON that parses back to the same value")
    func documentsRoundTrip() throws {
        var documents = [SCIMDiscovery.serviceProviderConfig(baseURL: baseURL)]
        documents += SCIMDiscovery.resourceTypes(baseURL: baseURL)
        documents += SCIMDiscovery.schemas(baseURL: baseURL)
        for document in documents {
            let parsed = try JSON.parse(Data(document.serialized.utf8))
            #expect(sortingMembers(parsed) == sortingMembers(document))
        }
    }
}
