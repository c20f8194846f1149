import Foundation
import Testing

@testable import Tensors

let lossShapes: [[Int]] = [[2, 3, 4, 5], [1, 2, 3, 2, 4]]

/// Class ids in 0..<channels with every `ignoreEvery`-th pixel set to −1, shaped (N, 1, ...).
func classTargets(_ shape: [Int], ignoreEvery: Int = 5, seed: UInt64 = 40) throws -> Tensor {
    var generator = TestValues(seed: seed)
    var pixelShape = shape
    pixelShape[1] = 1
    let count = pixelShape.reduce(1, *)
    let values = (0..<count).map { index -> Float in
        let value = Float(Int((generator.next() + 1) / 2 * Float(shape[1])) % shape[1])
        return index % ignoreEvery == 3 ? -1 : value
    }
    return try Tensor(shape: pixelShape, values: values)
}

/// Values in (0, 1).
func probabilities(_ shape: [Int], seed: UInt64) throws -> Tensor {
    var generator = TestValues(seed: seed)
    return try Tensor(shape: shape, values: generator.array(shape.reduce(1, *)).map { 0.05 + 0.45 * ($0 + 1) })
}

@Suite("Softmax and losses")
struct SoftmaxLossTests {
    @Test(arguments: lossShapes)
    func softmaxGradients(_ shape: [Int]) throws {
        var generator = TestValues(seed: 30)
        let x = try generator.tensor(shape, requiresGradient: true)
        try expectGradientsMatchFiniteDifferences([x], stride: 2) { try projected($0[0].softmax()) }
        try expectGradientsMatchFiniteDifferences([x], stride: 2) { try projected($0[0].logSoftmax()) }
    }

    @Test func softmaxSumsToOneOverChannelsAndMatchesLogSoftmax() throws {
        var generator = TestValues(seed: 31)
        let x = try Tensor(shape: [2, 4, 3, 3], values: generator.array(72).map { $0 * 20 })
        let p = try x.softmax().values()
        for n in 0..<2 {
            for pixel in 0..<9 {
                let total = (0..<4).map { p[(n * 4 + $0) * 9 + pixel] }.reduce(0, +)
                #expect(Swift.abs(total - 1) < 1e-5)
            }
        }
        expectClose(try x.logSoftmax().values(), p.map { Foundation.log($0) }, tolerance: 1e-4)
    }

    @Test func softmaxOnBlockedLayoutEqualsPlain() throws {
        var generator = TestValues(seed: 32)
        let (blocked, plain) = try blockedFeatureMap(&generator)
        expectClose(try blocked.softmax().values(), try plain.softmax().values(), tolerance: 1e-5)
        expectClose(try blocked.logSoftmax().values(), try plain.logSoftmax().values(), tolerance: 1e-5)
    }

    @Test(arguments: lossShapes)
    func binaryCrossEntropyGradients(_ shape: [Int]) throws {
        var generator = TestValues(seed: 33)
        let logits = try Tensor(
            shape: shape, values: generator.array(shape.reduce(1, *)).map { $0 * 4 }, requiresGradient: true)
        let targets = try probabilities(shape, seed: 34)
        targets.requiresGradient = true
        var weightShape = shape
        weightShape[1] = 1
        let weights = try probabilities(weightShape, seed: 35)
        try expectGradientsMatchFiniteDifferences([logits, targets], stride: 3) {
            try binaryCrossEntropyWithLogits($0[0], $0[1])
        }
        try expectGradientsMatchFiniteDifferences([logits], stride: 3) {
            try binaryCrossEntropyWithLogits($0[0], targets.detached(), weights: weights)
        }
    }

