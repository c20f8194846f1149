import Foundation

/// JSON objects on one line whose members keep the order given (Foundation's encoder keeps none), so output
/// reads like the reference it is compared with. Every key and value is encoded by `JSONEncoder` (`Codable`):
/// strings are escaped, nil is `null`, non-finite numbers are the strings "NaN", "Infinity", "-Infinity".
enum OrderedJSON {
    static func object(_ members: [(key: String, value: any Encodable)]) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        func text(_ value: any Encodable) throws -> String {
            String(decoding: try encoder.encode(value), as: UTF8.self)
        }
        return "{" + (try members.map { "\(try text($0.key)): \(try text($0.value))" }).joined(separator: ", ") + "}"
    }
}
