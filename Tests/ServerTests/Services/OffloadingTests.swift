import Foundation
import Synchronization
import Testing

@testable import Server

@Suite struct OffloadingTests {
    @Test(
        "work waiting on the disk does not hold up other work: the pool has threads to spare",
        .timeLimit(.minutes(1)))
    func blockedThreadsLeaveOthersFree() async throws {
        let pool = BlockingWorkPool(threads: 4)
        let release = DispatchSemaphore(value: 0)
        for _ in 0..<3 { pool.submit { release.wait() } }  // three threads stuck, as behind a slow fsync
        let ran = await withCheckedContinuation { continuation in
            pool.submit { continuation.resume(returning: true) }
        }
        #expect(ran)
        for _ in 0..<3 { release.signal() }
    }

    @Test("what a closure captured is released once it has run (a mapped upload frees its disk space)")
    func capturesAreReleasedAfterTheRun() async throws {
        final class Capture: Sendable {}
        let pool = BlockingWorkPool(threads: 1)
        weak var released: Capture?
        do {
            let capture = Capture()
            released = capture
            await withCheckedContinuation { continuation in
                pool.submit {
                    _ = capture
                    continuation.resume()
                }
            }
        }
        // The pool thread drops the closure right after running it.
        for _ in 0..<100 where released != nil { try await Task.sleep(for: .milliseconds(10)) }
        #expect(released == nil)
    }

    @Test("closures run in the order they were submitted, each exactly once", .timeLimit(.minutes(1)))
    func submittedWorkRunsOnceInOrder() async throws {
        let pool = BlockingWorkPool(threads: 1)
        let order = Mutex<[Int]>([])
        await withCheckedContinuation { continuation in
            for index in 0..<200 {
                pool.submit {
                    order.withLock { $0.append(index) }
                    if index == 199 { continuation.resume() }
                }
            }
        }
        #expect(order.withLock { $0 } == Array(0..<200))
        #expect(try await offloaded { 6 * 7 } == 42)
    }
}
