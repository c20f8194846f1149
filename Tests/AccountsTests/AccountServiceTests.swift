import Foundation
import GRDB
import Testing

@testable import Accounts
@testable import Storage

/// Accounts over a real (in-memory) SQLite store, with bcrypt at its lowest cost to keep the tests quick.
struct AccountFixture {
    let store: SQLiteStore
    let accounts: AccountService

    init(configure: (inout AccountPolicy) -> Void = { _ in }) throws {
        var policy = AccountPolicy()
        policy.bcryptCost = 4
        configure(&policy)
        store = try SQLiteStore()
        accounts = AccountService(store: store, policy: policy)
    }
}

@Suite struct UserTests {
    @Test func passwordsAreStoredAsSaltedBcryptHashesOnly() async throws {
        let fixture = try AccountFixture()
        try await fixture.accounts.addUser(name: "ada", password: "correct horse", isAdmin: true)
        try await fixture.accounts.addUser(name: "bob", password: "correct horse", isAdmin: false)
        // Read the table itself: no column holds the password, and equal passwords hash differently (salt).
        let rows = try fixture.store.database.read { db in try Row.fetchAll(db, sql: "SELECT * FROM user") }
        #expect(rows.count == 2)
        var hashes: [String] = []
        for row in rows {
            for column in row.columnNames {
                let value = row[column].map { "\($0)" } ?? ""
                #expect(!value.contains("correct horse"), "column \(column) holds the password")
            }
            let hash: String = row["passwordHash"]
            #expect(hash.hasPrefix("$2b$04$") && hash.count == 60)
            hashes.append(hash)
        }
        #expect(hashes[0] != hashes[1])
    }

    @Test func namesAreUniqueIgnoringCaseAndChecked() async throws {
        let fixture = try AccountFixture()
        try await fixture.accounts.addUser(name: "Ada", password: "correct horse", isAdmin: false)
        await #expect(throws: AccountError.nameTaken(name: "ada")) {
            try await fixture.accounts.addUser(name: "ada", password: "another password", isAdmin: false)
        }
        for bad in ["", "-ada", "a b", "ada/../x", "名前", String(repeating: "a", count: 65)] {
            await #expect(throws: AccountError.self) {
                try await fixture.accounts.addUser(name: bad, password: "correct horse", isAdmin: false)
            }
        }
        #expect(try await fixture.accounts.user(named: "ADA").name == "Ada")
    }

    @Test func passwordPolicyNamesTheRuleBroken() async throws {
        let fixture = try AccountFixture()
        let cases: [(String, String)] = [
            ("short", "at least 10 characters"),
            (String(repeating: "é", count: 40), "at most 72 bytes"),
            ("Ada-Lovelace", "must not be the user name"),
        ]
        for (password, words) in cases {
            do {
                try await fixture.accounts.addUser(name: "ada-lovelace", password: password, isAdmin: false)
                Issue.record("accepted \(password)")
            } catch let AccountError.weakPassword(reason) {
                #expect(reason.contains(words), "\(reason)")
            }
        }
    }

    @Test func disablingOrResettingEndsSessions() async throws {
        let fixture = try AccountFixture()
        let accounts = fixture.accounts
        try await accounts.addUser(name: "ada", password: "correct horse", isAdmin: false)
        let first = try await accounts.signIn(name: "ada", password: "correct horse", address: nil)
        try await accounts.setDisabled(true, name: "ada")
        await #expect(throws: AccountError.self) { try await accounts.identity(sessionSecret: first.secret) }
        await #expect(throws: AccountError.invalidCredentials) {
            try await accounts.signIn(name: "ada", password: "correct horse", address: nil)
        }
        try await accounts.setDisabled(false, name: "ada")
        let second = try await accounts.signIn(name: "ada", password: "correct horse", address: nil)
        try await accounts.resetPassword(name: "ada", to: "battery staple")
        await #expect(throws: AccountError.self) { try await accounts.identity(sessionSecret: second.secret) }
        await #expect(throws: AccountError.invalidCredentials) {
            try await accounts.signIn(name: "ada", password: "correct horse", address: nil)
        }
        _ = try await accounts.signIn(name: "ADA", password: "battery staple", address: nil)
    }
}

