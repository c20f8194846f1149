import Foundation

/// Which host names requests may address. A server on a loopback address answers only to loopback names (and
/// those listed), so a web page whose name an attacker re-points at 127.0.0.1 (DNS rebinding) gets nothing; a
/// server on another address answers to the listed names, or to any when none are listed.
struct HostPolicy: Sendable {
    /// Whether the server listens on a loopback address only.
    let loopback: Bool
    /// Allowed names, lowercased, without port or brackets.
    let allowed: Set<String>

    init(boundHost: String, allowedHosts: [String]) {
        loopback = Self.isLoopback(boundHost)
        var names = Set(allowedHosts.map { Self.name(ofAuthority: $0) })
        if !loopback, !names.isEmpty { names.insert(Self.name(ofAuthority: boundHost)) }
        allowed = names
    }

    /// Whether a request whose `Host` is `authority` (name[:port]) is for this server.
    func allows(authority: String) -> Bool {
        let name = Self.name(ofAuthority: authority)
        if allowed.contains(name) { return true }
        if loopback { return Self.isLoopback(name) }
        return allowed.isEmpty
    }

    /// Whether `host` (a name or address, possibly bracketed) is a loopback one: localhost, 127.0.0.0/8, ::1.
    static func isLoopback(_ host: String) -> Bool {
        let name = name(ofAuthority: host)
        if name == "localhost" || name == "::1" || name == "0:0:0:0:0:0:0:1" { return true }
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts[0] == "127" && parts.allSatisfy { UInt8($0) != nil }
    }

    /// The host name of `authority` ("Name:8000" → "name", "[::1]:8000" → "::1"), lowercased, without a trailing dot.
    static func name(ofAuthority authority: String) -> String {
        var text = Substring(authority.lowercased())
        if text.hasPrefix("[") {
            text = text.dropFirst().prefix { $0 != "]" }
        } else if text.filter({ $0 == ":" }).count == 1, let colon = text.firstIndex(of: ":") {
            text = text[..<colon]
        }
        while text.hasSuffix(".") { text = text.dropLast() }
        return String(text)
    }
}
