import Foundation
import Hummingbird
import ImageFormats
import Scribbles
import Storage
import Training

/// A request the server refuses, with the HTTP status it maps to. Every other error a route throws is mapped
/// by `ServerError.init(_:)` in one place (`ErrorMiddleware`), so clients always get `{"error": ..., "status": ...}`.
public struct ServerError: Error, CustomStringConvertible, Sendable {
    public var status: HTTPResponse.Status
    public var message: String

    public init(_ status: HTTPResponse.Status, _ message: String) {
        self.status = status
        self.message = message
    }

    public var description: String { message }

    static func badRequest(_ message: String) -> ServerError { ServerError(.badRequest, message) }
    static func unprocessable(_ message: String) -> ServerError { ServerError(.unprocessableContent, message) }
    static func notFound(_ message: String) -> ServerError { ServerError(.notFound, message) }
    static func conflict(_ message: String) -> ServerError { ServerError(.conflict, message) }

    /// The status and message for any error a route can throw.
    init(mapping error: any Error) {
        switch error {
        case let error as ServerError: self = error
        case let error as StorageError:
            switch error {
            case .notFound: self.init(.notFound, error.description)
            case .versionConflict: self.init(.preconditionFailed, error.description)
            case .invalid: self.init(.unprocessableContent, error.description)
            case .corruptBlob, .unreadableBlob, .database: self.init(.internalServerError, error.description)
            }
        case let error as ImageFormatsError: self.init(.unprocessableContent, error.description)
        case let error as ScribblesError: self.init(.unprocessableContent, error.description)
        case let error as TrainingError: self.init(.unprocessableContent, error.description)
        case let error as DecodingError: self.init(.badRequest, "the request body is not the JSON expected: \(Self.describe(error))")
        default: self.init(.internalServerError, "\(error)")
        }
    }

    private static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            let keys = context.codingPath.map(\.stringValue).joined(separator: ".")
            return keys.isEmpty ? "" : " at '\(keys)'"
        }
        switch error {
        case .keyNotFound(let key, let context): return "'\(key.stringValue)' is missing\(path(context))"
        case .typeMismatch(_, let context), .valueNotFound(_, let context): return "\(context.debugDescription)\(path(context))"
        case .dataCorrupted(let context): return "\(context.debugDescription)\(path(context))"
        @unknown default: return "\(error)"
        }
    }
}
