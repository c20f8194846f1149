import Synchronization
import Testing

@testable import Tensors

@Suite("Storage kernels")
struct StorageKernelTests {
    /// Counts how often each index of `0..<count` is visited.
    private final class VisitCounter: @unchecked Sendable {
        private let counts: Mutex<[Int]>
        init(_ count: Int) { counts = Mutex([Int](repeating: 0, count: count)) }
        func visit(_ range: Range<Int>) { counts.withLock { for index in range { $0[index] += 1 } } }
        /// Indices visited other than exactly once.
        var wrongCount: Int { counts.withLock { $0.count { $0 != 1 } } }
    }

    @Test("every index is visited once, for any team size asked", arguments: [1, 2, 3, 7, 16])
    func coversEveryIndexOnce(threads: Int) {
        let count = 1000
        let counter = VisitCounter(count)
        StorageKernels.forEachChunk(count, minimumChunk: 10, threads: threads) { counter.visit($0) }
        #expect(counter.wrongCount == 0)
    }

    @Test("a region nested in another (where OpenMP grants one thread) still covers every index")
    func nestedRegionCoversEveryIndex() {
        let outer = 4, count = 500
        let counters = (0..<outer).map { _ in VisitCounter(count) }
        StorageKernels.forEachChunk(outer, minimumChunk: 1, threads: outer) { range in
            for index in range {
                StorageKernels.forEachChunk(count, minimumChunk: 10, threads: 4) { counters[index].visit($0) }
            }
        }
        for counter in counters { #expect(counter.wrongCount == 0) }
    }
}

@Suite("Storage pool")
struct StoragePoolTests {
    @Test("a released block serves the same size, or a smaller request down to half its size")
    func reusesExactThenNearFit() {
        let pool = StoragePool(capacityBytes: 1 << 20)
        defer { pool.drain() }
        let (first, firstSize) = pool.take(byteCount: 1000)
        #expect(firstSize == 1000)
        pool.give(first, byteCount: firstSize)
        let (again, againSize) = pool.take(byteCount: 1000)
        #expect(again == first && againSize == 1000)
        pool.give(again, byteCount: againSize)

        let (smaller, smallerSize) = pool.take(byteCount: 600)
        #expect(smaller == first && smallerSize == 1000)
        pool.give(smaller, byteCount: smallerSize)

        let (tooSmall, tooSmallSize) = pool.take(byteCount: 400)
        #expect(tooSmall != first && tooSmallSize == 400)
        pool.give(tooSmall, byteCount: tooSmallSize)
    }
}
