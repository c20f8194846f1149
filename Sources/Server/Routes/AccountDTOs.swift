import Accounts
import Foundation
import Storage

// The JSON shapes of sign-in, sessions, API tokens and accounts (documented in Resources/openapi.json). None of
// them ever holds a password or a password hash; a token appears once, in the answer that creates it.

struct UserDTO: Codable, Sendable {
    var id: String
    var name: String
    var isAdmin: Bool
    var disabled: Bool
    var createdAt: Date
    var lastLoginAt: Date?

    init(_ record: UserRecord) {
        id = record.id
        name = record.name
        isAdmin = record.isAdmin
        disabled = record.disabled
        createdAt = record.createdAt
        lastLoginAt = record.lastLoginAt
    }
}

/// Who the page acts for (`GET /api/session`, `POST /api/login`).
struct SessionDTO: Codable, Sendable {
    struct Person: Codable, Sendable {
        var id: String
        var name: String
        var isAdmin: Bool
    }

    /// "single-user" (loopback, no accounts: no sign-in) or "accounts".
    var mode: String
    var signedIn: Bool
    var user: Person?
    /// To send in `X-CSRF-Token` with every state-changing request of this session (browser sessions only).
    var csrfToken: String?

    init(mode: AccessGate.Mode, identity: Identity?) {
        self.mode = mode.rawValue
        signedIn = identity != nil
        user = identity.map { Person(id: $0.userID, name: $0.name, isAdmin: $0.isAdmin) }
        if case .session(_, let token) = identity?.credential { csrfToken = token }
    }
}

struct SignIn: Codable, Sendable {
    var name: String
    var password: String
}

struct ChangePassword: Codable, Sendable {
    var currentPassword: String
    var newPassword: String
}

struct CreateUser: Codable, Sendable {
    var name: String
    var password: String
    var isAdmin: Bool?
}

struct SetPassword: Codable, Sendable {
    var password: String
}

struct TokenDTO: Codable, Sendable {
    var id: String
    var name: String
    /// The token's first characters, to recognise it.
    var prefix: String
    var createdAt: Date
    var expiresAt: Date?
    var lastUsedAt: Date?
    /// The token itself: only in the answer that creates it.
    var token: String?

    init(_ record: APITokenRecord, token: String? = nil) {
        id = record.id
        name = record.name
        prefix = record.prefix
        createdAt = record.createdAt
        expiresAt = record.expiresAt
        lastUsedAt = record.lastUsedAt
        self.token = token
    }
}

struct CreateToken: Codable, Sendable {
    var name: String
    /// Days until it expires; absent: until revoked.
    var expiresInDays: Int?
}
