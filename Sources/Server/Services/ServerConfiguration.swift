import Accounts
import Foundation
import Storage

/// How `cellscribe serve` runs. Every default is here (the command line's options start from these).
public struct ServerConfiguration: Sendable {
    /// The data folder: the SQLite database `cellscribe.sqlite` and every stored file.
    public var dataFolder: URL
    public var host: String = "127.0.0.1"
    public var port: Int = 8000
    /// Largest accepted upload (images, scribbles, models), bytes.
    public var maxUploadBytes: Int = 1 << 30
    /// Free space kept on the data folder's disk: writes that would leave less are refused (507).
    public var reserveBytes: Int = BlobStore.defaultReserveBytes
    /// What the server accepts and how much work it takes on at once.
    public var limits = ServerLimits()
    /// Trainings that may run at the same time (on 2 cores, 1).
    public var concurrentTrainings: Int = 1
    /// A job interrupted by a restart is resumed at most this many times in all.
    public var maxJobAttempts: Int = 3
    /// Monte Carlo dropout passes for entropy maps.
    public var uncertaintyPasses: Int = 8
    /// Memory for cached predictions and decoded images, bytes.
    public var cacheBytes: Int = 1 << 30
    /// Who may use the server, from which host names, and over TLS or not.
    public var access = AccessConfiguration()
    /// Where `GET /metrics` reads from (bootstrap it once per process for request metrics).
    public var metrics = ServerMetrics()

    public init(dataFolder: URL) {
        self.dataFolder = dataFolder
    }
}

/// Access to the server: account rules, the host names it answers to, TLS.
public struct AccessConfiguration: Sendable {
    /// Password, session, token and sign-in throttling rules.
    public var accountPolicy = AccountPolicy()
    /// Host names (without port) that requests may address (`--allowed-host`). On a loopback address the loopback
    /// names (localhost, 127.x.x.x, ::1) are always allowed and nothing else unless listed here, which stops DNS
    /// rebinding; on other addresses an empty list allows any name (every request must authenticate there).
    public var allowedHosts: [String] = []
    /// PEM certificate chain and private key (`--tls-cert`, `--tls-key`); nil serves plain HTTP.
    public var tls: TLSFiles?

    public init() {}
}

/// A TLS certificate chain and its private key, PEM files.
public struct TLSFiles: Sendable {
    public var certificateChain: URL
    public var privateKey: URL

    public init(certificateChain: URL, privateKey: URL) {
        self.certificateChain = certificateChain
        self.privateKey = privateKey
    }
}
