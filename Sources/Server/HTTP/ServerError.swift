import Foundation
import Hummingbird

/// An error as the client receives it: a status and a sentence, and the name of the JSON field at fault where
/// there is one. Every error a route throws becomes one of these in one place (`init(mapping:)`, applied by
/// `ErrorMiddleware`), so clients always get `{"error": ..., "status": ..., "field": ...}` and never a file path.
public struct ServerError: Error, CustomStringConvertible, Sendable {
    public var status: HTTPResponse.Status
    public var message: String
    /// The request's JSON field (or query parameter) at fault, when one is.
    public var field: String?
    /// For 429 and 503: when to try again, seconds (the `Retry-After` header).
    public var retryAfterSeconds: Int?

    public init(_ status: HTTPResponse.Status, _ message: String, field: String? = nil, retryAfterSeconds: Int? = nil) {
        self.status = status
        self.message = message
        self.field = field
        self.retryAfterSeconds = retryAfterSeconds
    }

    public var description: String { message }

    static func badRequest(_ message: String) -> ServerError { ServerError(.badRequest, message) }
    static func notFound(_ message: String) -> ServerError { ServerError(.notFound, message) }

    /// The status and message for any error a route can throw: the services' words (`ClientMessage`) with the
    /// status their kind maps to; malformed JSON is a 400; anything else a 500 without details.
    init(mapping error: any Error) {
        if let error = error as? ServerError {
            self = error
        } else if let message = ClientMessage(describing: error) {
            var retryAfter: Int?
            if case .busy(let seconds) = message.kind { retryAfter = seconds }
            if case .tooManyRequests(let seconds) = message.kind { retryAfter = seconds }
            self.init(Self.status(of: message.kind), message.text, field: message.field, retryAfterSeconds: retryAfter)
        } else if let error = error as? DecodingError {
            self.init(.badRequest, "the request body is not the JSON expected: \(Self.describe(error))")
        } else {
            self.init(.internalServerError, ClientMessage.internalFailureText)
        }
    }

    static func status(of kind: ClientMessage.Kind) -> HTTPResponse.Status {
        switch kind {
        case .notFound: .notFound
        case .malformed: .badRequest
        case .unacceptable: .unprocessableContent
        case .notReady: .conflict
        case .staleVersion: .preconditionFailed
        case .versionRequired: .preconditionRequired
        case .insufficientStorage: HTTPResponse.Status(code: 507, reasonPhrase: "Insufficient Storage")
        case .busy: .serviceUnavailable
        case .tooManyRequests: .tooManyRequests
        case .internalFailure: .internalServerError
        case .unauthenticated: .unauthorized
        case .forbidden: .forbidden
        case .conflict: .conflict
        }
    }

    private static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            let keys = context.codingPath.map(\.stringValue).joined(separator: ".")
            return keys.isEmpty ? "" : " at '\(keys)'"
        }
        switch error {
        case .keyNotFound(let key, let context): return "'\(key.stringValue)' is missing\(path(context))"
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            return "\(context.debugDescription)\(path(context))"
        case .dataCorrupted(let context): return "\(context.debugDescription)\(path(context))"
        @unknown default: return "\(error)"
        }
    }
}
