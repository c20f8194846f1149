import Foundation
import Testing

@testable import Tensors

/// Values in ±[0.2, 1.2): away from the kinks of ReLU, |x| and clamp, so finite differences are exact enough.
func awayFromZero(_ shape: [Int], seed: UInt64) throws -> Tensor {
    var generator = TestValues(seed: seed)
    let values = generator.array(shape.reduce(1, *)).map { $0 < 0 ? $0 - 0.2 : $0 + 0.2 }
    return try Tensor(shape: shape, values: values, requiresGradient: true)
}

struct ActivationTests {
    static let functions: [(String, @Sendable (Tensor) throws -> Tensor, @Sendable (Double) -> Double)] = [
        ("relu", { try $0.relu() }, { max($0, 0) }),
        ("leakyReLU", { try $0.leakyReLU(slope: 0.1) }, { $0 > 0 ? $0 : 0.1 * $0 }),
        ("elu", { try $0.elu() }, { $0 > 0 ? $0 : Foundation.exp($0) - 1 }),
        ("sigmoid", { try $0.sigmoid() }, { 1 / (1 + Foundation.exp(-$0)) }),
        ("tanh", { try $0.tanh() }, { Foundation.tanh($0) }),
        ("exp", { try $0.exp() }, { Foundation.exp($0) }),
        ("log", { try $0.abs().log() }, { Foundation.log(Swift.abs($0)) }),
        ("pow", { try $0.abs().pow(1.5) }, { Foundation.pow(Swift.abs($0), 1.5) }),
        ("clamp", { try $0.clamped(-0.5, 0.5) }, { min(max($0, -0.5), 0.5) }),
        ("scaled", { try $0.scaled(by: 3, adding: -1) }, { 3 * $0 - 1 }),
        ("softplus", { try $0.softplus() }, { Foundation.log(1 + Foundation.exp($0)) }),
    ]

    @Test(arguments: functions.indices)
    func forwardMatchesDefinitionAndGradientsMatchFiniteDifferences(index: Int) throws {
        let (name, function, reference) = Self.functions[index]
        let input = try awayFromZero([2, 3, 4, 5], seed: UInt64(index))
        let expected = try input.values().map { Float(reference(Double($0))) }
        expectClose(try function(input).values(), expected, tolerance: 1e-5)
        try expectGradientsMatchFiniteDifferences([input], stride: 3) { try projected(function($0[0])) }
        // Blocked layouts give the same values (eltwise runs in any layout).
        let blocked = try channelBlocked(input)
        expectClose(try function(blocked).values(), expected, tolerance: 1e-5)
        _ = name
    }
}