@Suite struct SessionTests {
    @Test func signInOpensASessionStoredOnlyAsAHash() async throws {
        let fixture = try AccountFixture()
        let accounts = fixture.accounts
        let user = try await accounts.addUser(name: "ada", password: "correct horse", isAdmin: true)
        let session = try await accounts.signIn(name: "ada", password: "correct horse", address: "10.0.0.1")
        #expect(Secrets.isWellFormed(session.secret))
        #expect(session.record.id == Secrets.digest(session.secret))
        let stored = try await fixture.store.session(session.record.id)
        #expect(stored?.userID == user.id)
        #expect(try await fixture.store.session(session.secret) == nil)
        let identity = try await accounts.identity(sessionSecret: session.secret)
        #expect(identity.userID == user.id && identity.isAdmin)
        #expect(identity.credential == .session(id: session.record.id, csrfToken: session.record.csrfToken))
        try await accounts.signOut(sessionID: session.record.id)
        await #expect(throws: AccountError.self) { try await accounts.identity(sessionSecret: session.secret) }
    }

    @Test func sessionsExpireByAgeAndIdleness() async throws {
        let fixture = try AccountFixture {
            $0.sessionIdleSeconds = 600; $0.sessionLifetimeSeconds = 3_600
        }
        let accounts = fixture.accounts
        try await accounts.addUser(name: "ada", password: "correct horse", isAdmin: false)
        let start = Date()
        let session = try await accounts.signIn(name: "ada", password: "correct horse", address: nil, now: start)
        // Used every 9 minutes, it lives until its hard end.
        var now = start
        for _ in 0..<6 {
            now += 540
            _ = try await accounts.identity(sessionSecret: session.secret, now: now)
        }
        await #expect(throws: AccountError.self) {
            try await accounts.identity(sessionSecret: session.secret, now: start + 3_601)
        }
        let idle = try await accounts.signIn(name: "ada", password: "correct horse", address: nil, now: start)
        await #expect(throws: AccountError.self) {
            try await accounts.identity(sessionSecret: idle.secret, now: start + 601)
        }
    }

    @Test func unknownNamesWrongPasswordsAndJunkAllGetTheSameAnswer() async throws {
        let fixture = try AccountFixture()
        let accounts = fixture.accounts
        try await accounts.addUser(name: "ada", password: "correct horse", isAdmin: false)
        for (name, password) in [("ada", "wrong horse!"), ("nobody", "correct horse"), ("ada", "")] {
            await #expect(throws: AccountError.invalidCredentials) {
                try await accounts.signIn(name: name, password: password, address: nil)
            }
        }
        for junk in ["", "x", String(repeating: "a", count: 43) + "!", "../../etc/passwd"] {
            await #expect(throws: AccountError.self) { try await accounts.identity(sessionSecret: junk) }
            await #expect(throws: AccountError.self) { try await accounts.identity(token: junk) }
        }
    }

    @Test func repeatedFailuresWaitLongerAndLongerForThatNameOnly() async throws {
        let fixture = try AccountFixture {
            $0.freeFailuresPerName = 3; $0.freeFailuresPerAddress = 100
        }
        let accounts = fixture.accounts
        try await accounts.addUser(name: "ada", password: "correct horse", isAdmin: false)
        try await accounts.addUser(name: "bob", password: "correct horse", isAdmin: false)
        let start = Date()
        for attempt in 0..<3 {
            await #expect(throws: AccountError.invalidCredentials) {
                try await accounts.signIn(name: "ada", password: "guess \(attempt)!!!", address: "10.0.0.9", now: start)
            }
        }
        // Locked now, even with the right password; another name is not.
        await #expect(throws: AccountError.throttled(retryAfterSeconds: 1)) {
            try await accounts.signIn(name: "ada", password: "correct horse", address: "10.0.0.9", now: start)
        }
        _ = try await accounts.signIn(name: "bob", password: "correct horse", address: "10.0.0.9", now: start)
        // After the wait, one more failure doubles it.
        await #expect(throws: AccountError.invalidCredentials) {
            try await accounts.signIn(name: "ada", password: "guess again!", address: "10.0.0.9", now: start + 2)
        }
        await #expect(throws: AccountError.throttled(retryAfterSeconds: 2)) {
            try await accounts.signIn(name: "ada", password: "correct horse", address: "10.0.0.9", now: start + 2)
        }
        _ = try await accounts.signIn(name: "ada", password: "correct horse", address: "10.0.0.9", now: start + 5)
    }

    @Test func oneAddressGuessingManyNamesIsSlowedToo() async throws {
        let fixture = try AccountFixture {
            $0.freeFailuresPerName = 100; $0.freeFailuresPerAddress = 4
        }
        let accounts = fixture.accounts
        try await accounts.addUser(name: "ada", password: "correct horse", isAdmin: false)
        let start = Date()
        for index in 0..<4 {
            await #expect(throws: AccountError.invalidCredentials) {
                try await accounts.signIn(
                    name: "user\(index)", password: "correct horse", address: "10.0.0.7", now: start)
            }
        }
        await #expect(throws: AccountError.throttled(retryAfterSeconds: 1)) {
            try await accounts.signIn(name: "ada", password: "correct horse", address: "10.0.0.7", now: start)
        }
        _ = try await accounts.signIn(name: "ada", password: "correct horse", address: "10.0.0.8", now: start)
    }
}

