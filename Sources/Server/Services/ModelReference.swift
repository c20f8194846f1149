import Storage

/// Which model a prediction uses, as clients name it: parsed once, here, from `nil`/`"latest"` (the project's
/// newest version), `"job:<id>"` (a training job's best weights so far) or a model id.
public enum ModelReference: Equatable, Sendable, CustomStringConvertible {
    case latest
    case job(String)
    case model(String)

    /// - Throws: `ServiceError.notFound` when the text names no possible job or model id.
    public init(parsing text: String?) throws {
        switch text {
        case nil, "latest": self = .latest
        case let text? where text.hasPrefix(Self.jobPrefix):
            let id = String(text.dropFirst(Self.jobPrefix.count))
            guard StoreIDs.isValid(id) else { throw ServiceError.notFound("no job with id '\(id)'") }
            self = .job(id)
        case let text?:
            guard StoreIDs.isValid(text) else { throw ServiceError.notFound("no model with id '\(text)'") }
            self = .model(text)
        }
    }

    static let jobPrefix = "job:"

    /// The text form (`latest`, `job:<id>`, `<id>`).
    public var description: String {
        switch self {
        case .latest: "latest"
        case .job(let id): Self.jobPrefix + id
        case .model(let id): id
        }
    }
}

/// A model resolved for prediction: its cache key (a model id, or `job:<id>` for a running job's weights), its
/// stored file and checksum (none for a job's file, which changes every epoch).
public struct ResolvedModel: Sendable, Equatable {
    public var key: String
    public var path: String
    public var checksum: String?

    /// Whether the weights are a running job's (they change; results are not recorded against a model).
    public var isJobSnapshot: Bool { key.hasPrefix(ModelReference.jobPrefix) }
}
