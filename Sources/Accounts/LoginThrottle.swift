import Foundation
import Storage
import Synchronization

/// Slows down password guessing: after a few failures for one name (or from one address), each further attempt
/// must wait, 1 s doubling up to `AccountPolicy.maximumLockoutSeconds`. Memory is bounded: at most `maximumKeys`
/// names and addresses are remembered, the stalest dropped first. Kept in memory: a restart forgets it.
final class LoginThrottle: Sendable {
    private struct Record {
        var failures: Int
        var lastFailure: Date
        var lockedUntil: Date
    }

    private let policy: AccountPolicy
    private let maximumKeys: Int
    private let records = Mutex<[String: Record]>([:])

    init(policy: AccountPolicy, maximumKeys: Int = 20_000) {
        self.policy = policy
        self.maximumKeys = maximumKeys
    }

    /// Seconds to wait before `name` may be tried from `address`, or nil when it may now.
    func wait(name: String, address: String?, now: Date = Date()) -> Int? {
        let keys = Self.keys(name: name, address: address)
        let until = records.withLock { records in
            keys.compactMap { records[$0.key]?.lockedUntil }.max()
        }
        guard let until, until > now else { return nil }
        return max(1, Int(until.timeIntervalSince(now).rounded(.up)))
    }

    func recordFailure(name: String, address: String?, now: Date = Date()) {
        let memory = TimeInterval(policy.failureMemorySeconds)
        records.withLock { records in
            for (key, isName) in Self.keys(name: name, address: address) {
                var record = records[key] ?? Record(failures: 0, lastFailure: now, lockedUntil: .distantPast)
                if now.timeIntervalSince(record.lastFailure) > memory { record.failures = 0 }
                record.failures += 1
                record.lastFailure = now
                let free = isName ? policy.freeFailuresPerName : policy.freeFailuresPerAddress
                if record.failures >= free {
                    let doublings = min(record.failures - free, 20)
                    let seconds = min(policy.maximumLockoutSeconds, max(1, policy.firstLockoutSeconds) << doublings)
                    record.lockedUntil = now.addingTimeInterval(TimeInterval(seconds))
                }
                records[key] = record
            }
            if records.count > maximumKeys { Self.prune(&records, now: now, memory: memory, keep: maximumKeys / 2) }
        }
    }

    /// A successful sign-in clears the name's failures (not the address's).
    func recordSuccess(name: String) {
        _ = records.withLock { $0.removeValue(forKey: "name:" + UserRecord.key(of: name)) }
    }

    private static func keys(name: String, address: String?) -> [(key: String, isName: Bool)] {
        var keys = [("name:" + UserRecord.key(of: name), true)]
        if let address { keys.append(("address:" + address, false)) }
        return keys
    }

    private static func prune(_ records: inout [String: Record], now: Date, memory: TimeInterval, keep: Int) {
        records = records.filter { now.timeIntervalSince($0.value.lastFailure) <= memory || $0.value.lockedUntil > now }
        if records.count > keep {
            let newest = records.sorted { $0.value.lastFailure > $1.value.lastFailure }.prefix(keep)
            records = Dictionary(uniqueKeysWithValues: newest.map { ($0.key, $0.value) })
        }
    }
}
