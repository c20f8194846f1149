import CDNNL
import Foundation
import Testing

@testable import Tensors

/// The optimiser a golden case describes, over `parameters`.
func makeOptimizer(_ hyper: OptimizerGolden.Hyperparameters, _ parameters: NamedParameters) throws -> Optimizer {
    switch hyper.kind {
    case "SGD":
        return try SGD(
            parameters: parameters, learningRate: hyper.lr, momentum: hyper.momentum ?? 0,
            weightDecay: hyper.weightDecay, nesterov: hyper.nesterov ?? false)
    case "Adam":
        let betas = try #require(hyper.betas)
        return try Adam(
            parameters: parameters, learningRate: hyper.lr, betas: (betas[0], betas[1]), epsilon: hyper.eps ?? 1e-8,
            weightDecay: hyper.weightDecay)
    default:
        let betas = try #require(hyper.betas)
        return try AdamW(
            parameters: parameters, learningRate: hyper.lr, betas: (betas[0], betas[1]), epsilon: hyper.eps ?? 1e-8,
            weightDecay: hyper.weightDecay)
    }
}

/// A gradient that depends on the parameter's values and the step, so trajectories diverge when state is lost.
func syntheticGradient(for parameter: Tensor, step: Int) throws -> Tensor {
    let values = try parameter.values().enumerated().map { index, value in
        0.3 * value - 0.05 * Float(step) + 0.01 * Float(index % 7) - 0.02
    }
    return try Tensor(shape: parameter.shape, values: values)
}

let optimizerKinds = ["SGD", "SGD-nesterov", "Adam", "AdamW"]

func makeOptimizer(kind: String, _ parameters: NamedParameters) throws -> Optimizer {
    switch kind {
    case "SGD": try SGD(parameters: parameters, learningRate: 0.1, momentum: 0.9, weightDecay: 0.01)
    case "SGD-nesterov": try SGD(parameters: parameters, learningRate: 0.05, momentum: 0.8, nesterov: true)
    case "Adam": try Adam(parameters: parameters, learningRate: 0.01, weightDecay: 0.1)
    default: try AdamW(parameters: parameters, learningRate: 0.01, betas: (0.8, 0.99), weightDecay: 0.05)
    }
}

@Suite("Optimizers")
struct OptimizerTests {
    @Test(arguments: ["sgd_momentum", "sgd_nesterov", "sgd_plain", "adam", "adamw"])
    func matchesPyTorch(_ name: String) throws {
        let golden = try OptimizerGolden.load()
        let testCase = try #require(golden.optimizers.first { $0.name == name })
        let parameters = try golden.parameters()
        let optimizer = try makeOptimizer(testCase.hyperparameters, parameters)
        for (step, expected) in testCase.trajectory.enumerated() {
            try golden.setGradients(step: step, of: parameters)
            try optimizer.step()
            for parameter in parameters {
                let label = "\(name) step \(step + 1) \(parameter.name)"
                let actual = try parameter.tensor.values()
                expectNear(actual, expected[parameter.name]!, label)
                // Updates are small next to the values, so compare the displacements too.
                let initial = golden.initial[parameter.name]!
                let moved = zip(actual, initial).map { $0 - $1 }
                expectNear(moved, zip(expected[parameter.name]!, initial).map { $0 - $1 }, absolute: 1e-6, label)
            }
        }
    }

    @Test func skipsParametersWithoutGradient() throws {
        let golden = try OptimizerGolden.load()
        let parameters = try golden.parameters()
        let before = try parameters.map { try $0.tensor.values() }
        let optimizer = try Adam(parameters: parameters, learningRate: 0.1)
        try golden.setGradients(step: 0, of: parameters)
        parameters[0].tensor.zeroGradient()
        try optimizer.step()
        #expect(try parameters[0].tensor.values() == before[0])
        #expect(try parameters[1].tensor.values() != before[1])
        #expect(try optimizer.state().parameterSteps == [parameters[1].name: 1])
        optimizer.zeroGradients()
        #expect(parameters.allSatisfy { $0.tensor.gradient == nil })
    }

