import Basics
import Foundation
import ImageFormats

/// What the server accepts and how much work it takes on at once: decided before anything is allocated,
/// configurable (`cellscribe serve --help`), and stated in `GET /api/info`. Every server limit lives here.
public struct ServerLimits: Codable, Sendable, Equatable {
    /// Samples of one image: pixels × channels × slices. 2^28 holds a 16-channel 4096² field or a 16384² slide;
    /// decoded as Float32 that is 1 GiB.
    public var maxImageSamples = 1 << 28
    /// Files in one upload request (multipart parts with a file name): each is spooled to a file of its own.
    public var maxUploadFiles = 256
    /// The slowest average rate, bytes per second, at which a request body may arrive once it has taken
    /// `idleTimeoutSeconds`; slower bodies get 408 (at 64 KiB/s a 1 GiB upload may take 4.5 hours).
    public var minimumUploadBytesPerSecond = 64 << 10
    /// ROIs in one ImageJ ROI set sent as scribbles, their bytes once inflated, and their outline vertices all
    /// together.
    public var maxROIs = 10_000
    public var maxROIArchiveBytes = 64 << 20
    public var maxROIVertices = 1_000_000
    /// Wall-clock cap of any training job, seconds: a job given only epochs stops here too.
    public var maxTrainingSeconds = 4 * 3600.0
    /// Memory training steps may need, all running jobs together (`TrainingOptions.estimatedStepBytes`; each of
    /// `concurrentTrainings` jobs gets its share): half of what the process may use (`MachineMemory`, which
    /// respects a container's limit), the rest for predictions and the server; bigger batches or patches are
    /// refused with 422.
    public var trainingMemoryBytes = MachineMemory.bytes / 2
    /// Predictions that may wait behind the one being computed; more are refused with 503 and Retry-After.
    public var maxQueuedPredictions = 8
    /// A connection that sends nothing for this long, or no whole request head (a slow client trickling header
    /// bytes), is closed; responses being written, event streams among them, are not.
    public var idleTimeoutSeconds = 60
    /// Event streams open at once, all clients together; more are refused with 503.
    public var maxEventStreams = 64
    /// Requests one client (address) may send per minute on average, in bursts of up to `requestBurst`; more
    /// get 429 with Retry-After. 0 turns the limit off.
    public var requestsPerMinute = 3000
    public var requestBurst = 300

    public init() {}

    /// The decoders' limits for an upload of at most `maxUploadBytes`.
    public func readLimits(maxUploadBytes: Int) -> ReadLimits {
        let (bytes, overflow) = maxImageSamples.multipliedReportingOverflow(by: 4)
        return ReadLimits(
            maxDecodedBytes: overflow ? Int.max : bytes, maxSamples: maxImageSamples,
            maxArchiveBytes: min(maxUploadBytes, maxROIArchiveBytes),
            maxArchiveEntries: maxROIs, maxROIVertices: maxROIVertices)
    }
}
