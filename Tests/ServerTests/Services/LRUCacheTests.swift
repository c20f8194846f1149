import Testing

@testable import Server

@Suite struct LRUCacheTests {
    @Test func theLeastRecentlyUsedEntriesGoFirstWhenTheCostIsExceeded() {
        let cache = LRUCache<String, Int>(capacity: 10)
        cache.insert(1, for: "a", cost: 4)
        cache.insert(2, for: "b", cost: 4)
        #expect(cache["a"] == 1)  // "a" is now more recent than "b"
        cache.insert(3, for: "c", cost: 4)
        #expect(cache["b"] == nil)
        #expect(cache["a"] == 1 && cache["c"] == 3)
    }

    @Test func aValueCostingMoreThanTheCapacityIsNotCached() {
        let cache = LRUCache<String, Int>(capacity: 10)
        cache.insert(1, for: "a", cost: 5)
        cache.insert(2, for: "huge", cost: 11)
        #expect(cache["huge"] == nil && cache["a"] == 1)
    }

    @Test func replacingAKeyCountsOnlyTheNewCost() {
        let cache = LRUCache<String, Int>(capacity: 10)
        cache.insert(1, for: "a", cost: 8)
        cache.insert(2, for: "a", cost: 8)
        cache.insert(3, for: "b", cost: 2)
        #expect(cache["a"] == 2 && cache["b"] == 3)
    }

    @Test func entriesCanBeRemovedByKey() {
        let cache = LRUCache<String, Int>(capacity: 100)
        for (key, value) in [("img1@m1", 1), ("img1@m2", 2), ("img2@m1", 3)] { cache.insert(value, for: key, cost: 1) }
        cache.removeAll { $0.hasPrefix("img1@") }
        #expect(cache["img1@m1"] == nil && cache["img1@m2"] == nil && cache["img2@m1"] == 3)
        // The removed entries' cost is given back.
        cache.insert(4, for: "big", cost: 99)
        #expect(cache["big"] == 4)
    }

    @Test func concurrentUseKeepsTheCostWithinTheCapacity() async {
        let cache = LRUCache<Int, Int>(capacity: 50)
        await withTaskGroup(of: Void.self) { group in
            for worker in 0..<8 {
                group.addTask {
                    for i in 0..<500 {
                        cache.insert(i, for: worker * 1000 + i, cost: 1 + i % 5)
                        _ = cache[worker * 1000 + i / 2]
                    }
                }
            }
        }
        #expect(cache.totalCost <= 50)
    }
}
