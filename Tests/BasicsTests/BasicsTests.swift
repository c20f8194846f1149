import Foundation
import Testing

@testable import Basics

@Suite struct AtomicWriteTests {
    let folder: URL = {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent(
            "cellscribe-basics-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }()

    @Test func replacesTheWholeFileAndLeavesNoTemporaryFile() throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("a.bin")
        #expect(AtomicWrite.write(Data(repeating: 1, count: 1000), to: url) == nil)
        #expect(AtomicWrite.write(Data([7, 8, 9]), to: url) == nil)
        #expect(try Data(contentsOf: url) == Data([7, 8, 9]))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["a.bin"])
    }

    @Test func aMissingFolderIsReportedAndNothingIsWritten() {
        let url = folder.appendingPathComponent("missing/a.bin")
        defer { try? FileManager.default.removeItem(at: folder) }
        let failure = AtomicWrite.write(Data([1]), to: url)
        #expect(failure?.reason.contains("No such file") == true && failure?.isOutOfSpace == false)
        #expect(!FileManager.default.fileExists(atPath: url.path))
    }

    @Test func aFolderCanBeSynchronized() {
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(AtomicWrite.synchronizeDirectory(folder) == nil)
        #expect(AtomicWrite.synchronizeDirectory(folder.appendingPathComponent("none")) != nil)
    }
}

@Suite struct RandomGeneratorTests {
    @Test func theSameSeedGivesTheSameStream() {
        var a = RandomGenerator(seed: 42)
        var b = RandomGenerator(seed: 42)
        var c = RandomGenerator(seed: 43)
        let first = (0..<8).map { _ in a.next() }
        #expect(first == (0..<8).map { _ in b.next() })
        #expect(first != (0..<8).map { _ in c.next() })
    }

    @Test func uniformAndNormalDrawsHaveTheirMoments() {
        var generator = RandomGenerator(seed: 7)
        let uniform = (0..<20_000).map { _ in generator.nextUniform() }
        #expect(uniform.allSatisfy { $0 >= 0 && $0 < 1 })
        #expect(abs(uniform.reduce(0, +) / 20_000 - 0.5) < 0.01)
        let normal = (0..<20_000).map { _ in Double(generator.nextNormal()) }
        let mean = normal.reduce(0, +) / 20_000
        let variance = normal.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 20_000
        #expect(abs(mean) < 0.03 && abs(variance - 1) < 0.05)
    }
}

@Suite struct DurationTests {
    @Test func secondsIncludeTheFraction() {
        #expect(Duration.milliseconds(1500).seconds == 1.5)
        #expect(Duration.seconds(3).seconds == 3)
    }
}

@Suite struct MachineMemoryTests {
    @Test("cgroup limits: a number is a limit; 'max', v1's near-2^63 and garbage are none")
    func cgroupLimitsAreRead() {
        #expect(MachineMemory.cgroupLimit("4294967296\n") == 4_294_967_296)
        #expect(MachineMemory.cgroupLimit("max\n") == nil)
        #expect(MachineMemory.cgroupLimit("9223372036854771712") == nil)
        #expect(MachineMemory.cgroupLimit("") == nil)
        #expect(MachineMemory.cgroupLimit("-1") == nil)
    }

    @Test func theBudgetIsNeverAboveThePhysicalMemory() {
        #expect(MachineMemory.bytes > 0)
        #expect(MachineMemory.bytes <= Int(clamping: ProcessInfo.processInfo.physicalMemory))
    }
}
