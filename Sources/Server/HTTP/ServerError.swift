import Foundation
import Hummingbird
import ImageFormats
import Scribbles
import Settings
import Storage
import Training

/// An error as the client receives it: a status and a sentence, and the name of the JSON field at fault where
/// there is one. Every error a route throws becomes one of these in one place (`init(mapping:)`, applied by
/// `ErrorMiddleware`), so clients always get `{"error": ..., "status": ..., "field": ...}` and never a file path.
public struct ServerError: Error, CustomStringConvertible, Sendable {
    public var status: HTTPResponse.Status
    public var message: String
    /// The request's JSON field (or query parameter) at fault, when one is.
    public var field: String?

    public init(_ status: HTTPResponse.Status, _ message: String, field: String? = nil) {
        self.status = status
        self.message = message
        self.field = field
    }

    public var description: String { message }

    static func badRequest(_ message: String) -> ServerError { ServerError(.badRequest, message) }
    static func notFound(_ message: String) -> ServerError { ServerError(.notFound, message) }

    /// The status and message for any error a route can throw.
    init(mapping error: any Error) {
        switch error {
        case let error as ServerError: self = error
        case let error as ServiceError: self.init(service: error)
        case let error as InvalidSetting: self.init(invalid: error)
        case TrainingError.invalidSetting(let invalid): self.init(invalid: invalid)
        case let error as StorageError:
            switch error {
            case .notFound: self.init(.notFound, error.description)
            case .versionConflict: self.init(.preconditionFailed, error.description)
            case .invalid: self.init(.unprocessableContent, error.description)
            case .corruptBlob, .unreadableBlob, .database:
                self.init(
                    .internalServerError,
                    "the server's data could not be read; the administrator can see why in its log")
            }
        case let error as ImageFormatsError: self.init(.unprocessableContent, error.description)
        case let error as ScribblesError: self.init(.unprocessableContent, error.description)
        case let error as TrainingError: self.init(.unprocessableContent, error.description)
        case let error as DecodingError:
            self.init(.badRequest, "the request body is not the JSON expected: \(Self.describe(error))")
        default: self.init(.internalServerError, "the server failed; the administrator can see why in its log")
        }
    }

    private init(service error: ServiceError) {
        switch error {
        case .notFound(let message): self.init(.notFound, message)
        case .malformed(let message): self.init(.badRequest, message)
        case .unacceptable(let message, let field): self.init(.unprocessableContent, message, field: field)
        case .notReady(let message): self.init(.conflict, message)
        case .staleVersion(let message): self.init(.preconditionFailed, message)
        case .versionRequired(let message): self.init(.preconditionRequired, message)
        }
    }

    /// A setting out of range, named by its field of the API's settings object.
    private init(invalid: InvalidSetting) {
        let field = SettingsFields.field(for: invalid.setting)
        self.init(.unprocessableContent, invalid.rendered(name: field ?? invalid.setting.displayName), field: field)
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

/// The API's names for training settings: the fields of its JSON settings object (`TrainingSettings`).
enum SettingsFields {
    /// The field that sets `setting`, or nil for settings the API does not take.
    static func field(for setting: TrainingSetting) -> String? {
        switch setting {
        case .timeBudgetSeconds: "timeBudgetSeconds"
        case .epochs, .stopCondition: "epochs"
        case .learningRate: "learningRate"
        case .patchShape: "patchSize"
        case .batchSize: "batchSize"
        case .ensembleSize: "ensembleSize"
        case .previewEvery: "previewEvery"
        case .fineTune: "fineTune"
        case .seed: "seed"
        case .task, .dimensions, .weightDecay, .stepsPerEpoch, .validationFraction, .checkpointEvery,
            .foregroundFraction, .contactWidth, .cellDiameter, .weightMap, .spacing, .augmentation, .mixtureComponents,
            .reconstructedChannels, .scribbleTasks, .totalVariationWeight, .tileShape, .tileBatchSize:
            nil
        }
    }
}
