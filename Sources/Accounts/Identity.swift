import Storage

/// Who a request acts for, and how they proved it.
public struct Identity: Sendable, Equatable {
    public enum Credential: Sendable, Equatable {
        /// A browser session (cookie); state-changing requests must also carry its CSRF token.
        case session(id: String, csrfToken: String)
        /// A personal API token (`Authorization: Bearer`).
        case token(id: String)
        /// Single-user mode on a loopback address with no accounts: everyone who can reach the server is its owner.
        case localOwner
    }

    public var userID: String
    public var name: String
    public var isAdmin: Bool
    public var credential: Credential

    public init(userID: String, name: String, isAdmin: Bool, credential: Credential) {
        self.userID = userID
        self.name = name
        self.isAdmin = isAdmin
        self.credential = credential
    }

    init(user: UserRecord, credential: Credential) {
        self.init(userID: user.id, name: user.name, isAdmin: user.isAdmin, credential: credential)
    }

    /// The owner of a single-user server.
    public static let localOwner = Identity(
        userID: "local", name: "local owner", isAdmin: true, credential: .localOwner)
}
