import Foundation

/// A `multipart/form-data` body (RFC 7578) split into its parts. Only what uploads need: each part's field
/// name, file name, content type and bytes.
struct MultipartForm {
    struct Part {
        var name: String
        var filename: String?
        var contentType: String?
        var data: Data
    }

    var parts: [Part]

    /// The boundary in a `Content-Type: multipart/form-data; boundary=...` header, or nil for other types.
    static func boundary(contentType: String) -> String? {
        let pieces = contentType.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
        guard pieces.first?.lowercased() == "multipart/form-data" else { return nil }
        for piece in pieces.dropFirst() where piece.lowercased().hasPrefix("boundary=") {
            var value = String(piece.dropFirst("boundary=".count))
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 {
                value = String(value.dropFirst().dropLast())
            }
            return value.isEmpty ? nil : value
        }
        return nil
    }

    /// Parses `body`; throws a 400 `ServerError` naming what is malformed.
    init(body: Data, boundary: String) throws {
        let delimiter = Data("--\(boundary)".utf8)
        let bytes = body
        guard let first = bytes.range(of: delimiter) else {
            throw ServerError.badRequest("the multipart body does not contain its boundary '\(boundary)'")
        }
        var parts: [Part] = []
        var cursor = first.upperBound
        while true {
            // After a delimiter: "--" ends the body, else CRLF and a part follow.
            if bytes[cursor...].starts(with: Data("--".utf8)) { break }
            guard bytes[cursor...].starts(with: Data("\r\n".utf8)) else {
                throw ServerError.badRequest("a multipart boundary is not followed by a line break")
            }
            let partStart = cursor + 2
            guard let next = bytes.range(of: Data("\r\n".utf8) + delimiter, in: partStart..<bytes.endIndex) else {
                throw ServerError.badRequest("the multipart body ends without its closing boundary")
            }
            parts.append(try Self.part(bytes[partStart..<next.lowerBound]))
            cursor = next.upperBound
        }
        self.parts = parts
    }

    private static func part(_ bytes: Data) throws -> Part {
        guard let split = bytes.range(of: Data("\r\n\r\n".utf8)) else {
            throw ServerError.badRequest("a multipart part has no blank line after its headers")
        }
        let headerText = String(decoding: bytes[bytes.startIndex..<split.lowerBound], as: UTF8.self)
        var name: String?
        var filename: String?
        var contentType: String?
        for line in headerText.components(separatedBy: "\r\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let key = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            if key == "content-type" { contentType = value }
            guard key == "content-disposition" else { continue }
            for parameter in value.split(separator: ";").dropFirst() {
                let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                guard pair.count == 2 else { continue }
                let unquoted =
                    pair[1].hasPrefix("\"") && pair[1].hasSuffix("\"") && pair[1].count >= 2
                    ? String(pair[1].dropFirst().dropLast()) : pair[1]
                switch pair[0].lowercased() {
                case "name": name = unquoted
                case "filename": filename = unquoted
                default: break
                }
            }
        }
        guard let name else { throw ServerError.badRequest("a multipart part has no Content-Disposition name") }
        return Part(name: name, filename: filename, contentType: contentType, data: Data(bytes[split.upperBound...]))
    }
}
