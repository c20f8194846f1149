import Foundation

/// Every rule and default of accounts, in one place: password policy, bcrypt's cost, session and token lifetimes,
/// and how failed sign-ins are slowed down. `cellscribe serve` and `cellscribe users` use the same policy.
public struct AccountPolicy: Sendable, Codable, Equatable {
    /// bcrypt's work factor (2^cost rounds; 12 takes about 0.2-0.3 s on one core of a 2020s CPU).
    public var bcryptCost: Int = 12
    /// Shortest accepted password, characters.
    public var minimumPasswordLength: Int = 10
    /// Longest accepted password, UTF-8 bytes: bcrypt reads at most 72, and a longer one would be silently cut.
    public var maximumPasswordBytes: Int = 72
    /// Longest user name, characters.
    public var maximumNameLength: Int = 64
    /// A session ends this long after sign-in whatever the activity, seconds (7 days).
    public var sessionLifetimeSeconds: Int = 7 * 86_400
    /// A session ends after this long without a request, seconds (12 hours).
    public var sessionIdleSeconds: Int = 12 * 3_600
    /// Longest lifetime of an API token, days (tokens may also never expire when asked so).
    public var maximumTokenDays: Int = 3_650
    /// API tokens one user may hold.
    public var maximumTokensPerUser: Int = 50
    /// Failed sign-ins for one name allowed before each further one waits (`firstLockoutSeconds`, doubling).
    public var freeFailuresPerName: Int = 5
    /// Failed sign-ins from one address allowed before each further one waits (a lab behind one router shares it).
    public var freeFailuresPerAddress: Int = 20
    /// The first wait once the free failures are used up, seconds (each further failure doubles it).
    public var firstLockoutSeconds: Int = 1
    /// Longest wait imposed after repeated failures, seconds.
    public var maximumLockoutSeconds: Int = 900
    /// Failures are forgotten after this long without another, seconds.
    public var failureMemorySeconds: Int = 900
    /// Password checks (bcrypt) running or waiting at once; more are answered busy.
    public var maximumConcurrentPasswordChecks: Int = 8

    public init() {}
}
