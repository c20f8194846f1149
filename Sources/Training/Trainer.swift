import Foundation
import Networks
import Tensors

/// Trains a segmentation U-Net on labelled images: patches with augmentation drawn on a background thread,
/// AdamW, a learning-rate schedule, validation each epoch, the best model kept, resumable checkpoints.
public final class Trainer {
    public let options: TrainingOptions
    let entries: [DatasetEntry]
    /// Where the best model goes; the checkpoint sits beside it (`checkpointURL`).
    public let output: URL
    /// Fine-tune from this model's weights (its task, dimensions and channels must match).
    let initialModel: URL?
    /// Continue from `output`'s checkpoint: weights, optimiser state, epoch, elapsed time, best score.
    let resume: Bool

    public init(options: TrainingOptions, dataset: [DatasetEntry], output: URL, from initialModel: URL? = nil, resume: Bool = false) {
        self.options = options
        self.entries = dataset
        self.output = output
        self.initialModel = initialModel
        self.resume = resume
    }

    /// The resumable checkpoint written every `checkpointEvery` epochs: `<output stem>.checkpoint.safetensors`.
    public var checkpointURL: URL { Self.checkpointFiles(for: output)[0] }
    var optimizerURL: URL { Self.checkpointFiles(for: output)[1] }

    /// The files a run writes beside `output` to resume from: the checkpoint (weights, progress) and the
    /// optimiser state.
    public static func checkpointFiles(for output: URL) -> [URL] {
        [sibling(of: output, suffix: "checkpoint.safetensors"), sibling(of: output, suffix: "checkpoint.optimizer.safetensors")]
    }

    static func sibling(of url: URL, suffix: String) -> URL {
        url.deletingPathExtension().appendingPathExtension(suffix)
    }

    /// The scribbles head: a fine-tuned model's own (the options may not ask for another), else the options'
    /// for the tasks and classes in `data`.
    func mixtureLayout(data: TrainingData, startingLayout: MixtureLayout?) throws -> MixtureLayout {
        let classes = data.taskClassCounts ?? [data.classCount]
        guard let startingLayout else { return try options.mixtureLayout(taskClasses: classes, inputChannels: data.channels) }
        if options.mixtureComponents != nil || options.reconstructedChannels != nil {
            let requested = try options.mixtureLayout(taskClasses: classes, inputChannels: data.channels)
            guard requested == startingLayout else {
                throw TrainingError.invalidOption(
                    name: "--components/--reconstruct", value: "\(requested.tasks.map(\.components))",
                    reason: "the model being fine-tuned has components \(startingLayout.tasks.map(\.components)) and "
                        + "reconstructs \(startingLayout.tasks.map(\.reconstructedChannels)); leave these options out")
            }
        }
        return startingLayout
    }

