/// What can go wrong building or running a network.
public enum NetworksError: Error, Equatable, CustomStringConvertible {
    /// A configuration value is outside what the architecture supports.
    case invalidConfiguration(String)
    /// The input does not fit the network (channels, rank or size).
    case incompatibleInput(String)

    public var description: String {
        switch self {
        case .invalidConfiguration(let reason): "invalid network configuration: \(reason)"
        case .incompatibleInput(let reason): "input does not fit the network: \(reason)"
        }
    }
}
