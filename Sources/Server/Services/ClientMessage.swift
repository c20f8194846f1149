import Accounts
import Foundation
import ImageFormats
import Networks
import Scribbles
import Settings
import Storage
import Tensors
import Training

/// What a client may read of an error: a sentence in the API's words (settings named by their JSON field) and the
/// field at fault. The one place that words errors for clients: HTTP answers (`ServerError(mapping:)`) and a failed
/// job's `error` both use it. Library messages that name files keep only the file names, never the server's
/// folders; failures of the server itself say so without internals.
struct ClientMessage: Equatable, Sendable {
    /// How the failure is classified, for the HTTP layer to choose a status.
    enum Kind: Sendable, Equatable {
        case notFound, malformed, unacceptable, notReady, staleVersion, versionRequired, insufficientStorage
        /// No valid credentials came with the request.
        case unauthenticated
        /// Authenticated, but not allowed to do this.
        case forbidden
        /// Conflicts with what exists (a name taken, a mode that does not have this).
        case conflict
        /// Too much work already: the client should retry after this many seconds.
        case busy(retryAfterSeconds: Int)
        /// One client sent too many requests: it should wait this many seconds.
        case tooManyRequests(retryAfterSeconds: Int)
        case internalFailure
    }

    var kind: Kind
    var text: String
    var field: String?

    static let internalFailureText = "the server failed; the administrator can see why in its log"

    init(kind: Kind, text: String, field: String? = nil) {
        self.kind = kind
        self.text = text
        self.field = field
    }

    /// The message for `error`; nil for errors this layer does not know (the HTTP layer's own).
    init?(describing error: any Error) {
        switch error {
        case let error as ServiceError: self.init(service: error)
        case let error as AccountError: self.init(account: error)
        case let invalid as InvalidSetting: self.init(invalid: invalid)
        case TrainingError.invalidSetting(let invalid): self.init(invalid: invalid)
        case let error as StorageError:
            switch error {
            case .notFound: self.init(kind: .notFound, text: Self.withoutFolders(error.description))
            case .versionConflict: self.init(kind: .staleVersion, text: Self.withoutFolders(error.description))
            case .invalid: self.init(kind: .unacceptable, text: Self.withoutFolders(error.description))
            case .insufficientSpace: self.init(kind: .insufficientStorage, text: error.description)
            case .corruptBlob, .unreadableBlob, .database, .folderInUse:
                self.init(
                    kind: .internalFailure, text: "the server's data could not be read; \(Self.internalFailureText)")
            }
        case let error as ImageFormatsError:
            self.init(kind: .unacceptable, text: Self.withoutFolders(error.description))
        case let error as ScribblesError: self.init(kind: .unacceptable, text: Self.withoutFolders(error.description))
        case let error as TrainingError: self.init(kind: .unacceptable, text: Self.withoutFolders(error.description))
        // A model file that does not parse or fit; other engine failures are the server's own.
        case TensorsError.modelFile, TensorsError.parametersDoNotMatch, is NetworksError:
            self.init(kind: .unacceptable, text: Self.withoutFolders("\(error)"))
        default: return nil
        }
    }

    /// `error`'s message, or the internal-failure sentence for errors no layer words for clients.
    static func text(for error: any Error) -> String {
        ClientMessage(describing: error)?.text ?? internalFailureText
    }

    private init(service error: ServiceError) {
        switch error {
        case .notFound(let text): self.init(kind: .notFound, text: text)
        case .forbidden(let text): self.init(kind: .forbidden, text: text)
        case .malformed(let text): self.init(kind: .malformed, text: text)
        case .unacceptable(let text, let field): self.init(kind: .unacceptable, text: text, field: field)
        case .notReady(let text): self.init(kind: .notReady, text: text)
        case .staleVersion(let text): self.init(kind: .staleVersion, text: text)
        case .versionRequired(let text): self.init(kind: .versionRequired, text: text)
        case .busy(let text, let seconds): self.init(kind: .busy(retryAfterSeconds: seconds), text: text)
        }
    }

    private init(account error: AccountError) {
        let text = error.description
        switch error {
        case .invalidCredentials, .unauthenticated: self.init(kind: .unauthenticated, text: text)
        case .throttled(let seconds): self.init(kind: .tooManyRequests(retryAfterSeconds: seconds), text: text)
        case .busy(let seconds): self.init(kind: .busy(retryAfterSeconds: seconds), text: text)
        case .forbidden: self.init(kind: .forbidden, text: text)
        case .invalidName: self.init(kind: .unacceptable, text: text, field: "name")
        case .weakPassword: self.init(kind: .unacceptable, text: text, field: "password")
        case .invalidValue(let field, _): self.init(kind: .unacceptable, text: text, field: field)
        case .nameTaken: self.init(kind: .conflict, text: text, field: "name")
        case .unknownUser, .unknownToken: self.init(kind: .notFound, text: text)
        }
    }

    /// A setting out of range, named by its field of the API's settings object.
    private init(invalid: InvalidSetting) {
        let field = SettingsFields.field(for: invalid.setting)
        self.init(kind: .unacceptable, text: invalid.rendered(name: field ?? invalid.setting.displayName), field: field)
    }

    /// `text` with every absolute path reduced to its last component ("/data/projects/x/model.safetensors" →
    /// "model.safetensors").
    static func withoutFolders(_ text: String) -> String {
        let stops: Set<Character> = [" ", "\t", "\n", "'", "\"", ":", ",", ";", "(", ")"]
        var result = ""
        var rest = Substring(text)
        while let slash = rest.firstIndex(of: "/") {
            let before = rest[..<slash]
            // A path starts after a separator (or at the start), not inside a word or a fraction like "1/2".
            let startsPath = before.last.map { stops.contains($0) } ?? result.isEmpty
            let end = rest[slash...].firstIndex(where: { stops.contains($0) }) ?? rest.endIndex
            let token = rest[slash..<end]
            result += before
            if startsPath, token.dropFirst().contains("/"), let name = token.split(separator: "/").last {
                result += name
            } else {
                result += token
            }
            rest = rest[end...]
        }
        return result + rest
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