    /// Runs training until the epochs or the time budget are used up, or `interruption` asks otherwise (asked
    /// after every step), reporting progress to `events`.
    ///
    /// - Returns: the summary also sent as the last event.
    /// - Throws: `TrainingError` for bad options, data or models; engine errors from the network.
    @discardableResult
    public func run(
        events: (TrainingEvent) -> Void, interruption: () -> TrainingInterruption? = { nil }
    ) throws -> TrainingSummary {
        let clock = ContinuousClock()
        let start = clock.now
        try options.validate()
        let startingPoint = try StartingPoint.load(options: options, initialModel: initialModel, checkpoint: resume ? checkpointURL : nil)
        let startingLayout = startingPoint?.info.mixtureLayout
        // A fine-tuned model keeps the scale it was trained at unless the options name one (0: none).
        let resizesCells = options.task == .instances && options.dimensions == 2
        let cellDiameter = resizesCells ? (options.cellDiameter ?? startingPoint?.info.cellDiameter).flatMap { $0 > 0 ? $0 : nil } : nil
        let data = try options.task == .scribbles
            ? TrainingData.loadScribbles(
                entries, options: options, channels: startingPoint?.info.input.channels,
                taskClasses: startingLayout?.tasks.map(\.classes))
            : TrainingData.load(
                entries, options: options, channels: startingPoint?.info.input.channels,
                classCount: startingPoint?.info.classCount, cellDiameter: cellDiameter)
        let mixture = try options.task == .scribbles ? mixtureLayout(data: data, startingLayout: startingLayout) : nil
        let info = SegmentationModelInfo(
            task: options.task, input: InputPreparation(channels: data.channels), classCount: data.classCount,
            patchShape: options.effectivePatchShape, spacing: data.spacing,
            instances: startingPoint?.info.instances ?? InstanceOptions(), mixture: mixture, cellDiameter: cellDiameter)
        let configuration = UNetConfiguration(
            dimensions: options.dimensions, inputChannels: data.channels,
            outputChannels: options.task.outputChannels(
                classCount: data.classCount, inputChannels: data.channels, mixture: mixture), widths: options.widths,
            dropout: options.dropout, upsampling: options.upsampling,
            normalization: options.normalization)
        let network = try startingPoint?.network ?? UNet(configuration, seed: options.seed)
        let model = SegmentationModel(network: network, info: info, members: startingPoint?.members ?? [])
        var optimizer = try AdamW(
            parameters: network.namedParameters, learningRate: options.learningRate, weightDecay: options.weightDecay)
        var progress = startingPoint?.progress ?? TrainingProgress()
        if options.schedule == .plateau, progress.plateau == nil {
            progress.plateau = try ReduceOnPlateauSchedule(
                initialLearningRate: options.learningRate,
                options: .init(factor: 0.2, patience: options.plateauPatience))
        }
        if resume, let state = try? OptimizerState.read(from: optimizerURL) { try optimizer.load(state) }

        let sampler = try PatchSampler(
            patchShape: options.effectivePatchShape, augmentation: options.augmentation,
            foregroundFraction: options.task == .scribbles ? options.scribbleFraction : options.foregroundFraction)
        let stepsPerEpoch = options.stepsPerEpoch ?? Self.automaticStepsPerEpoch(data.training, options: options)
        let validator = Validator(task: options.task, samples: Array(data.validation.prefix(options.validationImageLimit)))
        let loss: any TrainingObjective = mixture.map {
            ScribbleLoss(
                layout: $0, foregroundWeight: options.scribbleWeight, backgroundWeight: options.scribbleWeight,
                reconstructionWeight: options.reconstructionWeight, totalVariationWeight: options.totalVariationWeight)
        } ?? TrainingLoss(head: model.head, channels: configuration.outputChannels)
        let blindSpot = options.task == .scribbles && options.reconstructionWeight > 0 ? options.blindSpot : nil
        events(.started(TrainingStart(
            task: options.task, trainingImages: data.training.count, validationImages: data.validation.count,
            parameters: network.parameterCount, stepsPerEpoch: stepsPerEpoch, epochs: options.epochs,
            timeBudgetSeconds: options.timeBudgetSeconds, resumedFromEpoch: startingPoint?.progress == nil ? nil : progress.epoch)))

        let elapsedBefore = progress.elapsedSeconds
        func elapsed() -> Double { elapsedBefore + (clock.now - start).seconds }
        var stopReason: String?
        var lastEpochScore: Double?
        var dropout: RandomGenerator? = RandomGenerator(seed: options.seed &+ 7919 &* UInt64(progress.epoch + 1))
        while stopReason == nil {
            let epoch = progress.epoch + 1
            let loader = BatchLoader(
                sampler: sampler, samples: data.training, batchSize: options.effectiveBatchSize,
                seed: options.seed &+ UInt64(epoch) &* 1_000_003, blindSpot: blindSpot)
            defer { loader.stop() }
            var lossSum = 0.0
            var steps = 0
            for step in 1...stepsPerEpoch {
                optimizer.learningRate = learningRate(progress: progress, elapsed: elapsed(), stepsPerEpoch: stepsPerEpoch)
                let batch = loader.next()
                optimizer.zeroGradients()
                let input = try Tensor(shape: batch.inputShape, values: batch.input)
                let value = try loss(try network(input, dropout: &dropout), batch: batch)
                try value.backward()
                try optimizer.step()
                let lossValue = Double(try value.values()[0])
                guard lossValue.isFinite else {
                    throw TrainingError.invalidOption(
                        name: "--learning-rate", value: "\(options.learningRate)",
                        reason: "the loss became \(lossValue) at epoch \(epoch), step \(step); try a smaller rate")
                }
                lossSum += lossValue
                steps += 1
                progress.steps += 1
                events(.step(TrainingStep(
                    epoch: epoch, step: step, stepsPerEpoch: stepsPerEpoch, loss: lossValue, elapsedSeconds: elapsed(),
                    etaSeconds: eta(progress: progress, elapsed: elapsed(), stepsPerEpoch: stepsPerEpoch))))
                if let budget = options.timeBudgetSeconds, elapsed() >= budget {
                    stopReason = "time budget"
                    break
                }
                if let request = interruption() {
                    stopReason = request.rawValue
                    break
                }
            }
            progress.epoch = epoch
            if stopReason == TrainingInterruption.paused.rawValue {
                return try pause(model: model, optimizer: optimizer, progress: progress, elapsed: elapsed(), events: events)
            }
            if stopReason == nil, let epochs = options.epochs, epoch >= epochs { stopReason = "epochs" }
            let scores = try validator.score(model)
            lastEpochScore = scores.score
            // With a checkpoint ensemble the best is sought within each cycle (scored with the finished members).
            let reference = options.ensembleSize > 1 ? progress.cycleBestScore : progress.bestScore
            let isBest: Bool
            if let best = reference { isBest = scores.score.map { $0 > best } ?? false } else { isBest = true }
            if isBest || validator.samples.isEmpty {
                progress.cycleBestScore = scores.score
                if progress.bestScore.map({ best in scores.score.map { $0 > best } ?? false }) ?? true {
                    progress.bestScore = scores.score
                }
                progress.bestEpoch = epoch
                try model.write(to: output, training: progress.record(options: options))
            }
            progress.elapsedSeconds = elapsed()
            events(.epoch(EpochReport(
                epoch: epoch, steps: steps, trainingLoss: lossSum / Double(max(steps, 1)),
                learningRate: Double(optimizer.learningRate), validation: scores.values, score: scores.score,
                scoreName: validator.scoreName, isBest: isBest, elapsedSeconds: progress.elapsedSeconds,
                etaSeconds: eta(progress: progress, elapsed: elapsed(), stepsPerEpoch: stepsPerEpoch))))
            let plateauMetric = scores.score.map { 1 - $0 } ?? lossSum / Double(max(steps, 1))
            try progress.plateau?.step(metric: Float(plateauMetric))
            let cycle = cycleIndex(progress: progress, elapsed: elapsed(), stepsPerEpoch: stepsPerEpoch)
            if stopReason == nil, cycle > (progress.cycle ?? 0) {
                // The cycle's best (in `output`) joins the members; Adam restarts on fresh patches.
                let finished = try SegmentationModel(contentsOf: output)
                model.members = finished.networks.dropFirst() + [finished.network]
                try SegmentationModel(network: model.members.last!, info: info, members: model.members.dropLast())
                    .write(to: output, training: progress.record(options: options))
                progress.cycle = cycle
                progress.cycleBestScore = nil
                optimizer = try AdamW(
                    parameters: network.namedParameters, learningRate: options.learningRate, weightDecay: options.weightDecay)
                events(.cycle(epoch: epoch, members: model.members.count))
            }
            if epoch % options.checkpointEvery == 0 || stopReason != nil {
                try model.write(to: checkpointURL, training: progress.record(options: options))
                try optimizer.state().write(to: optimizerURL)
                events(.checkpoint(path: checkpointURL.path, epoch: epoch))
            }
        }
        // Thresholds are chosen once, so every held-out image takes part (epochs score a fixed subset).
        let tuned = try chooseFinalModel(
            validator: Validator(task: options.task, samples: data.validation), finalWeights: model,
            finalScore: lastEpochScore, progress: &progress)
        let summary = TrainingSummary(
            epochs: progress.epoch, steps: progress.steps, elapsedSeconds: elapsed(), bestEpoch: progress.bestEpoch,
            bestScore: progress.bestScore, scoreName: validator.scoreName, modelPath: output.path,
            stopReason: stopReason ?? "epochs", instanceOptions: tuned?.options, tunedScore: tuned?.score)
        events(.finished(summary))
        return summary
    }

