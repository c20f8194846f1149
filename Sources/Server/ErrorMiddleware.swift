import Foundation
import Hummingbird
import Logging

/// Turns every error thrown by a route (or by routing itself) into a JSON response with the right status:
/// `{"error": "a sentence", "status": 422}`. Server-side failures (5xx) are logged; the server keeps serving.
struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            let mapped: ServerError
            if let http = error as? HTTPError {
                mapped = ServerError(http.status, http.body ?? Self.defaultMessage(http.status, request: request))
            } else if let response = error as? any HTTPResponseError {
                mapped = ServerError(response.status, Self.defaultMessage(response.status, request: request))
            } else {
                mapped = ServerError(mapping: error)
            }
            if mapped.status.code >= 500 {
                context.logger.error("\(request.method) \(request.uri.path) failed: \(mapped.message)")
            }
            return JSONBody.response(ErrorBody(error: mapped.message, status: mapped.status.code), status: mapped.status)
        }
    }

    static func defaultMessage(_ status: HTTPResponse.Status, request: Request) -> String {
        switch status {
        case .notFound: "no route for \(request.method) \(request.uri.path)"
        case .contentTooLarge: "the request body is larger than the server accepts"
        case .methodNotAllowed: "\(request.method) is not allowed on \(request.uri.path)"
        default: status.reasonPhrase
        }
    }
}

struct ErrorBody: Codable, Sendable {
    var error: String
    var status: Int
}

/// JSON responses with the server's encoder settings (ISO 8601 dates, sorted keys).
enum JSONBody {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    static func response(_ value: some Encodable, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
        var fields = headers
        fields[.contentType] = "application/json; charset=utf-8"
        guard let data = try? encoder.encode(value) else {
            // The server's own DTOs always encode unless a number is not finite: a bug worth a 500, not a crash.
            let failure = Data("{\"error\":\"the response could not be encoded as JSON\",\"status\":500}".utf8)
            return Response(status: .internalServerError, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: failure)))
        }
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }()

    /// Decodes the JSON body of `request` (at most `limit` bytes; empty bodies decode as `{}`).
    static func decode<T: Decodable>(_ type: T.Type, from request: Request, limit: Int = 1 << 20) async throws -> T {
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
