import Foundation
import Synchronization
import Testing

@testable import Tensors

@Suite struct ThreadPriorityTests {
    @Test("a lowered thread's OpenMP team runs at its priority; other threads keep theirs")
    func theOpenMPTeamOfALoweredThreadInheritsItsPriority() async throws {
        #if os(Linux)
            let before = ThreadPriority.currentNiceness
            let seen = Mutex<[UInt: Int32]>([:])  // thread → niceness
            // The lowered thread only sets a flag: resuming a task from it could start a pool thread at its priority.
            let lowered = Mutex<Bool?>(nil)
            let thread = Thread {
                let done = ThreadPriority.lowerCurrentThread(to: 7)
                // A fresh thread's first parallel region starts its own team, whose threads are its children.
                StorageKernels.forEachChunk(1 << 20, minimumChunk: 1 << 10, threads: 2) { _ in
                    let niceness = ThreadPriority.currentNiceness
                    seen.withLock { $0[UInt(pthread_self())] = niceness }
                }
                lowered.withLock { $0 = done }
            }
            thread.start()
            for _ in 0..<1000 where lowered.withLock({ $0 }) == nil { try await Task.sleep(for: .milliseconds(10)) }
            #expect(lowered.withLock { $0 } == true)
            let threads = seen.withLock { $0 }
            #expect(threads.count == 2, "a team of two threads ran the chunks")
            #expect(Set(threads.values) == [7])
            #expect(ThreadPriority.currentNiceness == before)
        #endif
    }
}
