/// Why the server will not start. The command line prints the sentence.
public enum ServerStartupError: Error, CustomStringConvertible, Equatable, Sendable {
    /// A non-loopback address with no accounts: anyone on the network would own every project.
    case accountsRequired(host: String)
    /// The TLS certificate or key cannot be used.
    case tls(String)

    public var description: String {
        switch self {
        case .accountsRequired(let host):
            "serving \(host) (reachable from other machines) needs accounts, and this data folder has none: create "
                + "the first administrator with 'cellscribe users add NAME --admin --data DIR', or serve 127.0.0.1"
        case .tls(let reason): reason
        }
    }
}
