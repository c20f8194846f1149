import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Passwords for `cellscribe users`: from a file's first line, from the terminal without echo (asked twice), or
/// from standard input's first line when it is not a terminal (scripts). Never from an argument, which other
/// users of the machine could read in the process list.
enum PasswordInput {
    static func fromFile(_ path: String) throws -> String {
        let url = URL(fileURLWithPath: path)
        let attributes = try? FileManager.default.attributesOfItem(atPath: url.path)
        if let size = attributes?[.size] as? Int, size > 4_096 {
            throw CommandLineError(
                description: "--password-file \(path) is \(size) bytes; a password file holds one line")
        }
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw CommandLineError(description: "--password-file \(path) cannot be read")
        }
        if let permissions = attributes?[.posixPermissions] as? Int, permissions & 0o077 != 0 {
            FileHandle.standardError.write(
                Data("warning: \(path) is readable by other users; chmod 600 it\n".utf8))
        }
        return try firstLine(of: data, source: "--password-file \(path)")
    }

    static func prompted(for name: String) throws -> String {
        guard isatty(STDIN_FILENO) == 1 else {
            return try firstLine(of: FileHandle.standardInput.readData(ofLength: 4_096), source: "standard input")
        }
        let first = try readHidden(prompt: "Password for \(name): ")
        let second = try readHidden(prompt: "Again: ")
        guard first == second else { throw CommandLineError(description: "the two passwords differ") }
        return first
    }

    static func firstLine(of data: Data, source: String) throws -> String {
        let text = String(decoding: data, as: UTF8.self)
        // Any line ending ("\r\n" is one Character in Swift, so split on newlines, not on "\n").
        let password = String(text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).first ?? "")
        guard !password.isEmpty else { throw CommandLineError(description: "\(source) holds no password") }
        return password
    }

    /// A line from the terminal with echo off (restored whatever happens).
    private static func readHidden(prompt: String) throws -> String {
        FileHandle.standardError.write(Data(prompt.utf8))
        var original = termios()
        guard tcgetattr(STDIN_FILENO, &original) == 0 else {
            throw CommandLineError(description: "the terminal's settings cannot be read to hide the password")
        }
        var hidden = original
        hidden.c_lflag &= ~tcflag_t(ECHO)
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &hidden)
        defer {
            tcsetattr(STDIN_FILENO, TCSAFLUSH, &original)
            FileHandle.standardError.write(Data("\n".utf8))
        }
        guard let line = readLine(strippingNewline: true) else {
            throw CommandLineError(description: "no password was typed")
        }
        return line
    }
}