    /// Blocked weights (OIhw16i16o, output and input channels padded to 32) follow the same trajectory as
    /// plain ones, also when the layout changes between steps, and their padding stays zero.
    @Test(arguments: optimizerKinds)
    func blockedLayoutMatchesPlain(_ kind: String) throws {
        let shape = [20, 18, 3, 3]
        let blocked = MemoryDescriptor.make(shape, tag: dnnl_OIhw16i16o)
        var generator = TestValues(seed: 7)
        let initial = generator.array(shape.reduce(1, *))
        let plain = try Tensor.parameter(shape: shape, values: initial)
        let reordered = try Tensor.parameter(shape: shape, values: initial).reordered(to: blocked)
        let late = try Tensor.parameter(shape: shape, values: initial)
        #expect(reordered.storageCount > reordered.elementCount)
        let runs: [NamedParameters] = [[("w", plain)], [("w", reordered)], [("w", late)]]
        let optimizers = try runs.map { try makeOptimizer(kind: kind, $0) }
        for step in 0..<4 {
            // The third parameter adopts the blocked layout after its first update, as a convolution weight does.
            if step == 1 { try late.adoptLayout(blocked) }
            let gradient = try syntheticGradient(for: plain, step: step)
            for (run, optimizer) in zip(runs, optimizers) {
                run[0].tensor.gradient = gradient
                try optimizer.step()
            }
        }
        #expect(late.layout == blocked)
        let expected = try plain.values()
        for tensor in [reordered, late] {
            expectNear(try tensor.values(), expected, relative: 1e-6, absolute: 1e-7, kind)
            let padding = tensor.sumOfSquares() - Double(try tensor.values().reduce(0) { $0 + $1 * $1 })
            #expect(abs(padding) < 1e-3, "padding of blocked storage is not zero")
        }
    }

    /// Six steps straight equal three steps, a save to disk, a load into fresh parameters and optimiser, and
    /// three more steps; one parameter misses a gradient on step 2, so per-parameter step counts matter.
    @Test(arguments: optimizerKinds)
    func resumeContinuesTheSameTrajectory(_ kind: String) throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        func fresh() throws -> NamedParameters {
            var generator = TestValues(seed: 3)
            return [
                ("conv.weight", try generator.tensor([4, 3, 3, 3], requiresGradient: true)),
                ("conv.bias", try generator.tensor([4], requiresGradient: true)),
            ]
        }
        func train(_ parameters: NamedParameters, _ optimizer: Optimizer, steps: Range<Int>) throws {
            for step in steps {
                optimizer.zeroGradients()
                for (index, parameter) in parameters.enumerated() where !(step == 1 && index == 1) {
                    parameter.tensor.gradient = try syntheticGradient(for: parameter.tensor, step: step)
                }
                try optimizer.step()
            }
        }
        let straight = try fresh()
        try train(straight, try makeOptimizer(kind: kind, straight), steps: 0..<6)

        let first = try fresh()
        let firstOptimizer = try makeOptimizer(kind: kind, first)
        try train(first, firstOptimizer, steps: 0..<3)
        try ModelFile(parameters: first).write(to: folder.file("model.safetensors"))
        try firstOptimizer.state().write(to: folder.file("optimizer.safetensors"))

