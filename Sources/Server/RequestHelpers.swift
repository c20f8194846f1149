import Foundation
import Hummingbird

extension Request {
    /// The whole body, refusing more than `limit` bytes (413).
    func bodyData(limit: Int) async throws -> Data {
        var request = self
        let buffer = try await request.collectBody(upTo: limit)
        return Data(buffer.readableBytesView)
    }

    /// Query parameter `name` as an integer within `range` (default when absent); 400 when it is not one.
    func integer(_ name: String, default value: Int? = nil, in range: ClosedRange<Int>) throws -> Int? {
        guard let text = uri.queryParameters.get(name) else { return value }
        guard let number = Int(text), range.contains(number) else {
            throw ServerError.badRequest("query parameter '\(name)' must be a whole number in \(range.lowerBound)...\(range.upperBound), not '\(text)'")
        }
        return number
    }

    /// Query parameter `name` as a number within `range`; 400 when it is not one.
    func number(_ name: String, in range: ClosedRange<Double>) throws -> Double? {
        guard let text = uri.queryParameters.get(name) else { return nil }
        guard let number = Double(text), range.contains(number) else {
            throw ServerError.badRequest("query parameter '\(name)' must be a number in \(range.lowerBound)...\(range.upperBound), not '\(text)'")
        }
        return number
    }

    /// Query parameter `name` as a boolean ("true"/"false"/"1"/"0").
    func flag(_ name: String) throws -> Bool {
        guard let text = uri.queryParameters.get(name) else { return false }
        switch text.lowercased() {
        case "true", "1", "yes": return true
        case "false", "0", "no": return false
        default: throw ServerError.badRequest("query parameter '\(name)' must be true or false, not '\(text)'")
        }
    }
}

/// Binary responses.
enum BinaryBody {
    static func response(_ data: Data, contentType: String, headers extra: HTTPFields = [:], filename: String? = nil) -> Response {
        var headers = extra
        headers[.contentType] = contentType
        headers[.cacheControl] = "no-cache"
        if let filename { headers[.contentDisposition] = "attachment; filename=\"\(filename)\"" }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
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
