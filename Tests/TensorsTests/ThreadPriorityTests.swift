import Foundation
import Synchronization
import Testing

@testable import Tensors

@Suite struct ThreadPriorityTests {
    @Test("a lowered thread's OpenMP team runs at its priority; other threads keep theirs")
    func theOpenMPTeamOfALoweredThreadInheritsItsPriority() async throws {
        #if os(Linux)
            let seen = Mutex<Set<Int32>>([])
            let lowered = await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
                let thread = Thread {
                    let done = ThreadPriority.lowerCurrentThread(to: 7)
                    // A fresh thread's first parallel region starts its own team, whose threads are its children.
                    StorageKernels.forEachChunk(1 << 20, minimumChunk: 1 << 10, threads: 2) { _ in
                        let niceness = ThreadPriority.currentNiceness
                        seen.withLock { _ = $0.insert(niceness) }
                    }
                    continuation.resume(returning: done)
                }
                thread.start()
            }
            #expect(lowered)
            #expect(seen.withLock { $0 } == [7])
            #expect(ThreadPriority.currentNiceness == 0)
        #endif
    }
}
