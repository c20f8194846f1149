import ArgumentParser
import Foundation
import Testing

@testable import CellScribeCLI

struct BenchTests {
    @Test func jsonLineHasTheReferenceFieldsInOrderAndTheMedian() throws {
        let result = BenchResult(
            workload: "unet3d", what: "train step", milliseconds: [30, 10, 20, 40], gigaflops: 50,
            peakResidentMegabytes: 512.25)
        let line = try result.jsonLine(threads: 2)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["median_ms"] as? Double == 25)
        #expect(object["min_ms"] as? Double == 10)
        #expect(object["max_ms"] as? Double == 40)
        #expect(object["threads"] as? Int == 2)
        #expect(object["peak_rss_mb"] as? Double == 512.3)
        #expect(object["gflop_per_s"] as? Double == 2000)
        let keys = ["workload", "what", "stack", "threads", "median_ms", "min_ms", "max_ms", "peak_rss_mb"]
        let positions = keys.map { line.range(of: "\"\($0)\"")!.lowerBound }
        #expect(positions == positions.sorted())
        #expect(!line.contains("\n"))
    }

    @Test func unknownWorkloadsAndBadCountsAreRejected() {
        #expect(throws: (any Error).self) { try CellScribe.parseAsRoot(["bench", "engine", "--only", "resnet"]) }
        #expect(throws: (any Error).self) { try CellScribe.parseAsRoot(["bench", "engine", "--runs", "0"]) }
        #expect(throws: (any Error).self) {
            try CellScribe.parseAsRoot(["bench", "engine", "--threads", "0", "--only", "unet3d"])
        }
    }

    @Test func threadsComeFromTheOptionThenTheEnvironmentThenTheMachine() throws {
        let fromOption = try ThreadOptions.parse(["--threads", "3"])
        #expect(try fromOption.resolvedThreadCount(environment: ["CELLSCRIBE_THREADS": "5"]) == 3)
        let unset = try ThreadOptions.parse([])
        #expect(try unset.resolvedThreadCount(environment: ["CELLSCRIBE_THREADS": " 5"]) == 5)
        #expect(try unset.resolvedThreadCount(environment: [:]) == ProcessInfo.processInfo.activeProcessorCount)
        #expect(throws: (any Error).self) { try unset.resolvedThreadCount(environment: ["CELLSCRIBE_THREADS": "many"]) }
        #expect(throws: (any Error).self) { try unset.resolvedThreadCount(environment: ["CELLSCRIBE_THREADS": "0"]) }
    }
}