struct ArithmeticTests {
    @Test func broadcastingKnownAnswers() throws {
        let matrix = try Tensor(shape: [2, 3], values: [1, 2, 3, 4, 5, 6])
        let row = try Tensor(shape: [1, 3], values: [10, 20, 30])
        let column = try Tensor(shape: [2, 1], values: [2, 4])
        #expect(try (matrix + row).values() == [11, 22, 33, 14, 25, 36])
        #expect(try (column - matrix).values() == [1, 0, -1, 0, -1, -2])
        #expect(try (matrix * column).values() == [2, 4, 6, 16, 20, 24])
        #expect(try (matrix / column).values() == [0.5, 1, 1.5, 1, 1.25, 1.5])
        #expect(throws: TensorsError.shapeMismatch(op: "add", lhs: [2, 3], rhs: [2, 2])) {
            try matrix + Tensor.zeros([2, 2])
        }
    }

    @Test(arguments: [([2, 3, 4, 4], [2, 3, 4, 4]), ([2, 3, 4, 4], [1, 3, 1, 1]), ([1, 3, 1, 4], [2, 1, 5, 4])])
    func gradientsMatchFiniteDifferencesWithBroadcasting(lhsShape: [Int], rhsShape: [Int]) throws {
        let lhs = try awayFromZero(lhsShape, seed: 1)
        let rhs = try awayFromZero(rhsShape, seed: 2)
        for operation in [Tensor.BinaryOperation.add, .subtract, .multiply, .divide] {
            try expectGradientsMatchFiniteDifferences([lhs, rhs], stride: 5) {
                try projected($0[0].binary(operation, $0[1]))
            }
        }
    }

    /// An operand that needs no gradient (a mask, a weight map) gets none, and the other operand's gradient is the
    /// one it gets when both need theirs.
    @Test(arguments: [false, true])
    func onlyOperandsThatNeedAGradientGetOne(constantOnTheLeft: Bool) throws {
        let (lhsValues, rhsValues) = (
            try awayFromZero([2, 3, 4, 4], seed: 3), try awayFromZero([2, 1, 4, 4], seed: 4)
        )
        for operation in [Tensor.BinaryOperation.add, .subtract, .multiply, .divide] {
            let (lhs, rhs) = (try lhsValues.values(), try rhsValues.values())
            let both = (
                try Tensor(shape: [2, 3, 4, 4], values: lhs, requiresGradient: true),
                try Tensor(shape: [2, 1, 4, 4], values: rhs, requiresGradient: true)
            )
            try projected(both.0.binary(operation, both.1)).backward()
            let one = (
                try Tensor(shape: [2, 3, 4, 4], values: lhs, requiresGradient: !constantOnTheLeft),
                try Tensor(shape: [2, 1, 4, 4], values: rhs, requiresGradient: constantOnTheLeft)
            )
            try projected(one.0.binary(operation, one.1)).backward()
            let (constant, trained, expected) =
                constantOnTheLeft
                ? (one.0, one.1, both.1.gradient!) : (one.1, one.0, both.0.gradient!)
            #expect(constant.gradient == nil)
            expectClose(try trained.gradient!.values(), try expected.values())
        }
    }
}

struct ReductionTests {
    @Test func sumsAndMeansKnownAnswers() throws {
        let input = try Tensor(shape: [2, 3], values: [1, 2, 3, 4, 5, 6])
        #expect(try input.sum().values() == [21])
        #expect(try input.mean().values() == [3.5])
        #expect(try input.sum(axes: [0]).values() == [5, 7, 9])
        #expect(try input.mean(axes: [1]).values() == [2, 5])
        let mask = try Tensor(shape: [2, 3], values: [1, 0, 1, 0, 0, 1])
        expectClose(try input.mean(where: mask).values(), [10.0 / 3], tolerance: 1e-6)
        #expect(throws: TensorsError.self) { try input.sum(axes: [2]) }
    }

    @Test func blockedSumIgnoresPaddingAndIsAccurate() throws {
        // 17 channels pad to 32 in nChw16c; one million ones sum exactly in Double accumulation.
        let ones = try channelBlocked(Tensor(shape: [4, 17, 128, 128], repeating: 1))
        #expect(try ones.sum().values() == [Float(4 * 17 * 128 * 128)])
        #expect(try ones.mean().values() == [1])
    }

    @Test(arguments: [[Int](), [1], [0, 2], [1, 2, 3]])
    func gradientsMatchFiniteDifferences(axes: [Int]) throws {
        let input = try awayFromZero([2, 3, 4, 2], seed: 5)
        try expectGradientsMatchFiniteDifferences([input], stride: 2) {
            try projected(axes.isEmpty ? $0[0].mean() : $0[0].sum(axes: axes))
        }
        try expectGradientsMatchFiniteDifferences([input], stride: 2) {
            try projected(axes.isEmpty ? $0[0].sum() : $0[0].mean(axes: axes))
        }
        let mask = try Tensor(shape: [2, 3, 4, 2], values: (0..<48).map { Float($0 % 3 == 0 ? 1 : 0) })
        try expectGradientsMatchFiniteDifferences([input], stride: 2) { try $0[0].mean(where: mask).scaled(by: 3) }
    }
}
