import Accounts
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Storage
import Synchronization
import Testing

@testable import Server

/// A signed-in browser session as a test holds it: the cookie to send and the CSRF token.
struct SignedIn {
    var cookie: String
    var csrfToken: String

    var headers: HTTPFields { [.cookie: cookie] }
    var unsafeHeaders: HTTPFields { [.cookie: cookie, AccessGate.csrfHeader: csrfToken] }
}

extension TestClientProtocol {
    func signIn(_ name: String, password: String = TestServer.password) async throws -> SignedIn {
        let response = try await json("/api/login", .post, body: #"{"name": "\#(name)", "password": "\#(password)"}"#)
        #expect(response.status == .ok, "\(response.text)")
        let setCookie = try #require(response.headers[.setCookie])
        let cookie = try #require(setCookie.split(separator: ";").first.map(String.init))
        let session = try response.decoded(SessionDTO.self)
        return SignedIn(cookie: cookie, csrfToken: try #require(session.csrfToken))
    }

    func token(for session: SignedIn, name: String = "script") async throws -> String {
        let response = try await json(
            "/api/tokens", .post, body: #"{"name": "\#(name)"}"#, headers: session.unsafeHeaders)
        #expect(response.status == .created, "\(response.text)")
        return try #require(try response.decoded(TokenDTO.self).token)
    }
}

extension HTTPFields {
    static func bearer(_ token: String) -> HTTPFields { [.authorization: "Bearer \(token)"] }
}

@Suite struct AccessTests {
    /// A server with an administrator (ada) and a user (bob).
    static func accountsServer() async throws -> TestServer {
        let server = try TestServer()
        try await server.addUser("ada", admin: true)
        try await server.addUser("bob")
        return server
    }

    /// Every route of the router, with placeholders for its parameters.
    static func routes(of server: TestServer) throws -> [(method: HTTPRequest.Method, path: String)] {
        let services = try ServerServices(
            configuration: server.configuration, store: server.store, logger: Logger(label: "test"))
        return CellScribeServer.router(services: services).routes.map { route in
            let path = route.path.description.split(separator: "/").map { segment in
                segment.hasPrefix("{") ? "0123456789abcdef" : String(segment)
            }
            return (route.method, "/" + path.joined(separator: "/"))
        }
    }

    @Test func everyRouteButThePublicOnesAnswers401WithoutCredentials() async throws {
        let server = try await Self.accountsServer()
        defer { server.removeFiles() }
        let routes = try Self.routes(of: server)
        #expect(routes.count > 40)
        try await server.run { client in
            var checked = 0
            for route in routes {
                let isPublic =
                    AccessGate.publicRoutes.contains("\(route.method) \(route.path)")
                    || (route.method == .get && !route.path.hasPrefix("/api/") && route.path != "/metrics"
                        && route.path != "/openapi.json")
                let response = try await client.json(route.path, route.method, body: route.method == .get ? nil : "{}")
                if isPublic {
                    #expect(response.status != .unauthorized, "\(route.method) \(route.path) is public")
                    continue
                }
                checked += 1
                #expect(response.status == .unauthorized, "\(route.method) \(route.path): \(response.status)")
                #expect(response.headers[.wwwAuthenticate] == "Bearer realm=\"CellScribe\"")
                #expect(response.errorMessage.contains("sign in"), "\(response.text)")
                // Junk credentials change nothing.
                for headers: HTTPFields in [
                    .bearer("csk_" + String(repeating: "A", count: 43)), [.authorization: "Basic YWRhOmFkYQ=="],
                    [.cookie: "cellscribe_session=forged"],
                ] {
                    let forged = try await client.json(route.path, route.method, headers: headers)
                    #expect(forged.status == .unauthorized, "\(route.method) \(route.path) with \(headers)")
                }
            }
            #expect(checked > 35)
        }
    }

    @Test func sessionsNeedTheirCSRFTokenToChangeAnythingAndCookiesAreLockedDown() async throws {
        let server = try await Self.accountsServer()
        defer { server.removeFiles() }
        try await server.run { client in
            let login = try await client.json(
                "/api/login", .post, body: #"{"name": "Ada", "password": "\#(TestServer.password)"}"#)
            let setCookie = try #require(login.headers[.setCookie])
            for attribute in ["HttpOnly", "SameSite=Strict", "Path=/", "Max-Age=604800"] {
                #expect(setCookie.contains(attribute), "\(setCookie)")
            }
            #expect(!setCookie.contains("Secure"))  // plain HTTP here; TLS adds Secure and the __Host- prefix
            let ada = try await client.signIn("ada")
            #expect(try await client.json("/api/projects", headers: ada.headers).status == .ok)
            let create = #"{"name": "p", "channels": ["nuclei"]}"#
            let withoutToken = try await client.json("/api/projects", .post, body: create, headers: ada.headers)
            #expect(withoutToken.status == .forbidden && withoutToken.errorMessage.contains("CSRF"))
            var wrong = ada.unsafeHeaders
            wrong[AccessGate.csrfHeader] = String(ada.csrfToken.reversed())
            #expect(try await client.json("/api/projects", .post, body: create, headers: wrong).status == .forbidden)
            #expect(
                try await client.json("/api/projects", .post, body: create, headers: ada.unsafeHeaders).status
                    == .created)
            // Signing out ends the session.
            #expect(try await client.json("/api/logout", .post, headers: ada.unsafeHeaders).status == .noContent)
            #expect(try await client.json("/api/projects", headers: ada.headers).status == .unauthorized)
        }
    }

    @Test func tokensNeedNoCSRFTokenAndStopWorkingWhenRevoked() async throws {
        let server = try await Self.accountsServer()
        defer { server.removeFiles() }
        try await server.run { client in
            let bob = try await client.signIn("bob")
            let token = try await client.token(for: bob)
            let listed = try await client.json("/api/tokens", headers: bob.headers)
            #expect(!listed.text.contains(token) && listed.text.contains(String(token.prefix(10))))
            let created = try await client.json(
                "/api/projects", .post, body: #"{"name": "p", "channels": ["nuclei"]}"#, headers: .bearer(token))
            #expect(created.status == .created, "\(created.text)")
            let id = try #require(try listed.decoded([TokenDTO].self).first?.id)
            // Another user cannot revoke it; its owner can.
            let ada = try await client.signIn("ada")
            #expect(try await client.json("/api/tokens/\(id)", .delete, headers: ada.unsafeHeaders).status == .notFound)
            #expect(
                try await client.json("/api/tokens/\(id)", .delete, headers: bob.unsafeHeaders).status == .noContent)
            #expect(try await client.json("/api/projects", headers: .bearer(token)).status == .unauthorized)
        }
    }

    @Test func accountsAndMetricsAreForAdministrators() async throws {
        let server = try await Self.accountsServer()
        defer { server.removeFiles() }
        try await server.run { client in
            let bob = try await client.token(for: try await client.signIn("bob"))
            let ada = try await client.token(for: try await client.signIn("ada"))
            for path in ["/metrics", "/api/users"] {
                #expect(try await client.json(path, headers: .bearer(bob)).status == .forbidden)
                #expect(try await client.json(path, headers: .bearer(ada)).status == .ok)
            }
            let carol = #"{"name": "carol", "password": "another long one"}"#
            #expect(try await client.json("/api/users", .post, body: carol, headers: .bearer(bob)).status == .forbidden)
            #expect(try await client.json("/api/users", .post, body: carol, headers: .bearer(ada)).status == .created)
            #expect(try await client.json("/api/users", .post, body: carol, headers: .bearer(ada)).status == .conflict)
            let disabled = try await client.json("/api/users/bob/disable", .post, headers: .bearer(ada))
            #expect(try disabled.decoded(UserDTO.self).disabled)
            #expect(try await client.json("/api/projects", headers: .bearer(bob)).status == .unauthorized)
            _ = try await client.json("/api/users/bob/enable", .post, headers: .bearer(ada))
            #expect(try await client.json("/api/projects", headers: .bearer(bob)).status == .ok)
            let users = try await client.json("/api/users", headers: .bearer(ada))
            #expect(!users.text.contains("passwordHash") && !users.text.contains("$2b$"))
        }
    }

    @Test func otherSitesAndOtherHostNamesAreRefusedEvenInSingleUserMode() async throws {
        let server = try TestServer()
        defer { server.removeFiles() }
        try await server.run { client in
            let create = #"{"name": "p", "channels": ["nuclei"]}"#
            let crossOrigin = try await client.json(
                "/api/projects", .post, body: create, headers: [.origin: "http://evil.example"])
            #expect(crossOrigin.status == .forbidden && crossOrigin.errorMessage.contains("other web sites"))
            for origin in ["null", "http://localhost:9999", "https://localhost", "http://localhost.evil.example"] {
                let refused = try await client.json("/api/projects", .post, body: create, headers: [.origin: origin])
                #expect(refused.status == .forbidden, "\(origin)")
            }
            let sameOrigin = try await client.json(
                "/api/projects", .post, body: create, headers: [.origin: "http://localhost"])
            #expect(sameOrigin.status == .created, "\(sameOrigin.text)")
            // DNS rebinding: a page under another name that resolves to 127.0.0.1.
            let host = RequestOriginMiddleware.host
            let rebound = try await client.json("/api/projects", headers: [host: "evil.example:8000"])
            #expect(rebound.status == .misdirectedRequest && rebound.errorMessage.contains("evil.example"))
            #expect(try await client.json("/api/projects", headers: [host: "127.0.0.1:8000"]).status == .ok)
            #expect(try await client.json("/api/projects", headers: [host: "[::1]:8000"]).status == .ok)
            // Fetches made by another site's page are refused; following a link to the page is not.
            let site = RequestOriginMiddleware.fetchSite
            let mode = RequestOriginMiddleware.fetchMode
            #expect(try await client.json("/api/projects", headers: [site: "cross-site"]).status == .forbidden)
            #expect(try await client.json("/api/projects", headers: [site: "same-site"]).status == .forbidden)
            #expect(try await client.json("/api/projects", headers: [site: "same-origin"]).status == .ok)
            #expect(try await client.json("/", headers: [site: "cross-site", mode: "navigate"]).status == .ok)
            let formPost = try await client.json(
                "/api/projects", .post, body: create, headers: [site: "cross-site", mode: "navigate"])
            #expect(formPost.status == .forbidden)
        }
    }

    @Test func jsonBodiesNeedAJSONContentType() async throws {
        let server = try TestServer()
        defer { server.removeFiles() }
        try await server.run { client in
            let create = #"{"name": "p", "channels": ["nuclei"]}"#
            for type in ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"] {
                let response = try await client.json(
                    "/api/projects", .post, body: create, headers: [.contentType: type])
                #expect(response.status == .unsupportedMediaType && response.errorMessage.contains("application/json"))
            }
            let bare = try await client.execute(
                uri: "/api/projects", method: .post, headers: [:], body: ByteBuffer(string: create))
            #expect(bare.status == .unsupportedMediaType)
            for type in ["application/json; charset=utf-8", "application/merge-patch+json"] {
                let response = try await client.json(
                    "/api/projects", .post, body: create, headers: [.contentType: type])
                #expect(response.status == .created, "\(type)")
            }
        }
    }

    @Test func singleUserModeNeedsNoSignInAndHasNoAccountsToUse() async throws {
        let server = try TestServer()
        defer { server.removeFiles() }
        try await server.run { client in
            let session = try await client.json("/api/session").decoded(SessionDTO.self)
            #expect(session.mode == "single-user" && session.signedIn && session.user?.isAdmin == true)
            #expect(session.csrfToken == nil)
            let login = try await client.json("/api/login", .post, body: #"{"name": "a", "password": "b"}"#)
            #expect(login.status == .conflict && login.errorMessage.contains("single-user"))
            #expect(try await client.json("/api/tokens").status == .conflict)
            #expect(try await client.json("/api/users").status == .conflict)
            #expect(try await client.json("/metrics").status == .ok)
        }
    }

    @Test func theFirstAccountEndsSingleUserModeAtOnce() async throws {
        let server = try TestServer()
        defer { server.removeFiles() }
        try await server.run { client in
            #expect(try await client.json("/api/projects").status == .ok)
            try await server.addUser("ada", admin: true)
            #expect(try await client.json("/api/projects").status == .unauthorized)
            let session = try await client.json("/api/session").decoded(SessionDTO.self)
            #expect(session.mode == "accounts" && !session.signedIn)
        }
    }

    @Test func failedSignInsAreThrottledAndNoAnswerEchoesAPassword() async throws {
        var server = try await Self.accountsServer()
        server.configuration.access.accountPolicy.freeFailuresPerName = 3
        // Long enough that a loaded machine cannot outlast it between two requests.
        server.configuration.access.accountPolicy.firstLockoutSeconds = 60
        defer { server.removeFiles() }
        try await server.run { client in
            for attempt in 0..<3 {
                let wrong = try await client.json(
                    "/api/login", .post, body: #"{"name": "ada", "password": "guess number \#(attempt)"}"#)
                #expect(wrong.status == .unauthorized && wrong.errorMessage == "wrong user name or password")
                #expect(!wrong.text.contains("guess number"))
            }
            let locked = try await client.json(
                "/api/login", .post, body: #"{"name": "ada", "password": "\#(TestServer.password)"}"#)
            #expect(locked.status == .tooManyRequests)
            #expect((50...60).contains(Int(locked.headers[.retryAfter] ?? "") ?? 0), "\(locked.headers)")
            let unknown = try await client.json("/api/login", .post, body: #"{"name": "nobody", "password": "x"}"#)
            #expect(unknown.status == .unauthorized && unknown.errorMessage == "wrong user name or password")
            let other = try await client.signIn("bob")
            #expect(!other.cookie.isEmpty)
        }
    }

    @Test func noLogLineHoldsAPasswordATokenOrASessionSecret() async throws {
        let lines = RecordedLog()
        var server = try await Self.accountsServer()
        server.logger = Logger(label: "recorded") { _ in lines }
        server.logger.logLevel = .trace
        defer { server.removeFiles() }
        try await server.run { client in
            _ = try await client.json("/api/login", .post, body: #"{"name": "ada", "password": "a wrong password"}"#)
            let ada = try await client.signIn("ada")
            let token = try await client.token(for: ada)
            _ = try await client.json("/api/projects", headers: .bearer(token))
            let reset = #"{"password": "a brand new password"}"#
            _ = try await client.json("/api/users/bob/password", .put, body: reset, headers: .bearer(token))
            let change = #"{"currentPassword": "\#(TestServer.password)", "newPassword": "another new password"}"#
            _ = try await client.json("/api/password", .post, body: change, headers: ada.unsafeHeaders)
            let secrets = [
                TestServer.password, "a wrong password", "a brand new password", "another new password", token,
                ada.csrfToken, String(ada.cookie.split(separator: "=")[1]),
            ]
            let log = lines.all
            #expect(log.contains { $0.contains("signed in") } && log.count > 5)
            for line in log {
                for secret in secrets { #expect(!line.contains(secret), "\(line)") }
            }
        }
    }

    @Test func aNonLoopbackAddressNeedsAccounts() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cellscribe-open-\(UUID())")
        defer { try? FileManager.default.removeItem(at: folder) }
        var configuration = ServerConfiguration(dataFolder: folder)
        configuration.host = "0.0.0.0"
        configuration.access.accountPolicy.bcryptCost = 4
        await #expect(throws: ServerStartupError.accountsRequired(host: "0.0.0.0")) {
            _ = try await CellScribeServer.application(configuration: configuration)
        }
        let store = try SQLiteStore(url: folder.appendingPathComponent("cellscribe.sqlite"))
        try await AccountService(store: store, policy: configuration.access.accountPolicy)
            .addUser(name: "ada", password: TestServer.password, isAdmin: true)
        _ = try await CellScribeServer.application(configuration: configuration)
    }
}

/// A log handler that keeps every line (message and metadata) for a test to read.
final class RecordedLog: LogHandler, Sendable {
    private let lines = Mutex<[String]>([])
    var all: [String] { lines.withLock { $0 } }

    var metadata: Logger.Metadata {
        get { [:] }
        set {}
    }
    var logLevel: Logger.Level {
        get { .trace }
        set {}
    }
    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { nil }
        set {}
    }

    func log(event: LogEvent) {
        let line = "\(event.level) \(event.message) \(event.metadata ?? [:])"
        lines.withLock { $0.append(line) }
    }
}
