import Foundation
import Synchronization

/// Live job events for Server-Sent Events subscribers. Each event is one SSE message (`event:` kind, `data:`
/// one JSON line). Subscribers may name an image to receive fresh preview predictions of while training runs.
final class EventHub: Sendable {
    struct Subscriber {
        var continuation: AsyncStream<String>.Continuation
        var previewImageID: String?
    }

    private let subscribers = Mutex<[String: [UUID: Subscriber]]>([:])

    /// A stream of SSE messages for `jobID`, ending when the job ends or the subscriber goes away.
    func subscribe(jobID: String, previewImageID: String?) -> AsyncStream<String> {
        let id = UUID()
        let (stream, continuation) = AsyncStream<String>.makeStream(bufferingPolicy: .bufferingNewest(256))
        subscribers.withLock { $0[jobID, default: [:]][id] = Subscriber(continuation: continuation, previewImageID: previewImageID) }
        continuation.onTermination = { [weak self] _ in
            self?.subscribers.withLock { all in
                all[jobID]?[id] = nil
                if all[jobID]?.isEmpty == true { all[jobID] = nil }
            }
        }
        return stream
    }

    /// The images subscribers of `jobID` are looking at.
    func previewImages(of jobID: String) -> Set<String> {
        subscribers.withLock { Set(($0[jobID] ?? [:]).values.compactMap(\.previewImageID)) }
    }

    /// Sends `event` with JSON `data` to every subscriber of `jobID` (or only those viewing `imageID`).
    func publish(jobID: String, event: String, data: String, imageID: String? = nil) {
        let message = Self.message(event: event, data: data)
        let targets = subscribers.withLock { all in
            (all[jobID] ?? [:]).values.filter { imageID == nil || $0.previewImageID == imageID }.map(\.continuation)
        }
        for continuation in targets { continuation.yield(message) }
    }

    /// Ends every stream of `jobID` after a last `event`.
    func finish(jobID: String, event: String, data: String) {
        let message = Self.message(event: event, data: data)
        let targets = subscribers.withLock { $0.removeValue(forKey: jobID) ?? [:] }
        for subscriber in targets.values {
            subscriber.continuation.yield(message)
            subscriber.continuation.finish()
        }
    }

    /// One SSE message; `data` must be a single line (JSON without newlines).
    static func message(event: String, data: String) -> String {
        "event: \(event)\ndata: \(data.replacingOccurrences(of: "\n", with: " "))\n\n"
    }
}
