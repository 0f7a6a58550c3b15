/// Which models a project's keys may call: every model but those listed (`denyList`), or only those listed
/// (`allowList`). A project with no model permissions set is `denyList` with no models: every model.
public struct ModelPermissions: Hashable, Sendable {
    public enum Mode: String, Sendable, CaseIterable {
        case allowList = "allow_list"
        case denyList = "deny_list"
    }

    public var mode: Mode
    /// The models listed, sorted and once each.
    public var modelIDs: [String]

    public init(mode: Mode, modelIDs: [String]) {
        self.mode = mode
        self.modelIDs = Array(Set(modelIDs)).sorted()
    }

    /// Every model: what a project has until its model permissions are set, and after they are deleted.
    public static let everyModel = ModelPermissions(mode: .denyList, modelIDs: [])

    /// Whether a key of the project may call `model`.
    public func allows(_ model: String) -> Bool {
        let listed = modelIDs.contains(model)
        return mode == .allowList ? listed : !listed
    }

    /// The most models one list may name.
    public static let maximumModels = 1_000
}

/// The tools OpenAI hosts for a model call, each of which a project may switch off. All are on by default.
public enum HostedTool: String, Sendable, CaseIterable {
    case fileSearch = "file_search"
    case webSearch = "web_search"
    case imageGeneration = "image_generation"
    case mcp
    case codeInterpreter = "code_interpreter"
}

/// A model's rate limits: requests and tokens per minute always, the others only for models they apply to.
public struct RateLimits: Hashable, Sendable {
    /// One limit, named as the wire names it.
    public enum Field: String, Sendable, CaseIterable {
        case requestsPerMinute = "max_requests_per_1_minute"
        case tokensPerMinute = "max_tokens_per_1_minute"
        case imagesPerMinute = "max_images_per_1_minute"
        case audioMegabytesPerMinute = "max_audio_megabytes_per_1_minute"
        case requestsPerDay = "max_requests_per_1_day"
        case batchInputTokensPerDay = "batch_1_day_max_input_tokens"

        /// Whether every model has this limit (the others apply to some models only).
        public var isUniversal: Bool { self == .requestsPerMinute || self == .tokensPerMinute }
    }

    /// The limits set, by field; `requestsPerMinute` and `tokensPerMinute` are always among them.
    public private(set) var values: [Field: Int]

    public init(requestsPerMinute: Int, tokensPerMinute: Int, others: [Field: Int] = [:]) {
        values = others
        values[.requestsPerMinute] = requestsPerMinute
        values[.tokensPerMinute] = tokensPerMinute
    }

    public subscript(field: Field) -> Int? {
        get { values[field] }
        set {
            // Requests and tokens per minute cannot be removed, only changed.
            if newValue == nil && field.isUniversal { return }
            values[field] = newValue
        }
    }

    /// The largest value a limit may have.
    public static let maximumValue = 1_000_000_000_000
}

/// A model the organization knows, with the rate limits a project has for it until the project changes them.
public struct Model: Hashable, Sendable {
    /// The model's id, as model calls name it (`gpt-4.1`).
    public var id: String
    public var defaultLimits: RateLimits

    public init(id: String, defaultLimits: RateLimits) {
        self.id = id
        self.defaultLimits = defaultLimits
    }

    /// The models a new organization knows, until its organization file adds or changes them: OpenAI's common text,
    /// image, audio and embedding models, with limits in the range OpenAI gives a new organization.
    public static let defaults: [Model] = [
        Model(id: "gpt-4.1", defaultLimits: RateLimits(requestsPerMinute: 500, tokensPerMinute: 30_000, others: [.batchInputTokensPerDay: 90_000])),
        Model(id: "gpt-4.1-mini", defaultLimits: RateLimits(requestsPerMinute: 500, tokensPerMinute: 200_000, others: [.batchInputTokensPerDay: 2_000_000])),
        Model(id: "gpt-4o", defaultLimits: RateLimits(requestsPerMinute: 500, tokensPerMinute: 30_000, others: [.batchInputTokensPerDay: 90_000])),
        Model(id: "gpt-4o-mini", defaultLimits: RateLimits(requestsPerMinute: 500, tokensPerMinute: 200_000, others: [.batchInputTokensPerDay: 2_000_000])),
        Model(id: "gpt-image-1", defaultLimits: RateLimits(requestsPerMinute: 50, tokensPerMinute: 100_000, others: [.imagesPerMinute: 5])),
        Model(id: "o3", defaultLimits: RateLimits(requestsPerMinute: 500, tokensPerMinute: 30_000, others: [.batchInputTokensPerDay: 90_000])),
        Model(id: "o4-mini", defaultLimits: RateLimits(requestsPerMinute: 1_000, tokensPerMinute: 100_000, others: [.batchInputTokensPerDay: 1_000_000])),
        Model(id: "text-embedding-3-large", defaultLimits: RateLimits(requestsPerMinute: 3_000, tokensPerMinute: 1_000_000, others: [.requestsPerDay: 10_000])),
        Model(id: "text-embedding-3-small", defaultLimits: RateLimits(requestsPerMinute: 3_000, tokensPerMinute: 1_000_000, others: [.requestsPerDay: 10_000])),
        Model(id: "whisper-1", defaultLimits: RateLimits(requestsPerMinute: 500, tokensPerMinute: 10_000, others: [.audioMegabytesPerMinute: 100])),
    ]

    /// The identifier of the project rate limit for this model: `rl-` and the model's id.
    public var rateLimitID: String { Self.rateLimitPrefix + id }

    public static let rateLimitPrefix = "rl-"
}

/// A project's rate limit for one model: the model's default limits with the project's changes applied.
public struct ProjectRateLimit: Hashable, Sendable {
    public var model: String
    public var limits: RateLimits

    public init(model: String, limits: RateLimits) {
        self.model = model
        self.limits = limits
    }

    public var id: String { Model.rateLimitPrefix + model }
}
