import CDNNL
import Foundation
import TestSupport
import Testing

@testable import Tensors

/// An architecture description as a network would store it.
struct ArchitectureStub: Codable, Equatable {
    let name: String
    let depth: Int
    let channels: [Int]
}

/// A safetensors file from a header text and data bytes.
func safetensorsBytes(header: String, data: [UInt8] = [], declaredLength: UInt64? = nil) -> Data {
    var bytes = Data()
    let headerBytes = Data(header.utf8)
    withUnsafeBytes(of: (declaredLength ?? UInt64(headerBytes.count)).littleEndian) { bytes.append(contentsOf: $0) }
    bytes.append(headerBytes)
    bytes.append(contentsOf: data)
    return bytes
}

struct CorruptCase: CustomTestStringConvertible, Sendable {
    let label: String
    let bytes: Data
    /// Part of the expected error message.
    let reason: String
    var testDescription: String { label }
}

let corruptCases: [CorruptCase] = {
    let six = [UInt8](repeating: 0, count: 24)
    func entry(_ dtype: String = "F32", shape: String = "[2,3]", offsets: String = "[0,24]") -> String {
        "{\"dtype\":\"\(dtype)\",\"shape\":\(shape),\"data_offsets\":\(offsets)}"
    }
    return [
        CorruptCase(label: "shorter than 8 bytes", bytes: Data([1, 2, 3, 4, 5]), reason: "8-byte header length"),
        CorruptCase(
            label: "absurd header length", bytes: safetensorsBytes(header: "{}", declaredLength: 1 << 40),
            reason: "more than the 104857600 bytes allowed"),
        CorruptCase(
            label: "header past the end", bytes: safetensorsBytes(header: "{}", declaredLength: 500),
            reason: "declares a 500-byte header but is only 10 bytes long"),
        CorruptCase(
            label: "not UTF-8", bytes: Data([3, 0, 0, 0, 0, 0, 0, 0, 0x7B, 0xFF, 0x7D]), reason: "not UTF-8"),
        CorruptCase(label: "not JSON", bytes: safetensorsBytes(header: "{\"a\": [1,"), reason: "not valid JSON"),
        CorruptCase(label: "JSON array", bytes: safetensorsBytes(header: "[1, 2]"), reason: "not a JSON object"),
        CorruptCase(
            label: "missing dtype",
            bytes: safetensorsBytes(header: "{\"w\":{\"shape\":[2,3],\"data_offsets\":[0,24]}}", data: six),
            reason: "tensor 'w' has no \"dtype\""),
        CorruptCase(
            label: "unsupported dtype",
            bytes: safetensorsBytes(header: "{\"w\":\(entry("I64", shape: "[3]"))}", data: six),
            reason: "tensor 'w' has dtype I64; only F32, F64, F16 and BF16"),
        CorruptCase(
            label: "missing shape",
            bytes: safetensorsBytes(header: "{\"w\":{\"dtype\":\"F32\",\"data_offsets\":[0,24]}}", data: six),
            reason: "tensor 'w' has no \"shape\""),
        CorruptCase(
            label: "fractional shape", bytes: safetensorsBytes(header: "{\"w\":\(entry(shape: "[2.5,3]"))}", data: six),
            reason: "tensor 'w' has no \"shape\""),
        CorruptCase(
            label: "missing offsets",
            bytes: safetensorsBytes(header: "{\"w\":{\"dtype\":\"F32\",\"shape\":[2,3]}}", data: six),
            reason: "tensor 'w' has no \"data_offsets\""),
        CorruptCase(
            label: "scalar shape",
            bytes: safetensorsBytes(header: "{\"w\":\(entry(shape: "[]", offsets: "[0,4]"))}", data: six),
            reason: "1 to 6 positive extents"),
        CorruptCase(
            label: "shape and offsets disagree",
            bytes: safetensorsBytes(header: "{\"w\":\(entry(offsets: "[0,20]"))}", data: six),
            reason: "needs 24 bytes but its data_offsets [0, 20] span 20"),
        CorruptCase(
            label: "offsets past the data",
            bytes: safetensorsBytes(header: "{\"w\":\(entry(offsets: "[8,32]"))}", data: six),
            reason: "ends at byte 32 but the data section holds 24 bytes"),
        CorruptCase(
            label: "overlapping tensors",
            bytes: safetensorsBytes(
                header:
                    "{\"a\":\(entry(shape: "[4]", offsets: "[0,16]")),\"b\":\(entry(shape: "[4]", offsets: "[8,24]"))}",
                data: six),
            reason: "'a' 0..<16 and 'b' 8..<24 overlap"),
        CorruptCase(
            label: "metadata not strings", bytes: safetensorsBytes(header: "{\"__metadata__\":{\"epochs\":7}}"),
            reason: "'__metadata__' must map names to strings; 'epochs' holds 7"),
    ]
}()

