import Basics
import Foundation
import Tensors

/// Draws augmented batches on a background thread while the training thread runs network steps, keeping up to
/// `capacity` batches ready. Batches follow one seeded random sequence, so a run is reproducible.
final class BatchLoader: @unchecked Sendable {
    private let condition = NSCondition()
    private var ready: [PatchBatch] = []
    private var stopped = false
    private let capacity: Int
    private var thread: Thread?

    /// - Parameter blindSpot: corrupts each batch for blind-spot reconstruction (nil: batches stay clean).
    init(
        sampler: PatchSampler, samples: [TrainingSample], batchSize: Int, seed: UInt64, blindSpot: BlindSpot? = nil,
        capacity: Int = 2
    ) {
        self.capacity = capacity
        let thread = Thread { [self] in
            var generator = RandomGenerator(seed: seed)
            while true {
                var batch = sampler.batch(from: samples, count: batchSize, generator: &generator)
                blindSpot?.apply(to: &batch, generator: &generator)
                condition.lock()
                while ready.count >= capacity, !stopped { condition.wait() }
                if stopped {
                    condition.unlock()
                    return
                }
                ready.append(batch)
                condition.broadcast()
                condition.unlock()
            }
        }
        thread.name = "cellscribe.batches"
        self.thread = thread
        thread.start()
    }

    /// The next batch, waiting for it if the loader is behind.
    func next() -> PatchBatch {
        condition.lock()
        defer { condition.unlock() }
        while ready.isEmpty { condition.wait() }
        let batch = ready.removeFirst()
        condition.broadcast()
        return batch
    }

    /// Stops the background thread (it finishes the batch it is drawing).
    func stop() {
        condition.lock()
        stopped = true
        condition.broadcast()
        condition.unlock()
    }

    deinit { stop() }
}
