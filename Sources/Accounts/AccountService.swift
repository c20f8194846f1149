import Foundation
import Storage

/// Accounts: users and their passwords (this file), sign-in, sessions and API tokens
/// (`AccountService+Sessions.swift`). Plain Swift over an `AccountRepository`, used by the server's routes and by
/// `cellscribe users`; nothing here knows HTTP. The first administrator account takes over the projects made in
/// single-user mode (which have no owner).
public final class AccountService: Sendable {
    public let policy: AccountPolicy
    let store: any AccountRepository & MembershipRepository
    let hasher: PasswordHasher
    let throttle: LoginThrottle

    public init(store: any AccountRepository & MembershipRepository, policy: AccountPolicy = AccountPolicy()) {
        self.store = store
        self.policy = policy
        hasher = PasswordHasher(policy: policy)
        throttle = LoginThrottle(policy: policy)
    }

    /// Whether any account exists (then every request must authenticate).
    public func hasAccounts() async throws -> Bool { try await store.userCount() > 0 }

    /// Creates an account; the first administrator becomes the owner of the projects made in single-user mode
    /// (which have none).
    ///
    /// - Throws: `AccountError.invalidName`, `.weakPassword` or `.nameTaken`.
    @discardableResult
    public func addUser(name: String, password: String, isAdmin: Bool) async throws -> UserRecord {
        try checkName(name)
        try checkPassword(password, name: name)
        if try await store.user(named: name) != nil { throw AccountError.nameTaken(name: name) }
        let user = UserRecord(name: name, passwordHash: try await hasher.hash(password), isAdmin: isAdmin)
        do {
            try await store.insert(user)
        } catch StorageError.invalid {
            throw AccountError.nameTaken(name: name)
        }
        // Only the first administrator: the owner of the single-user server becoming an account. Later
        // administrators get no one's data.
        if isAdmin, try await store.users().filter(\.isAdmin).count == 1 {
            _ = try await store.claimOwnerlessProjects(for: user.id)
        }
        return user
    }

    public func users() async throws -> [UserRecord] { try await store.users() }

    /// How many projects `userID` belongs to.
    public func projectCount(of userID: String) async throws -> Int { try await store.projects(of: userID).count }

    /// The account named `name` (ignoring case).
    ///
    /// - Throws: `AccountError.unknownUser`.
    public func user(named name: String) async throws -> UserRecord {
        guard let user = try await store.user(named: name) else { throw AccountError.unknownUser(name: name) }
        return user
    }

    /// Disables or re-enables an account; disabling ends its sessions (its tokens are refused while disabled).
    public func setDisabled(_ disabled: Bool, name: String) async throws {
        var user = try await user(named: name)
        user.disabled = disabled
        try await store.update(user)
        if disabled { try await store.deleteSessions(of: user.id) }
    }

    /// Sets a new password and ends every session of the account (other browsers must sign in again).
    public func resetPassword(name: String, to password: String) async throws {
        var user = try await user(named: name)
        try checkPassword(password, name: user.name)
        user.passwordHash = try await hasher.hash(password)
        user.passwordChangedAt = Date()
        try await store.update(user)
        try await store.deleteSessions(of: user.id)
    }

    /// A signed-in user's change of their own password, which needs the current one.
    ///
    /// - Throws: `AccountError.invalidCredentials` when `current` is wrong.
    public func changePassword(of identity: Identity, current: String, new password: String) async throws {
        let user = try await store.user(identity.userID)
        guard try await hasher.verify(current, hash: user.passwordHash) else { throw AccountError.invalidCredentials }
        try await resetPassword(name: user.name, to: password)
    }

    /// - Throws: `AccountError.invalidName` unless `name` is 1...`maximumNameLength` letters, digits, `.`, `_`,
    ///   `-` or `@`, starting with a letter or digit.
    public func checkName(_ name: String) throws {
        guard !name.isEmpty, name.count <= policy.maximumNameLength else {
            throw AccountError.invalidName(
                reason: "a user name must have 1 to \(policy.maximumNameLength) characters, not \(name.count)")
        }
        let allowed = name.unicodeScalars.allSatisfy {
            $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "._-@".unicodeScalars.contains($0))
        }
        guard allowed, let first = name.unicodeScalars.first, CharacterSet.alphanumerics.contains(first) else {
            throw AccountError.invalidName(
                reason: "a user name may hold only letters, digits and . _ - @, and starts with a letter or digit")
        }
    }

    /// - Throws: `AccountError.weakPassword` naming the rule broken.
    public func checkPassword(_ password: String, name: String) throws {
        guard password.count >= policy.minimumPasswordLength else {
            throw AccountError.weakPassword(
                reason: "a password needs at least \(policy.minimumPasswordLength) characters")
        }
        guard password.utf8.count <= policy.maximumPasswordBytes else {
            throw AccountError.weakPassword(
                reason: "a password may have at most \(policy.maximumPasswordBytes) bytes (bcrypt ignores the rest)")
        }
        guard UserRecord.key(of: password) != UserRecord.key(of: name) else {
            throw AccountError.weakPassword(reason: "a password must not be the user name")
        }
        guard !password.contains("\0") else {
            throw AccountError.weakPassword(reason: "a password must not contain NUL characters")
        }
    }
}