    /// Large logits: the stable form gives finite values and the limits max(x, 0) − x·t.
    @Test func binaryCrossEntropyIsStableForLargeLogits() throws {
        let logits = try Tensor(shape: [1, 1, 1, 4], values: [100, -100, 100, -100], requiresGradient: true)
        let targets = try Tensor(shape: [1, 1, 1, 4], values: [1, 0, 0, 1])
        let loss = try binaryCrossEntropyWithLogits(logits, targets)
        expectClose(try loss.values(), [50])
        try loss.backward()
        expectClose(try #require(logits.gradient).values(), [0, 0, 0.25, -0.25])
    }

    @Test(arguments: lossShapes)
    func crossEntropyGradients(_ shape: [Int]) throws {
        var generator = TestValues(seed: 36)
        let logits = try Tensor(
            shape: shape, values: generator.array(shape.reduce(1, *)).map { $0 * 3 }, requiresGradient: true)
        let targets = try classTargets(shape)
        let weights = try probabilities(targets.shape, seed: 37)
        try expectGradientsMatchFiniteDifferences([logits], stride: 2) { try crossEntropy($0[0], targets: targets) }
        try expectGradientsMatchFiniteDifferences([logits], stride: 2) {
            try crossEntropy($0[0], targets: targets, weights: weights)
        }
    }

    @Test func crossEntropyKnownAnswerAndIgnoredPixels() throws {
        // Two pixels, 2 classes: ℓ = log(1 + e^(other − own)); the third pixel is ignored.
        let logits = try Tensor(shape: [1, 2, 1, 3], values: [0, 1, 5, 0, 0, -5], requiresGradient: true)
        let targets = try Tensor(shape: [1, 1, 1, 3], values: [0, 1, -1])
        let loss = try crossEntropy(logits, targets: targets)
        let expected = (Foundation.log(2.0) + Foundation.log(1 + Foundation.exp(1.0))) / 2
        expectClose(try loss.values(), [Float(expected)])
        try loss.backward()
        let gradient = try #require(logits.gradient).values()
        #expect(gradient[2] == 0 && gradient[5] == 0)
        let allIgnored = try crossEntropy(logits.detached(), targets: Tensor(shape: [1, 1, 1, 3], repeating: -1))
        #expect(try allIgnored.values() == [0])
        let logitsAgain = try Tensor(shape: [1, 2, 1, 3], values: [0, 1, 5, 0, 0, -5], requiresGradient: true)
        try crossEntropy(logitsAgain, targets: Tensor(shape: [1, 1, 1, 3], repeating: -1)).backward()
        #expect(try #require(logitsAgain.gradient).values().allSatisfy { $0 == 0 })
        #expect(throws: TensorsError.self) {
            try crossEntropy(logits, targets: Tensor(shape: [1, 1, 1, 3], values: [0, 2, 1]))
        }
        #expect(throws: TensorsError.self) {
            try crossEntropy(logits, targets: Tensor(shape: [1, 1, 1, 3], values: [0, 0.5, 1]))
        }
        #expect(throws: TensorsError.shapeMismatch(op: "cross-entropy", lhs: [1, 2, 1, 3], rhs: [1, 2, 1, 3])) {
            try crossEntropy(logits, targets: logits)
        }
    }

    @Test(arguments: lossShapes)
    func softDiceGradients(_ shape: [Int]) throws {
        let p = try probabilities(shape, seed: 38)
        p.requiresGradient = true
        let t = try probabilities(shape, seed: 39)
        t.requiresGradient = true
        for squared in [false, true] {
            try expectGradientsMatchFiniteDifferences([p, t], stride: 3) {
                try softDice($0[0], $0[1], smooth: 1, squaredDenominator: squared)
            }
        }
    }

    @Test func softDiceKnownAnswers() throws {
        let mask = try Tensor(shape: [1, 2, 2, 2], values: [1, 0, 0, 1, 0, 0, 0, 0])
        // Perfect prediction: channel 0 has D = (4 + 1)/(4 + 1) = 1, empty channel 1 has D = 1/1.
        expectClose(try softDice(mask, mask, smooth: 1).values(), [0])
        let half = try Tensor(shape: [1, 2, 2, 2], repeating: 0.5)
        // Channel 0: (2·1 + 1)/(2 + 2 + 1) = 0.6; channel 1: 1/(2 + 1); loss = 1 − (0.6 + 1/3)/2.
        expectClose(try softDice(half, mask, smooth: 1).values(), [Float(1 - (0.6 + 1.0 / 3) / 2)])
    }

    @Test(arguments: lossShapes)
    func meanSquaredErrorGradients(_ shape: [Int]) throws {
        var generator = TestValues(seed: 41)
        let prediction = try generator.tensor(shape, requiresGradient: true)
        let target = try generator.tensor(shape, requiresGradient: true)
        let weights = try probabilities(shape, seed: 42)
        try expectGradientsMatchFiniteDifferences([prediction, target], stride: 3) {
            try meanSquaredError($0[0], $0[1])
        }
        try expectGradientsMatchFiniteDifferences([prediction, target], stride: 3) {
            try meanSquaredError($0[0], $0[1], weights: weights)
        }
        let values = zip(try prediction.values(), try target.values()).map { Double($0 - $1) * Double($0 - $1) }
        expectClose(
            try meanSquaredError(prediction, target).values(), [Float(values.reduce(0, +) / Double(values.count))])
    }

    @Test func lossShapeErrorsNameBothShapes() throws {
        let a = try Tensor.zeros([1, 2, 3, 3])
        let b = try Tensor.zeros([1, 2, 3, 4])
        #expect(throws: TensorsError.shapeMismatch(op: "binary cross-entropy", lhs: [1, 2, 3, 3], rhs: [1, 2, 3, 4])) {
            try binaryCrossEntropyWithLogits(a, b)
        }
        #expect(
            throws: TensorsError.shapeMismatch(op: "mean squared error weights", lhs: [1, 2, 3, 3], rhs: [1, 2, 3, 4])
        ) {
            try meanSquaredError(a, a, weights: b)
        }
        #expect(throws: TensorsError.shapeMismatch(op: "soft Dice", lhs: [1, 2, 3, 3], rhs: [1, 2, 3, 4])) {
            try softDice(a, b)
        }
    }
}
