import Foundation
import Synchronization

/// Runs blocking and CPU-heavy work (file reads and durable writes, decoding, rendering, encoding) on a pool of
/// threads of its own, never on Swift's cooperative pool: that pool has one thread per core and runs every
/// request handler, so one fsync or decode there would hold up every other request, cached tiles included.
func offloaded<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        BlockingWorkPool.shared.submit { continuation.resume(with: Result { try work() }) }
    }
}

/// A fixed set of threads that run submitted closures in order of submission. More threads than cores, because
/// much of their work waits on the disk (fsync) rather than computing.
final class BlockingWorkPool: Sendable {
    /// Threads of the shared pool: enough that writes waiting on the disk leave threads for renditions.
    static let threadCount = max(8, 2 * ProcessInfo.processInfo.activeProcessorCount)
    static let shared = BlockingWorkPool(threads: threadCount)

    /// Closures waiting, oldest at `head`; a taken slot is emptied at once, so nothing a closure captured (a
    /// mapped upload, say) outlives its run.
    private struct Queue {
        var work: [(@Sendable () -> Void)?] = []
        var head = 0
    }

    private let queue = Mutex(Queue())
    private let available: DispatchSemaphore

    init(threads: Int) {
        available = DispatchSemaphore(value: 0)
        for index in 0..<threads {
            let thread = Thread { [self] in
                while true { next()() }
            }
            thread.name = "cellscribe.blocking.\(index)"
            thread.stackSize = 4 << 20
            thread.start()
        }
    }

    /// Queues `work` for the next free thread.
    func submit(_ work: @escaping @Sendable () -> Void) {
        queue.withLock { $0.work.append(work) }
        available.signal()
    }

    /// Waits for and takes the oldest queued closure.
    private func next() -> @Sendable () -> Void {
        available.wait()
        return queue.withLock { queue in
            let work = queue.work[queue.head].take()!
            queue.head += 1
            if queue.head == queue.work.count {
                queue.work.removeAll(keepingCapacity: true)
                queue.head = 0
            } else if queue.head > 64, queue.head * 2 > queue.work.count {
                queue.work.removeFirst(queue.head)
                queue.head = 0
            }
            return work
        }
    }
}
