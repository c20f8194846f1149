import Foundation
import HummingbirdBcrypt
import Synchronization

/// bcrypt hashing and checking, off the caller's thread and bounded: at most
/// `AccountPolicy.maximumConcurrentPasswordChecks` run or wait at once (each costs about a quarter of a second of
/// one core), so a flood of sign-ins cannot take every core.
public final class PasswordHasher: Sendable {
    public let cost: Int
    private let maximumInFlight: Int
    private let inFlight = Mutex(0)
    private let queue = DispatchQueue(label: "cellscribe.passwords", attributes: .concurrent)
    /// Checked when a name has no account, so that an unknown name costs as much time as a wrong password.
    private let decoy: String

    public init(policy: AccountPolicy) {
        cost = policy.bcryptCost
        maximumInFlight = max(1, policy.maximumConcurrentPasswordChecks)
        decoy = Bcrypt.hash(Secrets.make(), cost: UInt8(clamping: policy.bcryptCost))
    }

    /// The bcrypt hash (`$2b$…`, salted) of `password`.
    public func hash(_ password: String) async throws -> String {
        let cost = UInt8(clamping: cost)
        return try await run { Bcrypt.hash(password, cost: cost) }
    }

    /// Whether `password` matches `hash`; with no hash, checks a decoy and answers false.
    public func verify(_ password: String, hash: String?) async throws -> Bool {
        let decoy = decoy
        return try await run {
            let matches = Bcrypt.verify(password, hash: hash ?? decoy)
            return hash != nil && matches
        }
    }

    private func run<T: Sendable>(_ work: @escaping @Sendable () -> T) async throws -> T {
        let admitted = inFlight.withLock { count in
            guard count < maximumInFlight else { return false }
            count += 1
            return true
        }
        guard admitted else { throw AccountError.busy(retryAfterSeconds: 1) }
        defer { inFlight.withLock { $0 -= 1 } }
        return await withCheckedContinuation { continuation in
            queue.async { continuation.resume(returning: work()) }
        }
    }
}
