import Foundation
import Storage
import Synchronization
import Training

/// What subscribers of a job hear: the trainer's events, previews of the image they view, and the job's end.
enum JobStreamEvent: Sendable {
    case training(TrainingEvent)
    case preview(PreviewEvent)
    /// The job ended (finished, failed or stopped): the last event of every stream.
    case ended(JobRecord)
}

/// Live job events for subscribers (the Server-Sent Events route). Each subscriber has a bounded buffer that
/// keeps the newest events: a slow reader loses old step events, never blocks the training thread. Subscribers
/// may name an image to receive fresh preview predictions of while training runs.
final class EventHub: Sendable {
    /// Events kept per subscriber that has not read them yet.
    static let bufferedEvents = 256

    private struct Subscriber {
        var continuation: AsyncStream<JobStreamEvent>.Continuation
        var previewImageID: String?
    }

    private let subscribers = Mutex<[String: [UUID: Subscriber]]>([:])
    /// Streams open at once, all jobs together.
    let maxSubscribers: Int

    init(maxSubscribers: Int = .max) {
        self.maxSubscribers = maxSubscribers
    }

    /// Streams open now, all jobs together.
    var subscriberCount: Int { subscribers.withLock { $0.values.reduce(0) { $0 + $1.count } } }

    /// A stream of events of `jobID`, ending when the job ends or the subscriber goes away; nil when
    /// `maxSubscribers` streams are open already.
    func subscribe(jobID: String, previewImageID: String?) -> AsyncStream<JobStreamEvent>? {
        let id = UUID()
        let (stream, continuation) = AsyncStream<JobStreamEvent>.makeStream(
            bufferingPolicy: .bufferingNewest(Self.bufferedEvents))
        let admitted = subscribers.withLock { all in
            guard all.values.reduce(0, { $0 + $1.count }) < maxSubscribers else { return false }
            all[jobID, default: [:]][id] = Subscriber(continuation: continuation, previewImageID: previewImageID)
            return true
        }
        guard admitted else {
            continuation.finish()
            return nil
        }
        continuation.onTermination = { [weak self] _ in
            self?.subscribers.withLock { all in
                all[jobID]?[id] = nil
                if all[jobID]?.isEmpty == true { all[jobID] = nil }
            }
        }
        return stream
    }

    /// How many streams of `jobID` are open.
    func subscriberCount(of jobID: String) -> Int { subscribers.withLock { $0[jobID]?.count ?? 0 } }

    /// The images subscribers of `jobID` are looking at.
    func previewImages(of jobID: String) -> Set<String> {
        subscribers.withLock { Set(($0[jobID] ?? [:]).values.compactMap(\.previewImageID)) }
    }

    /// Sends `event` to every subscriber of `jobID` (or only those viewing `imageID`).
    func publish(jobID: String, _ event: JobStreamEvent, imageID: String? = nil) {
        let targets = subscribers.withLock { all in
            (all[jobID] ?? [:]).values.filter { imageID == nil || $0.previewImageID == imageID }.map(\.continuation)
        }
        for continuation in targets { continuation.yield(event) }
    }

    /// Ends every stream of `jobID` after a last `.ended(job)` event.
    func finish(_ job: JobRecord) {
        let targets = subscribers.withLock { $0.removeValue(forKey: job.id) ?? [:] }
        for subscriber in targets.values {
            subscriber.continuation.yield(.ended(job))
            subscriber.continuation.finish()
        }
    }
}
