import Hummingbird

/// Answers 429 with `Retry-After` to a client that sends more than its share (`ServerLimits.requestsPerMinute`);
/// health checks always pass.
struct RateLimitMiddleware: RouterMiddleware {
    typealias Context = ServerRequestContext

    let limiter: RequestRateLimiter

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        if let client = context.clientKey, request.uri.path != "/api/health",
            let seconds = limiter.admit(client)
        {
            throw ServerError(
                .tooManyRequests,
                "too many requests from this address (more than \(limiter.perMinute) a minute); wait \(seconds) s",
                retryAfterSeconds: seconds)
        }
        return try await next(request, context)
    }
}
