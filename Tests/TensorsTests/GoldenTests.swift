import Testing

@testable import Tensors

/// The engine's ops against PyTorch 2.x (float32): `Tests/Fixtures/golden/engine.json`, written by
/// `scripts/golden/engine_golden.py` (see the folder's PROVENANCE.md). Tests never run Python.
@Suite("PyTorch golden values")
struct GoldenTests {
    @Test func fileLoads() throws {
        let cases = try Golden.load()
        #expect(cases.count >= 40)
        let ops = Set(cases.map(\.op))
        #expect(
            ops == [
                "conv", "conv_transpose", "pool", "resize", "batch_norm", "group_norm", "softmax", "bce",
                "cross_entropy", "dice", "mse",
            ])
    }

    static func convolutionOptions(_ golden: GoldenCase) -> ConvolutionOptions {
        ConvolutionOptions(
            stride: golden.ints("stride"), padding: golden.ints("padding"), dilation: golden.ints("dilation"),
            groups: golden.ints("groups")[0])
    }

    @Test(arguments: Golden.cases("conv"))
    func convolution(_ golden: GoldenCase) throws {
        try Golden.check(golden, differentiable: ["input", "weight", "bias"]) { t in
            try t["input"]!.convolved(with: t["weight"]!, bias: t["bias"]!, options: Self.convolutionOptions(golden))
        }
    }

    @Test(arguments: Golden.cases("conv_transpose"))
    func transposedConvolution(_ golden: GoldenCase) throws {
        try Golden.check(golden, differentiable: ["input", "weight", "bias"]) { t in
            try t["input"]!.transposedConvolved(
                with: t["weight"]!, bias: t["bias"]!, options: Self.convolutionOptions(golden),
                outputPadding: golden.ints("output_padding"))
        }
    }

    @Test(arguments: Golden.cases("pool"))
    func pooling(_ golden: GoldenCase) throws {
        let kind: PoolingKind = golden.ints("kind")[0] == 0 ? .max : .average
        try Golden.check(golden, differentiable: ["input"]) { t in
            try t["input"]!.pooled(
                kind, kernel: golden.ints("kernel"), stride: golden.ints("stride"), padding: golden.ints("padding"))
        }
    }

    @Test(arguments: Golden.cases("resize"))
    func resampling(_ golden: GoldenCase) throws {
        let mode: ResamplingMode =
            golden.ints("mode")[0] == 0 ? .nearest : .linear(alignCorners: golden.flag("align_corners"))
        try Golden.check(golden, differentiable: ["input"]) { t in
            try t["input"]!.resized(to: golden.ints("size"), mode: mode)
        }
    }

    @Test(arguments: Golden.cases("batch_norm"))
    func batchNormalisation(_ golden: GoldenCase) throws {
        let channels = try golden.tensor("weight").shape[0]
        let state = try BatchNormState(channels: channels, momentum: 0.1, epsilon: 1e-5)
        try state.setRunningStatistics(
            mean: golden.tensor("running_mean").data, variance: golden.tensor("running_var").data)
        try Golden.check(golden, differentiable: ["input", "weight", "bias"]) { t in
            try t["input"]!.batchNormalized(
                scale: t["weight"]!, shift: t["bias"]!, state: state, training: golden.flag("training"))
        }
        try Golden.expectMatches(state.runningMean, golden.tensor("running_mean_after"), "\(golden.name) running mean")
        try Golden.expectMatches(
            state.runningVariance, golden.tensor("running_var_after"), "\(golden.name) running variance")
    }

    @Test(arguments: Golden.cases("group_norm"))
    func groupNormalisation(_ golden: GoldenCase) throws {
        try Golden.check(golden, differentiable: ["input", "weight", "bias"]) { t in
            try t["input"]!.groupNormalized(groups: golden.ints("groups")[0], scale: t["weight"]!, shift: t["bias"]!)
        }
    }

    @Test(arguments: Golden.cases("softmax"))
    func softmax(_ golden: GoldenCase) throws {
        try Golden.check(golden, differentiable: ["input"]) { t in
            golden.flag("log") ? try t["input"]!.logSoftmax() : try t["input"]!.softmax()
        }
    }

    @Test(arguments: Golden.cases("bce"))
    func binaryCrossEntropy(_ golden: GoldenCase) throws {
        try Golden.check(golden, differentiable: ["logits"]) { t in
            try binaryCrossEntropyWithLogits(t["logits"]!, t["targets"]!, weights: t["weights"])
        }
    }

    @Test(arguments: Golden.cases("cross_entropy"))
    func crossEntropyLoss(_ golden: GoldenCase) throws {
        try Golden.check(golden, differentiable: ["logits"]) { t in
            try crossEntropy(
                t["logits"]!, targets: t["targets"]!, weights: t["weights"], ignoreIndex: golden.ints("ignore_index")[0]
            )
        }
    }

    @Test(arguments: Golden.cases("dice"))
    func dice(_ golden: GoldenCase) throws {
        try Golden.check(golden, differentiable: ["probabilities"]) { t in
            try softDice(t["probabilities"]!, t["targets"]!, smooth: 1, squaredDenominator: golden.flag("squared"))
        }
    }

    @Test(arguments: Golden.cases("mse"))
    func meanSquared(_ golden: GoldenCase) throws {
        try Golden.check(golden, differentiable: ["prediction", "target"]) { t in
            try meanSquaredError(t["prediction"]!, t["target"]!, weights: t["weights"])
        }
    }
}
