/// Why a service refuses: the one error type of the services, in domain terms. The HTTP layer maps each case to a
/// status (`ServerError(mapping:)`); services never speak HTTP.
public enum ServiceError: Error, Equatable, Sendable, CustomStringConvertible {
    /// No such project, image, job or model (HTTP 404).
    case notFound(String)
    /// The caller's role in the project does not allow this (HTTP 403); callers outside the project get `notFound`.
    case forbidden(String)
    /// The input cannot be read at all: a malformed upload or parameter (400).
    case malformed(String)
    /// Well formed but not acceptable; `field` names the input at fault where there is one (422).
    case unacceptable(String, field: String? = nil)
    /// Not possible yet: no model, a job without a finished epoch (409).
    case notReady(String)
    /// An edit that started from a version that has changed since (412).
    case staleVersion(String)
    /// An edit that does not say which version it starts from (428).
    case versionRequired(String)
    /// Too much work queued already: try again after `retryAfterSeconds` (503).
    case busy(String, retryAfterSeconds: Int)

    public var description: String {
        switch self {
        case .notFound(let message), .forbidden(let message), .malformed(let message), .unacceptable(let message, _),
            .notReady(let message),
            .staleVersion(let message), .versionRequired(let message), .busy(let message, _):
            message
        }
    }
}
