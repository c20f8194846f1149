import Accounts
import ArgumentParser
import Foundation
import Storage

/// `cellscribe users`: accounts of a data folder's server. Works while the server runs (the database takes
/// concurrent writers); a running server sees changes at once.
struct UsersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "users",
        abstract: "Manage the accounts of a server's data folder.",
        discussion: """
            Once a data folder has an account, every request to its server must sign in (browser) or carry an \
            API token, also on 127.0.0.1. Passwords come from --password-file (its first line) or are asked for \
            on the terminal (read from standard input when it is not one); never from an argument.
            """,
        subcommands: [Add.self, List.self, Disable.self, Enable.self, ResetPassword.self]
    )

    struct DataOption: ParsableArguments {
        @Option(help: ArgumentHelp("The server's data folder.", valueName: "dir"))
        var data: String = ServeCommand.defaults.dataFolder.relativePath

        /// The accounts of the folder's database (which must exist unless `create`).
        func accounts(create: Bool = false) throws -> AccountService {
            let folder = URL(fileURLWithPath: data)
            let database = folder.appendingPathComponent("cellscribe.sqlite")
            if !create, !FileManager.default.fileExists(atPath: database.path) {
                throw CommandLineError(description: "\(data) holds no CellScribe database (give the server's --data)")
            }
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            return AccountService(
                store: try SQLiteStore(url: database), policy: ServeCommand.defaults.access.accountPolicy)
        }
    }

    struct PasswordOption: ParsableArguments {
        @Option(
            help: ArgumentHelp(
                "A file whose first line is the password (keep it readable by you only).", valueName: "file"))
        var passwordFile: String?

        func password(for name: String) throws -> String {
            if let passwordFile { return try PasswordInput.fromFile(passwordFile) }
            return try PasswordInput.prompted(for: name)
        }
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create an account.")
        @Argument(help: "The sign-in name (letters, digits, . _ - @).") var name: String
        @Flag(help: "An administrator: manages accounts and reads /metrics.") var admin = false
        @OptionGroup var password: PasswordOption
        @OptionGroup var folder: DataOption

        func run() async throws {
            let accounts = try folder.accounts(create: true)
            try accounts.checkName(name)
            let user = try await accounts.addUser(
                name: name, password: try password.password(for: name), isAdmin: admin)
            print("created \(user.isAdmin ? "administrator" : "user") '\(user.name)'")
            let owned = try await accounts.projectCount(of: user.id)
            if owned > 0 { print("'\(user.name)' now owns the \(owned) project(s) made in single-user mode") }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the accounts.")
        @Flag(help: "Print a JSON array instead of a table.") var json = false
        @OptionGroup var folder: DataOption

        struct Entry: Codable {
            var name: String
            var isAdmin: Bool
            var disabled: Bool
            var createdAt: Date
            var lastLoginAt: Date?
        }

        func run() async throws {
            let users = try await folder.accounts().users()
            let entries = users.map {
                Entry(
                    name: $0.name, isAdmin: $0.isAdmin, disabled: $0.disabled, createdAt: $0.createdAt,
                    lastLoginAt: $0.lastLoginAt)
            }
            print(try Self.render(entries, json: json))
        }

        static func render(_ entries: [Entry], json: Bool) throws -> String {
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                encoder.dateEncodingStrategy = .iso8601
                return String(decoding: try encoder.encode(entries), as: UTF8.self)
            }
            guard !entries.isEmpty else { return "no accounts (the server runs single-user on loopback)" }
            let dates = ISO8601DateFormatter()
            let width = max(4, entries.map(\.name.count).max() ?? 0)
            func padded(_ text: String) -> String { text + String(repeating: " ", count: max(0, width - text.count)) }
            var lines = ["\(padded("name"))  role   state     last sign-in"]
            for entry in entries {
                let role = entry.isAdmin ? "admin" : "user "
                let state = entry.disabled ? "disabled" : "active  "
                lines.append(
                    "\(padded(entry.name))  \(role)  \(state)  \(entry.lastLoginAt.map { dates.string(from: $0) } ?? "never")"
                )
            }
            return lines.joined(separator: "\n")
        }
    }

    struct Disable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Disable an account: its sessions end and its API tokens are refused.")
        @Argument var name: String
        @OptionGroup var folder: DataOption

        func run() async throws {
            try await folder.accounts().setDisabled(true, name: name)
            print("disabled '\(name)'")
        }
    }

    struct Enable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Enable a disabled account again.")
        @Argument var name: String
        @OptionGroup var folder: DataOption

        func run() async throws {
            try await folder.accounts().setDisabled(false, name: name)
            print("enabled '\(name)'")
        }
    }

    struct ResetPassword: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "reset-password", abstract: "Set a new password; the account's sessions end.")
        @Argument var name: String
        @OptionGroup var password: PasswordOption
        @OptionGroup var folder: DataOption

        func run() async throws {
            let accounts = try folder.accounts()
            let user = try await accounts.user(named: name)
            try await accounts.resetPassword(name: user.name, to: try password.password(for: user.name))
            print("new password set for '\(user.name)'")
        }
    }
}
