import Foundation
import Training

/// A fresh prediction of an image a subscriber is viewing, made with a running job's best weights.
struct PreviewEvent: Codable, Sendable {
    var imageID: String
    var epoch: Int
    /// Fetch the maps with `?model=` this value.
    var model: String
    var instances: Int
    var meanEntropy: Double
    var seconds: Double
}

/// Job events as Server-Sent Events payloads.
enum JobEvents {
    /// The SSE kind and JSON line of a trainer event; steps are sent (throttling is the client's choice). File
    /// paths are reduced to file names: clients never learn the server's folders.
    static func encode(_ event: TrainingEvent) -> (kind: String, line: String)? {
        guard let line = try? withoutPaths(event).jsonLine() else { return nil }
        return (kind(of: event), line)
    }

    /// The SSE kind: the trainer's own, except that its end is "summary" (the job's end is "finished").
    static func kind(of event: TrainingEvent) -> String {
        if case .finished = event { return "summary" }
        return event.kind
    }

    static func withoutPaths(_ event: TrainingEvent) -> TrainingEvent {
        switch event {
        case .checkpoint(let path, let epoch):
            return .checkpoint(path: URL(fileURLWithPath: path).lastPathComponent, epoch: epoch)
        case .finished(var summary):
            summary.modelPath = URL(fileURLWithPath: summary.modelPath).lastPathComponent
            return .finished(summary)
        default:
            return event
        }
    }
}
