extension SCIMResourceType {
    /// The ids of the core schema and every extension, core first.
    var schemaIDs: [String] { [schema.id] + extensions.map(\.schema.id) }

    /// The attribute `name` under `urn`, case-insensitively. A core URN also reaches the common attributes
    /// (`urn:…:core:2.0:User:id`). Without a URN, core and common attributes come first, then an extension attribute
    /// of that name, so that a client omitting the enterprise URN on `department` is still understood.
    func resolve(urn: String?, name: String) -> (attribute: SCIMAttribute, extensionURN: String?)? {
        if let urn, urn.equalsIgnoringCase(schema.id) {
            return attribute(urn: nil, name: name)
        }
        if let found = attribute(urn: urn, name: name) { return found }
        guard urn == nil else { return nil }
        for (extensionSchema, _) in extensions {
            if let attribute = extensionSchema.attribute(name) { return (attribute, extensionSchema.id) }
        }
        return nil
    }

    /// Splits `text` into the schema id it starts with (followed by `:`) and the rest, matching ids
    /// case-insensitively; the URN is nil when `text` starts with none. A text that is exactly an extension id is
    /// returned as that id with an empty rest.
    func splitSchemaPrefix(_ text: String) -> (urn: String?, rest: Substring) {
        for id in schemaIDs {
            if text.count == id.count, text.equalsIgnoringCase(id) { return (id, "") }
            guard text.count > id.count + 1 else { continue }
            let prefix = text.prefix(id.count)
            let separator = text.index(text.startIndex, offsetBy: id.count)
            if String(prefix).equalsIgnoringCase(id), text[separator] == ":" {
                return (id, text[text.index(after: separator)...])
            }
        }
        return (nil, Substring(text))
    }
}
