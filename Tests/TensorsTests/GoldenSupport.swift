import Foundation
import Testing

@testable import Tensors

/// Paths of the committed fixtures (`Tests/Fixtures`, see `golden/PROVENANCE.md`).
enum Fixtures {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures")

    static func url(_ relativePath: String) -> URL { root.appendingPathComponent(relativePath) }
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
