import Foundation
import TestSupport
import Testing

@testable import Tensors

/// One tensor of the PyTorch golden file: shape and row-major values.
struct GoldenTensor: Decodable, Sendable {
    let shape: [Int]
    let data: [Float]

    func tensor(requiresGradient: Bool = false) throws -> Tensor {
        try Tensor(shape: shape, values: data, requiresGradient: requiresGradient)
    }
}

/// One case of `Tests/Fixtures/golden/engine.json` (made by `scripts/golden/engine_golden.py`): the inputs, the
/// op's parameters, its output and the gradients of Σ output·projection (of the loss itself for losses).
struct GoldenCase: Decodable, Sendable, CustomTestStringConvertible {
    let name: String
    let op: String
    let params: [String: [Double]]
    let tensors: [String: GoldenTensor]

    var testDescription: String { name }

    func tensor(_ key: String) throws -> GoldenTensor {
        try #require(tensors[key], "golden case \(name) has no tensor \(key)")
    }

    func ints(_ key: String) -> [Int] { (params[key] ?? []).map { Int($0) } }
    func flag(_ key: String) -> Bool { params[key]?.first == 1 }
}

enum Golden {
    static let url = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/golden/engine.json")

    private struct File: Decodable { let cases: [GoldenCase] }

    static func load() throws -> [GoldenCase] {
        try JSONDecoder().decode(File.self, from: Data(contentsOf: url)).cases
    }

    /// The cases of one op (empty when the file cannot be read; `GoldenTests.fileLoads` reports that).
    static func cases(_ op: String) -> [GoldenCase] { ((try? load()) ?? []).filter { $0.op == op } }

    /// Runs a golden case: builds `differentiable` inputs as gradient-requiring tensors, applies `forward`,
    /// compares the output, back-propagates Σ output·projection (or the scalar output) and compares every
    /// input's gradient.
    static func check(
        _ golden: GoldenCase, differentiable: [String], sourceLocation: SourceLocation = #_sourceLocation,
        forward: ([String: Tensor]) throws -> Tensor
    ) throws {
        var inputs: [String: Tensor] = [:]
        for (key, value) in golden.tensors {
            inputs[key] = try value.tensor(requiresGradient: differentiable.contains(key))
        }
        let output = try forward(inputs)
        try expectMatches(output, golden.tensor("output"), "\(golden.name) output", sourceLocation: sourceLocation)
        let loss = try golden.tensors["projection"].map { try output.multiplied(by: $0.tensor()).sum() } ?? output
        try loss.backward()
        for key in differentiable {
            let gradient = try #require(inputs[key]?.gradient, "\(golden.name): no gradient for \(key)")
            try expectMatches(
                gradient, golden.tensor("\(key)_grad"), "\(golden.name) \(key) gradient", sourceLocation: sourceLocation
            )
        }
    }

    /// Same shape, and every value within 1e-4 relative plus an absolute 1e-5·max(1, max |expected|) for values
    /// near zero (they come out of sums of larger terms).
    static func expectMatches(
        _ actual: Tensor, _ expected: GoldenTensor, _ what: String, sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        #expect(actual.shape == expected.shape, "\(what): shape", sourceLocation: sourceLocation)
        guard actual.shape == expected.shape else { return }
        let values = try actual.values()
        let absolute = 1e-5 * max(1, expected.data.map { Swift.abs($0) }.max() ?? 0)
        var failures = 0
        for (index, (a, e)) in zip(values, expected.data).enumerated()
        where Swift.abs(a - e) > 1e-4 * Swift.abs(e) + absolute {
            failures += 1
            if failures <= 3 {
                Issue.record("\(what) element \(index): \(a) vs PyTorch \(e)", sourceLocation: sourceLocation)
            }
        }
        if failures > 3 { Issue.record("\(what): \(failures) elements differ in all", sourceLocation: sourceLocation) }
    }
}

/// `Tests/Fixtures/golden/optimizer.json`, written by `scripts/golden/optimizer_golden.py` from torch.optim.
struct OptimizerGolden: Decodable {
    struct Hyperparameters: Decodable {
        let kind: String
        let lr: Float
        let momentum: Float?
        let weightDecay: Float
        let nesterov: Bool?
        let betas: [Float]?
        let eps: Float?
    }

    struct Case: Decodable {
        let name: String
        let hyperparameters: Hyperparameters
        /// Parameter values after each step, by name, row-major.
        let trajectory: [[String: [Float]]]
    }

    struct Clipping: Decodable {
        let maxNorm: Float
        let totalNorm: Float
        let clipped: [String: [Float]]
    }

    struct Schedule: Decodable {
        let baseLr: Float
        let stepSize: Int?
        let gamma: Float?
        let tMax: Int?
        let etaMin: Float?
        let factor: Float?
        let patience: Int?
        let threshold: Float?
        let cooldown: Int?
        let minLr: Float?
        let metrics: [Float]?
        let rates: [Float]
    }

    struct Schedules: Decodable {
        let epochs: Int
        let step: Schedule
        let cosine: Schedule
        let plateau: Schedule
    }

    let shapes: [String: [Int]]
    let initial: [String: [Float]]
    /// Gradients of each step, by name.
    let gradients: [[String: [Float]]]
    let optimizers: [Case]
    let clipping: [Clipping]
    let schedules: Schedules

    static func load() throws -> OptimizerGolden {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(OptimizerGolden.self, from: Data(contentsOf: Fixtures.url("golden/optimizer.json")))
    }

    /// Fresh parameters holding the initial values, sorted by name.
    func parameters() throws -> NamedParameters {
        try shapes.keys.sorted().map { name in
            (name: name, tensor: try Tensor.parameter(shape: shapes[name]!, values: initial[name]!))
        }
    }

    /// Sets each parameter's gradient to the golden gradient of `step`.
    func setGradients(step: Int, of parameters: NamedParameters) throws {
        for parameter in parameters {
            parameter.tensor.gradient = try Tensor(
                shape: parameter.tensor.shape, values: gradients[step][parameter.name]!)
        }
    }
}

/// Compares with a relative tolerance plus a tiny absolute one (values near zero).
func expectNear(
    _ actual: [Float], _ expected: [Float], relative: Float = 1e-4, absolute: Float = 1e-6, _ label: String = "",
    sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(
        actual.count == expected.count, "\(label): \(actual.count) values, expected \(expected.count)",
        sourceLocation: sourceLocation)
    for (index, (a, e)) in zip(actual, expected).enumerated() where abs(a - e) > relative * abs(e) + absolute {
        Issue.record("\(label) element \(index): \(a) vs expected \(e)", sourceLocation: sourceLocation)
        return
    }
}

/// A fresh folder under the temporary directory, removed by `remove()`.
struct TemporaryFolder {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("cellscribe-tests-\(UUID().uuidString)")

    init() throws { try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true) }

    func file(_ name: String) -> URL { url.appendingPathComponent(name) }

    /// Names of the entries in the folder, hidden ones included, sorted.
    func contents() throws -> [String] { try FileManager.default.contentsOfDirectory(atPath: url.path).sorted() }

    func remove() { try? FileManager.default.removeItem(at: url) }
}
