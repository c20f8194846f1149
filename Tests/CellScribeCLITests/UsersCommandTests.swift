import Accounts
import ArgumentParser
import Foundation
import Storage
import Testing

@testable import CellScribeCLI

@Suite struct UsersCommandTests {
    func run(_ arguments: [String]) async throws {
        var command = try CellScribe.parseAsRoot(arguments)
        guard var command = command as? AsyncParsableCommand else { return try command.run() }
        try await command.run()
    }

    @Test func accountsAreManagedOnTheDataFolderWithPasswordsFromFiles() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cellscribe-users-\(UUID())")
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let passwordFile = folder.appendingPathComponent("password")
        try Data("correct horse battery\n".utf8).write(to: passwordFile)
        let data = folder.appendingPathComponent("data").path
        try await run(["users", "add", "ada", "--admin", "--password-file", passwordFile.path, "--data", data])
        try await run(["users", "add", "bob", "--password-file", passwordFile.path, "--data", data])
        await #expect(throws: AccountError.nameTaken(name: "ADA")) {
            try await run(["users", "add", "ADA", "--password-file", passwordFile.path, "--data", data])
        }
        try await run(["users", "disable", "bob", "--data", data])
        let store = try SQLiteStore(url: URL(fileURLWithPath: data).appendingPathComponent("cellscribe.sqlite"))
        let users = try await store.users()
        #expect(users.map(\.name) == ["ada", "bob"] && users.map(\.isAdmin) == [true, false])
        #expect(users.map(\.disabled) == [false, true])
        #expect(users.allSatisfy { $0.passwordHash.hasPrefix("$2b$12$") })
        // The password file's first line (without its newline) signs in.
        let accounts = AccountService(store: store)
        _ = try await accounts.signIn(name: "ada", password: "correct horse battery", address: nil)
        try Data("a newer password\r\nignored\n".utf8).write(to: passwordFile)
        try await run(["users", "reset-password", "ada", "--password-file", passwordFile.path, "--data", data])
        _ = try await accounts.signIn(name: "ada", password: "a newer password", address: nil)
        // A folder without a database is an error, not a new empty one.
        await #expect(throws: (any Error).self) {
            try await run(["users", "list", "--data", folder.path + "/nothing"])
        }
    }

    @Test func theListShowsRolesAndStatesAndNeverAPassword() throws {
        let date = Date(timeIntervalSince1970: 1_700_000_000)
        let entries = [
            UsersCommand.List.Entry(name: "ada", isAdmin: true, disabled: false, createdAt: date, lastLoginAt: date),
            UsersCommand.List.Entry(name: "bob", isAdmin: false, disabled: true, createdAt: date, lastLoginAt: nil),
        ]
        let text = try UsersCommand.List.render(entries, json: false)
        #expect(
            text == """
                name  role   state     last sign-in
                ada   admin  active    2023-11-14T22:13:20Z
                bob   user   disabled  never
                """)
        let json = try UsersCommand.List.render(entries, json: true)
        #expect(json.contains("\"isAdmin\" : true") && !json.contains("password"))
        #expect(try UsersCommand.List.render([], json: false).contains("no accounts"))
    }

    @Test func passwordFilesHoldOneLine() throws {
        #expect(try PasswordInput.firstLine(of: Data("secret words\n".utf8), source: "f") == "secret words")
        #expect(try PasswordInput.firstLine(of: Data("secret words".utf8), source: "f") == "secret words")
        #expect(throws: CommandLineError.self) { try PasswordInput.firstLine(of: Data("\nx".utf8), source: "f") }
    }
}
