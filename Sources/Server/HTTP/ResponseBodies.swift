import Foundation
import Hummingbird

/// JSON requests and responses with the server's coder settings (ISO 8601 dates, sorted keys).
enum JSONBody {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        // Training events write a diverged loss as "NaN" (see `TrainingEvent.jsonLine`).
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(
            positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        return decoder
    }()

    static func response(_ value: some Encodable, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:])
        -> Response
    {
        var fields = headers
        fields[.contentType] = "application/json; charset=utf-8"
        guard let data = try? encoder.encode(value) else {
            // The server's own DTOs always encode unless a number is not finite: a bug worth a 500, not a crash.
            let failure = Data("{\"error\":\"the response could not be encoded as JSON\",\"status\":500}".utf8)
            return Response(
                status: .internalServerError, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: failure)))
        }
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// Whether a `Content-Type` value is JSON: `application/json` or `application/…+json`, any parameters.
    static func isJSON(_ contentType: String?) -> Bool {
        guard let contentType else { return false }
        let type = contentType.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased() ?? ""
        return type == "application/json" || (type.hasPrefix("application/") && type.hasSuffix("+json"))
    }

    /// `value` as one line of JSON (server-sent events).
    static func line(_ value: some Encodable) throws -> String {
        String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// Decodes the JSON body of `request` (at most `limit` bytes; empty bodies decode as `{}`).
    ///
    /// - Throws: 415 unless the request says `Content-Type: application/json` (or a `+json` type): a form that
    ///   another web site posts cannot say so without the browser asking this server first, which it refuses.
    static func decode<T: Decodable>(_ type: T.Type, from request: Request, limit: Int = 1 << 20) async throws -> T {
        guard isJSON(request.headers[.contentType]) else {
            throw ServerError(
                .unsupportedMediaType,
                "send the request body as JSON with 'Content-Type: application/json', not "
                    + (request.headers[.contentType].map { "'\($0.prefix(100))'" } ?? "without a content type"))
        }
        var request = request
        let buffer = try await request.collectBody(upTo: limit)
        let data = buffer.readableBytes == 0 ? Data("{}".utf8) : Data(buffer.readableBytesView)
        do {
            return try decoder.decode(T.self, from: data)
        } catch let error as DecodingError {
            throw ServerError(mapping: error)
        } catch {
            throw ServerError.badRequest("the request body is not valid JSON")
        }
    }
}

/// Binary responses: images, maps, model files, CSV.
enum BinaryBody {
    static func response(
        _ data: Data, contentType: String, headers extra: HTTPFields = [:], filename: String? = nil
    ) -> Response {
        var headers = extra
        headers[.contentType] = contentType
        if headers[.cacheControl] == nil { headers[.cacheControl] = "no-cache" }
        if let filename { headers[.contentDisposition] = contentDisposition(filename: filename) }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// `attachment` with the name quoted safely (RFC 6266): an ASCII fallback without quotes, backslashes or
    /// control characters, and the exact name percent-encoded as `filename*`.
    static func contentDisposition(filename: String) -> String {
        let fallback = String(
            filename.unicodeScalars.map { scalar -> Character in
                scalar.isASCII && scalar.value >= 0x20 && scalar.value < 0x7F && scalar != "\"" && scalar != "\\"
                    ? Character(scalar) : "_"
            })
        let allowed = CharacterSet.alphanumerics.intersection(
            .init(charactersIn: Unicode.Scalar(0)..<Unicode.Scalar(128))
        )
        .union(.init(charactersIn: "!#$&+-.^_`|~"))
        let encoded = filename.addingPercentEncoding(withAllowedCharacters: allowed) ?? fallback
        return "attachment; filename=\"\(fallback)\"; filename*=UTF-8''\(encoded)"
    }

    static func contentType(for format: String) -> String {
        switch format {
        case "png": "image/png"
        case "tif", "tiff": "image/tiff"
        case "json": "application/json"
        case "csv": "text/csv; charset=utf-8"
        default: "application/octet-stream"
        }
    }
}
