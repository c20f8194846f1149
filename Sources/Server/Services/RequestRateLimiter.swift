import Foundation
import Synchronization

/// Per-client token buckets: each client may send `perMinute` requests a minute on average, in bursts of up to
/// `burst`. Buckets of clients that went quiet are dropped, so memory stays bounded by the active clients.
final class RequestRateLimiter: Sendable {
    private struct Bucket {
        var tokens: Double
        var updated: ContinuousClock.Instant
    }

    let perMinute: Int
    let burst: Int
    /// Clients tracked at most; beyond it the quietest are forgotten first.
    let maxClients: Int
    private let buckets = Mutex<[String: Bucket]>([:])

    init(perMinute: Int, burst: Int, maxClients: Int = 10_000) {
        self.perMinute = perMinute
        self.burst = max(1, burst)
        self.maxClients = maxClients
    }

    /// Takes one request from `client`'s bucket: nil when allowed, else the seconds until the next one is.
    func admit(_ client: String, now: ContinuousClock.Instant = .now) -> Int? {
        guard perMinute > 0 else { return nil }
        let rate = Double(perMinute) / 60
        return buckets.withLock { buckets in
            var bucket = buckets[client] ?? Bucket(tokens: Double(burst), updated: now)
            let elapsed =
                Double((now - bucket.updated).components.seconds)
                + Double((now - bucket.updated).components.attoseconds) * 1e-18
            bucket.tokens = min(Double(burst), bucket.tokens + max(0, elapsed) * rate)
            bucket.updated = now
            defer {
                buckets[client] = bucket
                if buckets.count > maxClients { Self.forgetQuietest(&buckets, keeping: maxClients / 2) }
            }
            guard bucket.tokens >= 1 else { return max(1, Int(((1 - bucket.tokens) / rate).rounded(.up))) }
            bucket.tokens -= 1
            return nil
        }
    }

    private static func forgetQuietest(_ buckets: inout [String: Bucket], keeping count: Int) {
        let kept = buckets.sorted { $0.value.updated > $1.value.updated }.prefix(count)
        buckets = Dictionary(uniqueKeysWithValues: kept.map { ($0.key, $0.value) })
    }
}
