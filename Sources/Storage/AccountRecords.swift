import Foundation
import GRDB

/// A person who may sign in. Names are unique ignoring case; the password is kept only as a bcrypt hash.
public struct UserRecord: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "user"

    public var id: String
    /// The sign-in name as typed when the account was made (compared case-insensitively, see `nameKey`).
    public var name: String
    /// `name` lowercased: the unique key.
    public var nameKey: String
    /// bcrypt hash (`$2b$…`) of the password; never the password.
    public var passwordHash: String
    /// Admins manage accounts (`/api/users`, `/metrics`); they see no one's projects by that right alone.
    public var isAdmin: Bool
    /// A disabled account cannot sign in, and its sessions and tokens are refused.
    public var disabled: Bool
    public var createdAt: Date
    public var passwordChangedAt: Date
    public var lastLoginAt: Date?

    public init(
        id: String = StoreIDs.make(), name: String, passwordHash: String, isAdmin: Bool, disabled: Bool = false,
        createdAt: Date = Date()
    ) {
        self.id = id
        self.name = name
        self.nameKey = Self.key(of: name)
        self.passwordHash = passwordHash
        self.isAdmin = isAdmin
        self.disabled = disabled
        self.createdAt = createdAt
        self.passwordChangedAt = createdAt
    }

    /// The unique key of a sign-in name.
    public static func key(of name: String) -> String { name.lowercased() }
}

/// A browser's signed-in session. The cookie carries a random secret; only its SHA-256 is stored (`id`), so a
/// copy of the database signs no one in.
public struct SessionRecord: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "session"

    /// SHA-256 (hex) of the cookie's secret.
    public var id: String
    public var userID: String
    /// Sent back by the page in `X-CSRF-Token` on every state-changing request.
    public var csrfToken: String
    public var createdAt: Date
    public var lastSeenAt: Date
    /// Hard end, whatever the activity.
    public var expiresAt: Date

    public init(id: String, userID: String, csrfToken: String, createdAt: Date, expiresAt: Date) {
        self.id = id
        self.userID = userID
        self.csrfToken = csrfToken
        self.createdAt = createdAt
        self.lastSeenAt = createdAt
        self.expiresAt = expiresAt
    }
}

/// A personal API token (`Authorization: Bearer …`) for scripts and other clients. Only its SHA-256 is stored.
public struct APITokenRecord: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "apiToken"

    public var id: String
    public var userID: String
    /// What the owner called it ("fiji on the microscope PC").
    public var name: String
    /// SHA-256 (hex) of the token.
    public var tokenHash: String
    /// The token's first characters, to recognise it in a list.
    public var prefix: String
    public var createdAt: Date
    public var expiresAt: Date?
    public var lastUsedAt: Date?

    public init(
        id: String = StoreIDs.make(), userID: String, name: String, tokenHash: String, prefix: String,
        createdAt: Date = Date(), expiresAt: Date?
    ) {
        self.id = id
        self.userID = userID
        self.name = name
        self.tokenHash = tokenHash
        self.prefix = prefix
        self.createdAt = createdAt
        self.expiresAt = expiresAt
    }
}
