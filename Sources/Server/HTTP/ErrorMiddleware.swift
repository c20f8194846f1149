import Foundation
import Hummingbird
import Logging

/// Turns every error thrown by a route (or by routing itself) into a JSON response with the right status:
/// `{"error": "a sentence", "status": 422, "field": "batchSize"}`. Server-side failures (5xx) are logged with
/// their cause; the client gets a sentence without paths or internals, and the server keeps serving.
struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
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
            switch mapped.status.code {
            case 503, 507:  // the server's capacity, by design: worth a warning, not an error
                context.logger.warning("\(request.method) \(request.uri.path) refused: \(mapped.message)")
            case 500...:
                context.logger.error("\(request.method) \(request.uri.path) failed: \(String(describing: error))")
            default: break
            }
            let body = ErrorBody(error: mapped.message, status: mapped.status.code, field: mapped.field)
            var headers: HTTPFields = [:]
            if let seconds = mapped.retryAfterSeconds { headers[.retryAfter] = "\(seconds)" }
            // RFC 9110: a 401 names the scheme that would do (Bearer; never Basic, which makes browsers prompt).
            if mapped.status == .unauthorized { headers[.wwwAuthenticate] = "Bearer realm=\"CellScribe\"" }
            return JSONBody.response(body, status: mapped.status, headers: headers)
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

/// The JSON body of every error response.
struct ErrorBody: Codable, Sendable {
    var error: String
    var status: Int
    /// The request's field at fault, when one is (a training setting, a project property).
    var field: String?
}