    /// Writes the checkpoint (current weights, optimiser, progress) and returns at once: no validation of the
    /// unfinished epoch, no threshold search. `resume` continues from here.
    private func pause(
        model: SegmentationModel, optimizer: AdamW, progress: TrainingProgress, elapsed: Double, events: (TrainingEvent) -> Void
    ) throws -> TrainingSummary {
        var progress = progress
        progress.elapsedSeconds = elapsed
        try model.write(to: checkpointURL, training: progress.record(options: options))
        try optimizer.state().write(to: optimizerURL)
        events(.checkpoint(path: checkpointURL.path, epoch: progress.epoch))
        let summary = TrainingSummary(
            epochs: progress.epoch, steps: progress.steps, elapsedSeconds: elapsed, bestEpoch: progress.bestEpoch,
            bestScore: progress.bestScore, scoreName: Validator(task: options.task, samples: []).scoreName,
            modelPath: output.path, stopReason: TrainingInterruption.paused.rawValue)
        events(.finished(summary))
        return summary
    }

    /// Chooses the best model's instance thresholds on every validation image and stores them in the model file.
    /// When the best epoch (scored on a fixed subset of the held-out images, so partly by chance) is not the last,
    /// the final weights are tuned too and replace it in `output` if they score higher over all held-out images
    /// (single models; an ensemble keeps its members). `finalScore` is the last epoch's score on the subset.
    private func chooseFinalModel(
        validator: Validator, finalWeights: SegmentationModel, finalScore: Double?, progress: inout TrainingProgress
    ) throws -> (options: InstanceOptions, score: Double)? {
        guard FileManager.default.fileExists(atPath: output.path) else { return nil }
        var chosen = try SegmentationModel(contentsOf: output)
        guard var tuned = try validator.tunedInstanceOptions(chosen) else { return nil }
        if progress.bestEpoch != progress.epoch, options.ensembleSize == 1 {
            let last = SegmentationModel(network: finalWeights.network, info: chosen.info)
            if let tunedLast = try validator.tunedInstanceOptions(last), tunedLast.score > tuned.score {
                (chosen, tuned) = (last, tunedLast)
                progress.bestEpoch = progress.epoch
                progress.bestScore = finalScore
            }
        }
        chosen.info.instances = tuned.options
        try chosen.write(to: output, training: progress.record(options: options))
        return tuned
    }

