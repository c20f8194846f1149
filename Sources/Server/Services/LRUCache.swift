import Foundation
import Synchronization

/// A thread-safe least-recently-used cache bounded by the total cost (bytes) of its values.
final class LRUCache<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private struct State {
        var values: [Key: (value: Value, cost: Int, tick: UInt64)] = [:]
        var totalCost = 0
        var tick: UInt64 = 0
    }

    private let state = Mutex(State())
    let capacity: Int

    /// - Parameter capacity: the most total cost kept; a single value costing more is not cached.
    init(capacity: Int) {
        self.capacity = capacity
    }

    /// The total cost of the values kept now.
    var totalCost: Int { state.withLock { $0.totalCost } }

    /// The number of values kept now.
    var count: Int { state.withLock { $0.values.count } }

    subscript(key: Key) -> Value? {
        state.withLock { state in
            guard var entry = state.values[key] else { return nil }
            state.tick += 1
            entry.tick = state.tick
            state.values[key] = entry
            return entry.value
        }
    }

    func insert(_ value: Value, for key: Key, cost: Int) {
        guard cost <= capacity else { return }
        state.withLock { state in
            if let old = state.values.removeValue(forKey: key) { state.totalCost -= old.cost }
            state.tick += 1
            state.values[key] = (value, cost, state.tick)
            state.totalCost += cost
            while state.totalCost > capacity, let oldest = state.values.min(by: { $0.value.tick < $1.value.tick }) {
                state.values.removeValue(forKey: oldest.key)
                state.totalCost -= oldest.value.cost
            }
        }
    }

    /// Drops every entry whose key matches `predicate`.
    func removeAll(where predicate: (Key) -> Bool) {
        state.withLock { state in
            for key in state.values.keys where predicate(key) {
                state.totalCost -= state.values.removeValue(forKey: key)!.cost
            }
        }
    }
}
