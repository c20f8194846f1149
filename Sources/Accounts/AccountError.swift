/// Why an account operation was refused. Each case carries what a front end needs to act on it: the CLI prints
/// the sentence, the server maps the case to a status (401, 403, 409, 422, 429, 503) and sends the sentence.
/// No case ever carries a password or a token.
public enum AccountError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Wrong name or password (deliberately not saying which).
    case invalidCredentials
    /// Too many failed sign-ins for this name or from this address: wait this many seconds.
    case throttled(retryAfterSeconds: Int)
    /// No valid session or token came with the request; `reason` says what was wrong with what came.
    case unauthenticated(reason: String)
    /// Signed in, but this needs more (admin rights, a CSRF token).
    case forbidden(reason: String)
    /// The name is not usable: `reason` says why.
    case invalidName(reason: String)
    /// The password does not meet the policy: `reason` says which rule.
    case weakPassword(reason: String)
    case nameTaken(name: String)
    case unknownUser(name: String)
    case unknownToken(id: String)
    /// A value out of range (`field`: the JSON field or CLI option's stem).
    case invalidValue(field: String, reason: String)
    /// Too many password checks in flight: try again in this many seconds.
    case busy(retryAfterSeconds: Int)

    public var description: String {
        switch self {
        case .invalidCredentials: "wrong user name or password"
        case .throttled(let seconds):
            "too many failed sign-ins; try again in \(seconds) s"
        case .unauthenticated(let reason): reason
        case .forbidden(let reason): reason
        case .invalidName(let reason): reason
        case .weakPassword(let reason): reason
        case .nameTaken(let name): "a user named '\(name)' exists already"
        case .unknownUser(let name): "no user named '\(name)'"
        case .unknownToken(let id): "you have no API token with id '\(id)'"
        case .invalidValue(_, let reason): reason
        case .busy(let seconds): "the server is checking too many passwords at once; try again in \(seconds) s"
        }
    }
}
