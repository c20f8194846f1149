import Foundation
import Storage

/// A new browser session: the secret for the cookie (only its hash is stored) and the stored record.
public struct NewSession: Sendable {
    public var secret: String
    public var record: SessionRecord
    public var user: UserRecord
}

/// A new API token: the token itself (shown once; only its hash is stored) and the stored record.
public struct NewToken: Sendable {
    public var token: String
    public var record: APITokenRecord
}

extension AccountService {
    /// What every API token starts with (so leaked ones are recognisable, e.g. by secret scanners).
    public static let tokenPrefix = "csk_"

    /// Signs in: checks the password (throttled per name and per address) and opens a session.
    ///
    /// - Throws: `AccountError.throttled` while failures for the name or address wait, `.invalidCredentials` for
    ///   an unknown name, a wrong password or a disabled account (the same answer, in the same time).
    public func signIn(name: String, password: String, address: String?, now: Date = Date()) async throws -> NewSession
    {
        if let seconds = throttle.wait(name: name, address: address, now: now) {
            throw AccountError.throttled(retryAfterSeconds: seconds)
        }
        let user = name.count <= policy.maximumNameLength ? try await store.user(named: name) : nil
        // Whatever is wrong, one bcrypt check runs, so the answer's timing tells nothing.
        let acceptable = password.utf8.count <= policy.maximumPasswordBytes
        let matches = try await hasher.verify(acceptable ? password : "", hash: acceptable ? user?.passwordHash : nil)
        guard var user, matches, !user.disabled else {
            throttle.recordFailure(name: name, address: address, now: now)
            throw AccountError.invalidCredentials
        }
        throttle.recordSuccess(name: name)
        try await store.deleteExpiredSessions(
            now: now, idleBefore: now.addingTimeInterval(-TimeInterval(policy.sessionIdleSeconds)))
        let secret = Secrets.make()
        let record = SessionRecord(
            id: Secrets.digest(secret), userID: user.id, csrfToken: Secrets.make(), createdAt: now,
            expiresAt: now.addingTimeInterval(TimeInterval(policy.sessionLifetimeSeconds)))
        try await store.insert(record)
        user.lastLoginAt = now
        try await store.update(user)
        return NewSession(secret: secret, record: record, user: user)
    }

    /// The identity a session cookie's secret stands for.
    ///
    /// - Throws: `AccountError.unauthenticated` when the session is unknown, expired, idle too long, or its
    ///   account disabled.
    public func identity(sessionSecret secret: String, now: Date = Date()) async throws -> Identity {
        let expired = AccountError.unauthenticated(reason: "your session has ended; sign in again")
        guard Secrets.isWellFormed(secret) else { throw expired }
        let id = Secrets.digest(secret)
        guard let session = try await store.session(id) else { throw expired }
        let idleLimit = TimeInterval(policy.sessionIdleSeconds)
        guard session.expiresAt > now, now.timeIntervalSince(session.lastSeenAt) < idleLimit else {
            try await store.deleteSession(id)
            throw expired
        }
        let user = try await store.user(session.userID)
        guard !user.disabled else { throw expired }
        // Recorded at most once a minute: enough for the idle limit, without a write per request.
        if now.timeIntervalSince(session.lastSeenAt) > 60 { try await store.touchSession(id, at: now) }
        return Identity(user: user, credential: .session(id: id, csrfToken: session.csrfToken))
    }

    /// Ends a session (signing out).
    public func signOut(sessionID: String) async throws { try await store.deleteSession(sessionID) }

    /// The identity an API token stands for.
    ///
    /// - Throws: `AccountError.unauthenticated` when the token is unknown, expired or its account disabled.
    public func identity(token: String, now: Date = Date()) async throws -> Identity {
        let refused = AccountError.unauthenticated(reason: "the API token is not valid (unknown, revoked or expired)")
        guard Secrets.isWellFormed(token, prefix: Self.tokenPrefix) else { throw refused }
        guard let record = try await store.token(hash: Secrets.digest(token)) else { throw refused }
        if let expiry = record.expiresAt, expiry <= now { throw refused }
        let user = try await store.user(record.userID)
        guard !user.disabled else { throw refused }
        if record.lastUsedAt.map({ now.timeIntervalSince($0) > 60 }) ?? true {
            try await store.touchToken(record.id, at: now)
        }
        return Identity(user: user, credential: .token(id: record.id))
    }

    /// Creates an API token for `identity`'s account, valid for `days` days (nil: until revoked).
    ///
    /// - Throws: `AccountError.invalidValue` for an empty or over-long name, a lifetime out of range, or too many
    ///   tokens already.
    public func createToken(for identity: Identity, name: String, days: Int?, now: Date = Date()) async throws
        -> NewToken
    {
        let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...100).contains(trimmed.count) else {
            throw AccountError.invalidValue(field: "name", reason: "a token's name must have 1 to 100 characters")
        }
        if let days, !(1...policy.maximumTokenDays).contains(days) {
            throw AccountError.invalidValue(
                field: "expiresInDays",
                reason: "a token's lifetime must be 1 to \(policy.maximumTokenDays) days (or none), not \(days)")
        }
        guard try await store.tokens(of: identity.userID).count < policy.maximumTokensPerUser else {
            throw AccountError.invalidValue(
                field: "name",
                reason: "you hold \(policy.maximumTokensPerUser) API tokens already; revoke one first")
        }
        let token = Secrets.make(prefix: Self.tokenPrefix)
        let record = APITokenRecord(
            userID: identity.userID, name: trimmed, tokenHash: Secrets.digest(token),
            prefix: String(token.prefix(Self.tokenPrefix.count + 6)), createdAt: now,
            expiresAt: days.map { now.addingTimeInterval(TimeInterval($0) * 86_400) })
        try await store.insert(record)
        return NewToken(token: token, record: record)
    }

    /// `identity`'s tokens, newest first.
    public func tokens(of identity: Identity) async throws -> [APITokenRecord] {
        try await store.tokens(of: identity.userID)
    }

    /// Revokes one of `identity`'s tokens.
    ///
    /// - Throws: `AccountError.unknownToken` when they hold no token with this id.
    public func revokeToken(_ id: String, of identity: Identity) async throws {
        guard try await store.deleteToken(id, of: identity.userID) else { throw AccountError.unknownToken(id: id) }
    }
}
