import Foundation

/// Named tensors and string metadata in the safetensors format, the file format of trained models and
/// optimiser states.
///
/// On disk: an 8-byte little-endian header length, a JSON header mapping each tensor name to
/// `{"dtype", "shape", "data_offsets": [begin, end]}` (offsets in bytes from the start of the data section) plus
/// an optional `"__metadata__"` object of strings, then the raw little-endian data. CellScribe writes F32 tensors
/// in plain row-major order, sorted by name and contiguous; it reads F32, F64, F16 and BF16 (converted to F32).
/// Architecture and training settings go in the metadata as JSON strings (`setMetadata(_:forKey:)`).
public struct ModelFile: Sendable {
    /// Tensors by name.
    public var tensors: [String: Tensor]
    /// String metadata (`__metadata__`).
    public var metadata: [String: String]
    /// Where the file was read from; names the file in error messages. Nil for files built in memory.
    public internal(set) var path: String?

    /// Metadata key of the network's architecture configuration (a JSON object).
    public static let architectureKey = "architecture"
    /// Metadata key of the training settings and history (a JSON object).
    public static let trainingKey = "training"

    public init(tensors: [String: Tensor] = [:], metadata: [String: String] = [:]) {
        self.tensors = tensors
        self.metadata = metadata
    }

    /// A file holding the current values of `parameters`.
    ///
    /// - Throws: `TensorsError.invalidArgument` when two parameters share a name.
    public init(parameters: NamedParameters, metadata: [String: String] = [:]) throws {
        try validateNames(parameters, op: "ModelFile")
        self.init(
            tensors: Dictionary(uniqueKeysWithValues: parameters.map { ($0.name, $0.tensor) }), metadata: metadata)
    }

    /// The name used in messages: the path, or a placeholder for files built in memory.
    var displayName: String { path ?? "<model file in memory>" }

    /// Stores `value` as a JSON string (sorted keys) under `key` in the metadata.
    ///
    /// - Throws: `TensorsError.modelFile` when `value` cannot be encoded as JSON.
    public mutating func setMetadata<Value: Encodable>(_ value: Value, forKey key: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        do {
            metadata[key] = String(decoding: try encoder.encode(value), as: UTF8.self)
        } catch {
            throw TensorsError.modelFile(path: displayName, reason: "metadata '\(key)' cannot be encoded: \(error)")
        }
    }

    /// The value stored as JSON under `key` in the metadata, or nil when the key is absent.
    ///
    /// - Throws: `TensorsError.modelFile` when the stored string is not a JSON encoding of `Value`.
    public func metadata<Value: Decodable>(_ type: Value.Type, forKey key: String) throws -> Value? {
        guard let text = metadata[key] else { return nil }
        do {
            return try JSONDecoder().decode(Value.self, from: Data(text.utf8))
        } catch {
            throw TensorsError.modelFile(
                path: displayName, reason: "metadata '\(key)' is not a valid \(Value.self): \(describe(error))")
        }
    }
}

/// A short account of a decoding error (the coding path and what was wrong), for messages.
private func describe(_ error: Error) -> String {
    func path(_ context: DecodingError.Context) -> String {
        let keys = context.codingPath.map(\.stringValue).joined(separator: ".")
        return keys.isEmpty ? context.debugDescription : "at '\(keys)': \(context.debugDescription)"
    }
    switch error as? DecodingError {
    case .typeMismatch(_, let context)?, .valueNotFound(_, let context)?, .dataCorrupted(let context)?:
        return path(context)
    case .keyNotFound(let key, let context)?:
        return "missing '\(key.stringValue)'" + (context.codingPath.isEmpty ? "" : " in \(path(context))")
    default:
        return "\(error)"
    }
}
