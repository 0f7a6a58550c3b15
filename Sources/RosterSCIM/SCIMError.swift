/// A SCIM error (RFC 7644 §3.12): an HTTP status, an optional `scimType` and a detail for people.
public struct SCIMError: Error, Equatable, Sendable, CustomStringConvertible {
    public let status: Int
    /// One of RFC 7644's error types (`invalidFilter`, `invalidPath`, `noTarget`, `invalidValue`, `mutability`,
    /// `uniqueness`, `invalidSyntax`, `tooMany`, …), or nil.
    public let scimType: String?
    public let detail: String

    public init(status: Int, scimType: String?, detail: String) {
        self.status = status
        self.scimType = scimType
        self.detail = detail
    }

    public var description: String { "\(status) \(scimType ?? "-"): \(detail)" }

    public static func invalidFilter(_ detail: String) -> SCIMError { SCIMError(status: 400, scimType: "invalidFilter", detail: detail) }
    public static func invalidPath(_ detail: String) -> SCIMError { SCIMError(status: 400, scimType: "invalidPath", detail: detail) }
    public static func noTarget(_ detail: String) -> SCIMError { SCIMError(status: 400, scimType: "noTarget", detail: detail) }
    public static func invalidValue(_ detail: String) -> SCIMError { SCIMError(status: 400, scimType: "invalidValue", detail: detail) }
    public static func invalidSyntax(_ detail: String) -> SCIMError { SCIMError(status: 400, scimType: "invalidSyntax", detail: detail) }
    public static func mutability(_ detail: String) -> SCIMError { SCIMError(status: 400, scimType: "mutability", detail: detail) }
    public static func uniqueness(_ detail: String) -> SCIMError { SCIMError(status: 409, scimType: "uniqueness", detail: detail) }
    public static func tooMany(_ detail: String) -> SCIMError { SCIMError(status: 400, scimType: "tooMany", detail: detail) }
    public static func notFound(_ detail: String) -> SCIMError { SCIMError(status: 404, scimType: nil, detail: detail) }
    public static func preconditionFailed(_ detail: String) -> SCIMError { SCIMError(status: 412, scimType: nil, detail: detail) }
}