        let resumed = try fresh()
        try ModelFile.read(from: folder.file("model.safetensors")).load(into: resumed)
        // Different hyperparameters at construction: the state restores the saved ones.
        let resumedOptimizer = try makeOptimizer(kind: kind, resumed)
        resumedOptimizer.learningRate = 123
        try resumedOptimizer.load(OptimizerState.read(from: folder.file("optimizer.safetensors")))
        #expect(try resumedOptimizer.state().stepCount == 3)
        try train(resumed, resumedOptimizer, steps: 3..<6)
        for (a, b) in zip(straight, resumed) {
            #expect(try a.tensor.values() == b.tensor.values(), "\(kind) \(a.name)")
        }
    }

    @Test func stateOfAnotherKindOrShapeIsRefused() throws {
        let parameters: NamedParameters = [("w", try Tensor.parameter(shape: [2, 2], values: [1, 2, 3, 4]))]
        let adam = try Adam(parameters: parameters)
        parameters[0].tensor.gradient = try Tensor(shape: [2, 2], values: [1, 1, 1, 1])
        try adam.step()
        let state = try adam.state()
        #expect(state.buffers.keys.sorted() == ["w.exp_avg", "w.exp_avg_sq"])
        #expect(throws: TensorsError.self) { try SGD(parameters: parameters, learningRate: 0.1).load(state) }

        let other: NamedParameters = [("v", try Tensor.parameter(shape: [3], values: [1, 2, 3]))]
        #expect(
            throws: TensorsError.parametersDoNotMatch(
                source: "optimizer state", missing: [], unexpected: ["step of 'w'", "w.exp_avg", "w.exp_avg_sq"],
                shapes: [])
        ) { try Adam(parameters: other).load(state) }

        let reshaped: NamedParameters = [("w", try Tensor.parameter(shape: [4], values: [1, 2, 3, 4]))]
        #expect(
            throws: TensorsError.parametersDoNotMatch(
                source: "optimizer state", missing: [], unexpected: [],
                shapes: [
                    .init(name: "w.exp_avg", expected: [4], found: [2, 2]),
                    .init(name: "w.exp_avg_sq", expected: [4], found: [2, 2]),
                ])
        ) { try Adam(parameters: reshaped).load(state) }
    }

    @Test func invalidHyperparametersAreRefused() throws {
        let parameters: NamedParameters = [("w", try Tensor.parameter(shape: [2], values: [1, 2]))]
        #expect(throws: TensorsError.invalidArgument(op: "Adam", reason: "beta1 must be in [0, 1); got 1.0")) {
            try Adam(parameters: parameters, betas: (1, 0.999))
        }
        #expect(throws: TensorsError.self) { try AdamW(parameters: parameters, epsilon: 0) }
        #expect(throws: TensorsError.self) { try SGD(parameters: parameters, learningRate: -1) }
        #expect(throws: TensorsError.self) { try SGD(parameters: parameters, learningRate: 0.1, nesterov: true) }
        #expect(throws: TensorsError.self) { try SGD(parameters: parameters + parameters, learningRate: 0.1) }
    }

    @Test(arguments: [0, 1])
    func clippingMatchesPyTorch(_ index: Int) throws {
        let golden = try OptimizerGolden.load()
        let expected = golden.clipping[index]
        let parameters = try golden.parameters()
        try golden.setGradients(step: 0, of: parameters)
        let norm = try clipGradientNorm(parameters, maxNorm: expected.maxNorm)
        expectNear([norm], [expected.totalNorm], "norm")
        for parameter in parameters {
            expectNear(
                try #require(parameter.tensor.gradient).values(), expected.clipped[parameter.name]!, parameter.name)
        }
    }

    @Test func clippingBlockedGradientsSharingStorage() throws {
        let shape = [20, 18, 3, 3]
        var generator = TestValues(seed: 11)
        let values = generator.array(shape.reduce(1, *))
        let gradient = try Tensor(shape: shape, values: values).reordered(to: .make(shape, tag: dnnl_OIhw16i16o))
        let parameters: NamedParameters = [
            ("a", try Tensor.parameter(shape: shape, values: values)),
            ("b", try Tensor.parameter(shape: shape, values: values)),
        ]
        // One gradient tensor shared by both parameters, as an addition's backward hands out.
        for parameter in parameters { parameter.tensor.gradient = gradient }
        let norm = try clipGradientNorm(parameters, maxNorm: 1)
        let expectedNorm = (2 * values.reduce(0) { $0 + Double($1) * Double($1) }).squareRoot()
        expectNear([norm], [Float(expectedNorm)], relative: 1e-5)
        let factor = Float(1 / (expectedNorm + 1e-6))
        for parameter in parameters {
            expectNear(try #require(parameter.tensor.gradient).values(), values.map { $0 * factor }, relative: 1e-5)
        }
        #expect(throws: TensorsError.self) { try clipGradientNorm(parameters, maxNorm: 0) }
    }
}