@Suite("Model files")
struct ModelFileTests {
    @Test func roundTripKeepsValuesAndMetadata() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        var generator = TestValues(seed: 5)
        let shape = [20, 18, 3, 3]
        let blocked = try generator.tensor(shape).reordered(to: .make(shape, tag: dnnl_OIhw16i16o))
        var file = ModelFile(
            tensors: [
                "encoder.0.weight": blocked, "encoder.0.bias": try generator.tensor([20]),
                "head/w": try generator.tensor([1, 2, 3, 4, 5, 6]),
            ],
            metadata: ["note": "ünïcode / \"quoted\""])
        let architecture = ArchitectureStub(name: "unet", depth: 4, channels: [32, 64, 128, 256])
        try file.setMetadata(architecture, forKey: ModelFile.architectureKey)
        let url = folder.file("model.safetensors")
        try file.write(to: url)
        // The same name again: replaced atomically.
        try file.write(to: url)
        #expect(try folder.contents() == ["model.safetensors"])

        let read = try ModelFile.read(from: url)
        #expect(read.path == url.path)
        #expect(read.metadata == file.metadata)
        #expect(try read.metadata(ArchitectureStub.self, forKey: ModelFile.architectureKey) == architecture)
        #expect(try read.metadata(ArchitectureStub.self, forKey: "absent") == nil)
        #expect(read.tensors.keys.sorted() == file.tensors.keys.sorted())
        for (name, tensor) in file.tensors {
            let stored = try #require(read.tensors[name])
            #expect(stored.shape == tensor.shape)
            #expect(stored.layout.isPlain)
            #expect(try stored.values() == tensor.values(), "\(name)")
        }
        // Sorted, contiguous, 8-byte aligned data.
        let bytes = try Data(contentsOf: url)
        let headerLength = bytes.prefix(8).withUnsafeBytes {
            Int(UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)))
        }
        #expect(headerLength % 8 == 0)
        #expect(bytes.count == 8 + headerLength + 4 * (20 * 18 * 9 + 20 + 720))
    }

    @Test func readsAFileWrittenByPython() throws {
        let file = try ModelFile.read(from: Fixtures.url("golden/python_written.safetensors"))
        #expect(file.tensors.keys.sorted() == ["bf16", "encoder.conv.weight", "f16", "f64"])
        let weight = try #require(file.tensors["encoder.conv.weight"])
        #expect(weight.shape == [2, 3, 2, 2])
        #expect(try weight.values() == (0..<24).map { Float($0) * 0.25 - 3 })
        #expect(try file.tensors["f64"]?.values() == [Float(1.0 / 3.0), -2.5, 1e10])
        #expect(try file.tensors["f16"]?.values() == [0.5, -1.5, 65504, 0x1p-24])
        #expect(file.tensors["f16"]?.shape == [2, 2])
        #expect(try file.tensors["bf16"]?.values() == [1.5, -0x1p100])
        #expect(file.metadata["format"] == "pt")
        let architecture = try file.metadata(ArchitectureStub.self, forKey: ModelFile.architectureKey)
        #expect(architecture == ArchitectureStub(name: "unet", depth: 3, channels: [16, 32, 64]))
        #expect(throws: TensorsError.self) { try file.metadata([Int].self, forKey: ModelFile.trainingKey) }
    }

    @Test func halfPrecisionConversion() {
        #expect(halfToFloat(0x3C00) == 1)
        #expect(halfToFloat(0xC000) == -2)
        #expect(halfToFloat(0x0001) == 0x1p-24)
        #expect(halfToFloat(0x03FF) == 1023 * 0x1p-24)
        #expect(halfToFloat(0x7C00) == .infinity)
        #expect(halfToFloat(0xFC00) == -.infinity)
        #expect(halfToFloat(0x7E00).isNaN)
        #expect(halfToFloat(0x8000).sign == .minus)
    }

    @Test(arguments: corruptCases)
    func corruptFilesAreRefusedWithTheReason(_ corrupt: CorruptCase) throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let url = folder.file("corrupt.safetensors")
        try corrupt.bytes.write(to: url)
        do {
            _ = try ModelFile.read(from: url)
            Issue.record("\(corrupt.label) was accepted")
        } catch let TensorsError.modelFile(path, reason) {
            #expect(path == url.path)
            #expect(reason.contains(corrupt.reason), "\(reason)")
        }
    }

    @Test func missingFileIsNamed() {
        let url = URL(fileURLWithPath: "/nonexistent/\(UUID().uuidString).safetensors")
        #expect(throws: TensorsError.modelFile(path: url.path, reason: "does not exist")) {
            try ModelFile.read(from: url)
        }
    }

    @Test func loadIntoReportsEveryProblemAtOnce() throws {
        var generator = TestValues(seed: 9)
        let file = try ModelFile(tensors: [
            "a": generator.tensor([2, 3]), "b": generator.tensor([4]), "c": generator.tensor([5]),
            "extra.one": generator.tensor([1]), "extra.two": generator.tensor([2]),
        ])
        let parameters: NamedParameters = [
            ("a", try generator.tensor([3, 2])), ("b", try generator.tensor([4])), ("c", try generator.tensor([5, 1])),
            ("gone", try generator.tensor([3])),
        ]
        let before = try parameters[1].tensor.values()
        let expected = TensorsError.parametersDoNotMatch(
            source: "<model file in memory>", missing: ["gone"], unexpected: ["extra.one", "extra.two"],
            shapes: [
                .init(name: "a", expected: [3, 2], found: [2, 3]), .init(name: "c", expected: [5, 1], found: [5]),
            ])
        #expect(throws: expected) { try file.load(into: parameters) }
        let message = expected.description
        for part in ["'gone'", "'extra.one'", "'extra.two'", "'a' is [2, 3] in the file but [3, 2]", "'c' is [5]"] {
            #expect(message.contains(part), "\(message)")
        }
        // Nothing was copied.
        #expect(try parameters[1].tensor.values() == before)
    }

    @Test func loadIntoKeepsEachParameterLayout() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let shape = [20, 18, 3, 3]
        var generator = TestValues(seed: 13)
        let source: NamedParameters = [("w", try generator.tensor(shape)), ("b", try generator.tensor([20]))]
        try ModelFile(parameters: source).write(to: folder.file("m.safetensors"))

        let layout = MemoryDescriptor.make(shape, tag: dnnl_OIhw16i16o)
        let weight = try Tensor(shape: shape, repeating: 0).reordered(to: layout)
        let target: NamedParameters = [("w", weight), ("b", try Tensor(shape: [20], repeating: 0))]
        try ModelFile.read(from: folder.file("m.safetensors")).load(into: target)
        #expect(weight.layout == layout)
        #expect(try weight.values() == source[0].tensor.values())
        #expect(try target[1].tensor.values() == source[1].tensor.values())
    }

    @Test func failedWriteLeavesNoFiles() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let file = ModelFile(tensors: ["w": try Tensor(shape: [3], values: [1, 2, 3])])
        // The destination is a folder: the rename fails after the temporary file was written.
        let occupied = folder.file("occupied.safetensors")
        try FileManager.default.createDirectory(at: occupied, withIntermediateDirectories: false)
        #expect(throws: TensorsError.self) { try file.write(to: occupied) }
        #expect(try folder.contents() == ["occupied.safetensors"])
        // A reserved tensor name is refused before anything is written.
        let reserved = ModelFile(tensors: ["__metadata__": try Tensor(shape: [1], values: [0])])
        #expect(throws: TensorsError.self) { try reserved.write(to: folder.file("x.safetensors")) }
        #expect(try folder.contents() == ["occupied.safetensors"])
        // A missing folder.
        #expect(throws: TensorsError.self) { try file.write(to: folder.file("no/such/folder.safetensors")) }
    }
}