    /// Enough steps to draw each training pixel about once per epoch, between 20 and 400.
    static func automaticStepsPerEpoch(_ samples: [TrainingSample], options: TrainingOptions) -> Int {
        let pixels = samples.reduce(0) { $0 + $1.image.planeCount }
        let perStep = options.effectiveBatchSize * options.effectivePatchShape.reduce(1, *)
        return min(400, max(20, (pixels + perStep - 1) / perStep))
    }

    /// How far the run is, 0...1: by the time budget or the epochs, whichever is further.
    func runFraction(progress: TrainingProgress, elapsed: Double, stepsPerEpoch: Int) -> Double {
        var fraction = 0.0
        if let budget = options.timeBudgetSeconds { fraction = max(fraction, elapsed / budget) }
        if let epochs = options.epochs { fraction = max(fraction, Double(progress.steps) / Double(epochs * stepsPerEpoch)) }
        return min(1, fraction)
    }

    /// The checkpoint-ensemble cycle a point of the run belongs to: the run split into `ensembleSize` equal parts.
    func cycleIndex(progress: TrainingProgress, elapsed: Double, stepsPerEpoch: Int) -> Int {
        let fraction = runFraction(progress: progress, elapsed: elapsed, stepsPerEpoch: stepsPerEpoch)
        return min(options.ensembleSize - 1, Int(fraction * Double(options.ensembleSize)))
    }

    /// The rate for the next step under `options.schedule`; a cosine restarts with each ensemble cycle.
    func learningRate(progress: TrainingProgress, elapsed: Double, stepsPerEpoch: Int) -> Float {
        switch options.schedule {
        case .constant: return options.learningRate
        case .plateau: return progress.plateau?.learningRate ?? options.learningRate
        case .cosine:
            let cycles = Double(options.ensembleSize)
            let fraction = runFraction(progress: progress, elapsed: elapsed, stepsPerEpoch: stepsPerEpoch) * cycles
            let withinCycle = min(1, max(0, fraction - Double(progress.cycle ?? 0)))
            let cosine = 0.5 * (1 + Foundation.cos(Double.pi * withinCycle))
            return options.learningRate * Float(0.01 + 0.99 * cosine)
        }
    }

    /// Seconds until the budget or the last epoch ends, whichever comes first.
    func eta(progress: TrainingProgress, elapsed: Double, stepsPerEpoch: Int) -> Double? {
        var estimates: [Double] = []
        if let budget = options.timeBudgetSeconds { estimates.append(max(0, budget - elapsed)) }
        if let epochs = options.epochs, progress.steps > 0 {
            let remaining = epochs * stepsPerEpoch - progress.steps
            estimates.append(max(0, Double(remaining) * elapsed / Double(progress.steps)))
        }
        return estimates.min()
    }
}

extension Duration {
    /// The duration in seconds.
    public var seconds: Double { Double(components.seconds) + Double(components.attoseconds) * 1e-18 }
}
