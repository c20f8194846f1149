import Foundation
import Storage
import Testing
import Training

@testable import Server

@Suite struct EventHubTests {
    /// A numbered trainer event (a cycle event: the simplest to build).
    static func step(_ n: Int) -> JobStreamEvent { .training(.cycle(epoch: n, members: 1)) }

    static func stepNumber(_ event: JobStreamEvent) -> Int? {
        if case .training(.cycle(let epoch, _)) = event { return epoch }
        return nil
    }

    static let job = JobRecord(
        id: "00000000000000aa", projectID: "00000000000000bb", settings: .init(), parentModelID: nil)

    @Test func everySubscriberHearsEveryEventAndTheEndFinishesTheirStreams() async {
        let hub = EventHub()
        let first = hub.open(jobID: Self.job.id, previewImageID: nil)
        let second = hub.open(jobID: Self.job.id, previewImageID: nil)
        let other = hub.open(jobID: "00000000000000cc", previewImageID: nil)
        #expect(hub.subscriberCount(of: Self.job.id) == 2)
        for n in 1...3 { hub.publish(jobID: Self.job.id, Self.step(n)) }
        hub.finish(Self.job)
        for stream in [first, second] {
            var steps: [Int] = []
            var ended = false
            for await event in stream {
                if let n = Self.stepNumber(event) { steps.append(n) }
                if case .ended(let job) = event { ended = job.id == Self.job.id }
            }
            #expect(steps == [1, 2, 3] && ended)
        }
        #expect(hub.subscriberCount(of: Self.job.id) == 0)
        #expect(hub.subscriberCount(of: "00000000000000cc") == 1)
        _ = other
    }

    @Test func previewsGoOnlyToTheirImagesViewers() async {
        let hub = EventHub()
        let viewingA = hub.open(jobID: Self.job.id, previewImageID: "00000000000000a1")
        let viewingB = hub.open(jobID: Self.job.id, previewImageID: "00000000000000b1")
        #expect(hub.previewImages(of: Self.job.id) == ["00000000000000a1", "00000000000000b1"])
        let preview = PreviewEvent(
            imageID: "00000000000000a1", epoch: 1, model: "job:x", instances: 3, meanEntropy: 0.1, seconds: 0.5)
        hub.publish(jobID: Self.job.id, .preview(preview), imageID: "00000000000000a1")
        hub.finish(Self.job)
        func previews(_ stream: AsyncStream<JobStreamEvent>) async -> Int {
            var count = 0
            for await event in stream { if case .preview = event { count += 1 } }
            return count
        }
        #expect(await previews(viewingA) == 1)
        #expect(await previews(viewingB) == 0)
    }

    @Test func aSlowSubscriberKeepsTheNewestEventsAndNeverBlocksThePublisher() async {
        let hub = EventHub()
        let stream = hub.open(jobID: Self.job.id, previewImageID: nil)
        let count = EventHub.bufferedEvents * 4
        for n in 1...count { hub.publish(jobID: Self.job.id, Self.step(n)) }
        hub.finish(Self.job)
        var steps: [Int] = []
        for await event in stream { if let n = Self.stepNumber(event) { steps.append(n) } }
        // The buffer keeps the newest events (the end among them): the oldest steps are dropped.
        #expect(steps.count == EventHub.bufferedEvents - 1)
        #expect(steps.last == count)
    }

    @Test func aCancelledSubscriberIsForgotten() async throws {
        let hub = EventHub()
        let task = Task {
            for await _ in hub.open(jobID: Self.job.id, previewImageID: "00000000000000a1") {}
        }
        while hub.subscriberCount(of: Self.job.id) == 0 { try await Task.sleep(for: .milliseconds(5)) }
        task.cancel()
        await task.value
        #expect(hub.subscriberCount(of: Self.job.id) == 0)
        #expect(hub.previewImages(of: Self.job.id).isEmpty)
        hub.publish(jobID: Self.job.id, Self.step(1))  // nobody left: nothing to do, nothing breaks
    }
}

@Suite struct EventHubConcurrencyTests {
    @Test func publishersAndSubscribersComingAndGoingAtOnceLoseNothingOfAFinishedStream() async {
        let hub = EventHub()
        let job = EventHubTests.job
        let kept = hub.open(jobID: job.id, previewImageID: nil)
        await withTaskGroup(of: Void.self) { group in
            for publisher in 0..<4 {
                group.addTask {
                    for n in 0..<50 { hub.publish(jobID: job.id, EventHubTests.step(publisher * 1000 + n)) }
                }
            }
            for _ in 0..<8 {
                group.addTask {
                    // Subscribers that join and leave while events flow.
                    let task = Task { for await _ in hub.open(jobID: job.id, previewImageID: nil) {} }
                    try? await Task.sleep(for: .milliseconds(1))
                    task.cancel()
                    await task.value
                }
            }
        }
        hub.finish(job)
        var seen = Set<Int>()
        var ended = false
        for await event in kept {
            if let n = EventHubTests.stepNumber(event) { seen.insert(n) }
            if case .ended = event { ended = true }
        }
        // 200 events fit the buffer: the subscriber that stayed got every one, each once, and then the end.
        #expect(seen.count == 200 && ended)
        #expect(hub.subscriberCount(of: job.id) == 0)
    }
}

extension EventHub {
    /// A stream the test expects to be admitted.
    func open(jobID: String, previewImageID: String?) -> AsyncStream<JobStreamEvent> {
        guard let stream = subscribe(jobID: jobID, previewImageID: previewImageID) else {
            Issue.record("the hub refused a subscriber below its limit")
            return AsyncStream { $0.finish() }
        }
        return stream
    }
}

@Suite struct EventHubLimitTests {
    @Test func streamsBeyondTheCapAreRefusedUntilOneCloses() async throws {
        let hub = EventHub(maxSubscribers: 2)
        let first = hub.open(jobID: EventHubTests.job.id, previewImageID: nil)
        let task = Task { for await _ in hub.open(jobID: "00000000000000cc", previewImageID: nil) {} }
        while hub.subscriberCount < 2 { try await Task.sleep(for: .milliseconds(5)) }
        #expect(hub.subscribe(jobID: EventHubTests.job.id, previewImageID: nil) == nil)
        task.cancel()
        await task.value
        #expect(hub.subscribe(jobID: EventHubTests.job.id, previewImageID: nil) != nil)
        _ = first
    }
}
