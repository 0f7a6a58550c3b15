import RosterModel

/// Which attributes a response carries (RFC 7644 §3.4.2.5 and §3.9).
public enum SCIMProjection {
    /// `resource` with only the attributes a response may return:
    /// - `returned: never` attributes and sub-attributes (`password`) are never returned;
    /// - `returned: always` ones (`id`) and `schemas` are always returned, whatever the lists say;
    /// - with `attributes`, only the listed attributes (plus the always-returned) remain; a listed sub-attribute
    ///   (`name.givenName`, `emails.value`) keeps just that sub-attribute of its attribute; `returned: request`
    ///   attributes appear only when listed;
    /// - with `excludedAttributes`, the listed attributes or sub-attributes go (never the always-returned).
    ///
    /// Entries are attribute paths without filters, matched case-insensitively, optionally URN-qualified
    /// (`urn:…:enterprise:2.0:User:department`); an extension URN alone means the whole extension. An entry may
    /// also hold several paths separated by commas, as the query parameters do. Entries the type does not define are
    /// ignored (so a list of only unknown names returns just the always-returned attributes); an absent or blank
    /// list is no list. Members the type does not define are kept unless `attributes` is given. Extension objects left empty
    /// are dropped; `schemas` is returned as stored.
    public static func project(
        _ resource: JSON, type: SCIMResourceType, attributes: [String]?, excludedAttributes: [String]?
    ) -> JSON {
        guard let members = resource.objectValue else { return resource }
        let projection = Projection(
            type: type, included: isBlank(attributes) ? nil : selections(attributes ?? [], type),
            excluded: excludedAttributes.map { selections($0, type) } ?? [])
        var result: [(String, JSON)] = []
        for (name, value) in members {
            if name.equalsIgnoringCase("schemas") {
                result.append((name, value))
            } else if let extensionSchema = type.extensionSchema(name) {
                var kept: [(String, JSON)] = []
                for (subName, subValue) in value.objectValue ?? [] {
                    if let projected = projection.member(subName, subValue, urn: extensionSchema.id, schema: extensionSchema) {
                        kept.append(projected)
                    }
                }
                if !kept.isEmpty { result.append((name, .object(kept))) }
            } else if let projected = projection.member(name, value, urn: nil, schema: nil) {
                result.append(projected)
            }
        }
        return .object(result)
    }

    /// One entry of `attributes` or `excludedAttributes`, resolved: the extension it is in (nil for core), the
    /// attribute (nil for the whole extension) and the sub-attribute, all lower-cased.
    private struct Selection: Hashable {
        let urn: String?
        let attribute: String?
        let subAttribute: String?
    }

    /// Whether a list names nothing (absent, or only empty entries as `?attributes=` gives).
    private static func isBlank(_ entries: [String]?) -> Bool {
        (entries ?? []).allSatisfy { $0.split(separator: ",").allSatisfy { $0.trimmingWhitespace.isEmpty } }
    }

    private static func selections(_ entries: [String], _ type: SCIMResourceType) -> Set<Selection> {
        var result = Set<Selection>()
        for entry in entries {
            for text in entry.split(separator: ",") {
                guard let path = try? SCIMPath(String(text), type: type), path.valueFilter == nil else { continue }
                result.insert(
                    Selection(
                        urn: path.extensionURN?.lowercased(), attribute: path.attribute?.lowercased(),
                        subAttribute: path.subAttribute?.lowercased()))
            }
        }
        return result
    }

    private struct Projection {
        let type: SCIMResourceType
        let included: Set<Selection>?
        let excluded: Set<Selection>

        /// The member as returned, or nil when it is not.
        func member(_ name: String, _ value: JSON, urn: String?, schema: SCIMSchema?) -> (String, JSON)? {
            let attribute = schema.map { $0.attribute(name) } ?? type.resolve(urn: nil, name: name).map(\.attribute)
            guard let attribute else { return included == nil ? (name, value) : nil }
            guard attribute.returned != .never else { return nil }
            let always = attribute.returned == .always
            // Which sub-attributes the lists keep (nil: all) and drop; worked out only when there are lists.
            var keepSubs: Set<String>?
            var dropSubs: Set<String> = []
            if !always {
                if included == nil, attribute.returned == .request { return nil }
                if included != nil || !excluded.isEmpty {
                    let key = urn?.lowercased()
                    let whole = Selection(urn: key, attribute: attribute.name.lowercased(), subAttribute: nil)
                    let wholeExtension = Selection(urn: key, attribute: nil, subAttribute: nil)
                    if let included, !included.contains(whole) && !(key != nil && included.contains(wholeExtension)) {
                        let subs = Self.subAttributes(of: whole, in: included)
                        guard !subs.isEmpty else { return nil }
                        keepSubs = subs
                    }
                    if excluded.contains(whole) || (key != nil && excluded.contains(wholeExtension)) { return nil }
                    dropSubs = Self.subAttributes(of: whole, in: excluded)
                }
            }
            guard attribute.type == .complex else { return (name, value) }

            func keeps(_ subName: String, _ subValue: JSON) -> Bool {
                guard let sub = attribute.subAttribute(subName) else { return keepSubs == nil }
                if sub.returned == .never { return false }
                if sub.returned == .always { return true }
                if let keepSubs { return keepSubs.contains(subName.lowercased()) }
                return sub.returned != .request && (dropSubs.isEmpty || !dropSubs.contains(subName.lowercased()))
            }
            // An element whose sub-attributes are all kept is returned as it is, without a copy: the usual case.
            func keptWhole(_ element: JSON) -> Bool {
                guard let members = element.objectValue else { return true }
                return !members.isEmpty && members.allSatisfy(keeps)
            }
            func project(_ element: JSON) -> JSON? {
                guard !keptWhole(element), let members = element.objectValue else { return element }
                let kept = members.filter(keeps)
                return kept.isEmpty ? nil : .object(kept)
            }
            if let elements = value.arrayValue {
                if elements.allSatisfy(keptWhole) { return (name, value) }
                let kept = elements.compactMap(project)
                return kept.isEmpty && !elements.isEmpty ? nil : (name, .array(kept))
            }
            return project(value).map { (name, $0) }
        }

        private static func subAttributes(of whole: Selection, in selections: Set<Selection>) -> Set<String> {
            Set(selections.compactMap { $0.urn == whole.urn && $0.attribute == whole.attribute ? $0.subAttribute : nil })
        }
    }
}