@Suite struct TokenTests {
    @Test func tokensAuthenticateUntilRevokedOrExpiredAndAreStoredHashed() async throws {
        let fixture = try AccountFixture()
        let accounts = fixture.accounts
        let ada = try await accounts.addUser(name: "ada", password: "correct horse", isAdmin: false)
        let bob = try await accounts.addUser(name: "bob", password: "correct horse", isAdmin: false)
        let adaIdentity = Identity(user: ada, credential: .localOwner)
        let bobIdentity = Identity(user: bob, credential: .localOwner)
        let now = Date()
        let made = try await accounts.createToken(for: adaIdentity, name: " fiji ", days: 30, now: now)
        #expect(made.token.hasPrefix("csk_") && made.record.name == "fiji")
        #expect(made.record.tokenHash == Secrets.digest(made.token) && !made.record.tokenHash.contains(made.token))
        let identity = try await accounts.identity(token: made.token, now: now)
        #expect(identity.userID == ada.id && identity.credential == .token(id: made.record.id))
        await #expect(throws: AccountError.self) {
            try await accounts.identity(token: made.token, now: now + 31 * 86_400)
        }
        // Only the owner lists and revokes it.
        #expect(try await accounts.tokens(of: bobIdentity).isEmpty)
        await #expect(throws: AccountError.unknownToken(id: made.record.id)) {
            try await accounts.revokeToken(made.record.id, of: bobIdentity)
        }
        try await accounts.revokeToken(made.record.id, of: adaIdentity)
        await #expect(throws: AccountError.self) { try await accounts.identity(token: made.token, now: now) }
    }

    @Test func tokensOfDisabledAccountsAreRefused() async throws {
        let fixture = try AccountFixture()
        let accounts = fixture.accounts
        let ada = try await accounts.addUser(name: "ada", password: "correct horse", isAdmin: false)
        let made = try await accounts.createToken(
            for: Identity(user: ada, credential: .localOwner), name: "t", days: nil)
        try await accounts.setDisabled(true, name: "ada")
        await #expect(throws: AccountError.self) { try await accounts.identity(token: made.token) }
        try await accounts.setDisabled(false, name: "ada")
        #expect(try await accounts.identity(token: made.token).userID == ada.id)
    }

    @Test func tokenNamesLifetimesAndCountsAreBounded() async throws {
        let fixture = try AccountFixture { $0.maximumTokensPerUser = 2 }
        let accounts = fixture.accounts
        let ada = Identity(
            user: try await accounts.addUser(name: "ada", password: "correct horse", isAdmin: false),
            credential: .localOwner)
        for (name, days) in [("", 1), (String(repeating: "n", count: 101), 1), ("t", 0), ("t", 100_000)] {
            await #expect(throws: AccountError.self) {
                try await accounts.createToken(for: ada, name: name, days: days)
            }
        }
        _ = try await accounts.createToken(for: ada, name: "one", days: nil)
        _ = try await accounts.createToken(for: ada, name: "two", days: 1)
        await #expect(throws: AccountError.self) { try await accounts.createToken(for: ada, name: "three", days: 1) }
    }
}

@Suite struct SecretTests {
    @Test func secretsAreRandomWellFormedAndComparedWhole() {
        let a = Secrets.make(prefix: "csk_")
        let b = Secrets.make(prefix: "csk_")
        #expect(a != b && Secrets.isWellFormed(a, prefix: "csk_") && !Secrets.isWellFormed(a))
        #expect(Secrets.constantTimeEquals(a, a) && !Secrets.constantTimeEquals(a, b))
        #expect(!Secrets.constantTimeEquals(a, String(a.dropLast())))
        #expect(Secrets.digest("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }
}
