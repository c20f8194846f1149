import Foundation
import Tensors

/// What one epoch's steps produced, for its report.
struct EpochTraining {
    var epoch: Int
    var steps: Int
    var lossSum: Double

    var meanLoss: Double { lossSum / Double(max(steps, 1)) }
}

extension TrainingRun {
    /// Runs the next epoch's optimizer steps on freshly drawn batches, sending a step event after each; stops
    /// early (setting `stopReason`) when the time budget is spent or `interruption` asks.
    ///
    /// - Throws: `TrainingError.invalidSetting` (learning rate) when the loss stops being finite.
    func trainEpoch(
        events: (TrainingEvent) -> Void, interruption: () -> TrainingInterruption?
    ) throws -> EpochTraining {
        var result = EpochTraining(epoch: progress.epoch + 1, steps: 0, lossSum: 0)
        let loader = BatchLoader(
            sampler: sampler, samples: data.training, batchSize: options.effectiveBatchSize,
            seed: options.seed &+ UInt64(result.epoch) &* 1_000_003, blindSpot: blindSpot)
        defer { loader.stop() }
        for step in 1...stepsPerEpoch {
            let loss = try optimizerStep(loader.next())
            guard loss.isFinite else {
                throw TrainingError.invalid(
                    .learningRate, options.learningRate, "smaller",
                    context: "the loss became \(loss) at epoch \(result.epoch), step \(step)")
            }
            result.lossSum += loss
            result.steps += 1
            progress.steps += 1
            events(
                .step(
                    TrainingStep(
                        epoch: result.epoch, step: step, stepsPerEpoch: stepsPerEpoch, loss: loss,
                        elapsedSeconds: elapsed,
                        etaSeconds: eta())))
            if let budget = options.timeBudgetSeconds, elapsed >= budget {
                stop(.timeBudget)
                break
            }
            if let request = interruption() {
                stop(request.stopReason)
                break
            }
        }
        progress.epoch = result.epoch
        if stopReason == nil, let epochs = options.epochs, result.epoch >= epochs { stop(.epochs) }
        return result
    }

    /// One forward, backward and update on `batch`; returns the loss.
    private func optimizerStep(_ batch: PatchBatch) throws -> Double {
        optimizer.learningRate = learningRate()
        optimizer.zeroGradients()
        let input = try Tensor(shape: batch.inputShape, values: batch.input)
        let value = try objective(try network(input, dropout: &dropout), batch: batch)
        try value.backward()
        try optimizer.step()
        return Double(try value.values()[0])
    }

    /// Scores the epoch on the validation subset and writes the model to `output` when it is the best so far
    /// (within the current cycle for a checkpoint ensemble; every epoch without validation images).
    func scoreAndKeepBest(_ epoch: EpochTraining) throws -> EpochReport {
        let scores = try validator.score(model)
        lastEpochScore = scores.score
        // With a checkpoint ensemble the best is sought within each cycle (scored with the finished members).
        let reference = options.ensembleSize > 1 ? progress.cycleBestScore : progress.bestScore
        let isBest = reference.map { best in scores.score.map { $0 > best } ?? false } ?? true
        if isBest || validator.samples.isEmpty {
            progress.cycleBestScore = scores.score
            if progress.bestScore.map({ best in scores.score.map { $0 > best } ?? false }) ?? true {
                progress.bestScore = scores.score
            }
            progress.bestEpoch = epoch.epoch
            try model.write(to: output, training: progress.record(options: options))
        }
        progress.elapsedSeconds = elapsed
        return EpochReport(
            epoch: epoch.epoch, steps: epoch.steps, trainingLoss: epoch.meanLoss,
            learningRate: Double(optimizer.learningRate), validation: scores.values, score: scores.score,
            scoreName: validator.scoreName, isBest: isBest, elapsedSeconds: progress.elapsedSeconds, etaSeconds: eta())
    }

    /// Feeds the epoch's score (or, without validation, its loss) to a reduce-on-plateau schedule, and starts the
    /// next checkpoint-ensemble cycle when the run has reached it: the cycle's best (in `output`) joins the members,
    /// Adam restarts on fresh patches. Returns the cycle event, if one began.
    func advanceSchedule(after epoch: EpochTraining) throws -> TrainingEvent? {
        try progress.plateau?.step(metric: Float(lastEpochScore.map { 1 - $0 } ?? epoch.meanLoss))
        let cycle = cycleIndex()
        guard stopReason == nil, cycle > (progress.cycle ?? 0) else { return nil }
        let finished = try SegmentationModel(contentsOf: output)
        model.members = finished.networks.dropFirst() + [finished.network]
        if let newest = model.members.last {
            try SegmentationModel(network: newest, info: info, members: model.members.dropLast())
                .write(to: output, training: progress.record(options: options))
        }
        progress.cycle = cycle
        progress.cycleBestScore = nil
        optimizer = try AdamW(
            parameters: network.namedParameters, learningRate: options.learningRate, weightDecay: options.weightDecay)
        return .cycle(epoch: epoch.epoch, members: model.members.count)
    }

    /// Whether a checkpoint is written after `epoch`: every `checkpointEvery` epochs and at the end.
    func checkpointIsDue(after epoch: Int) -> Bool { epoch % options.checkpointEvery == 0 || stopReason != nil }

    /// Writes the resumable checkpoint, weights, progress and the optimizer's state in one file committed by one
    /// rename; the checkpoint it replaces becomes the previous one (a fallback should the new one be unreadable).
    func writeCheckpoint() throws -> TrainingEvent {
        progress.elapsedSeconds = elapsed
        var file = try model.modelFile(training: progress.record(options: options))
        try optimizer.state().embed(into: &file)
        if FileManager.default.fileExists(atPath: checkpointURL.path) {
            _ = rename(checkpointURL.path, previousCheckpointURL.path)
        }
        try file.write(to: checkpointURL)
        return .checkpoint(path: checkpointURL.path, epoch: progress.epoch)
    }

    /// The summary of a paused run: no validation of the unfinished epoch, no threshold search; `resume`
    /// continues from the checkpoint.
    func pausedSummary() throws -> TrainingSummary {
        TrainingSummary(
            epochs: progress.epoch, steps: progress.steps, elapsedSeconds: elapsed, bestEpoch: progress.bestEpoch,
            bestScore: progress.bestScore, scoreName: validator.scoreName, modelPath: output.path,
            stopReason: .paused)
    }

    /// Chooses the final model and its instance thresholds (on every held-out image) and summarises the run.
    func finalSummary() throws -> TrainingSummary {
        // Thresholds are chosen once, so every held-out image takes part (epochs score a fixed subset).
        let tuned = try chooseFinalModel(validator: Validator(task: options.task, samples: data.validation))
        return TrainingSummary(
            epochs: progress.epoch, steps: progress.steps, elapsedSeconds: elapsed, bestEpoch: progress.bestEpoch,
            bestScore: progress.bestScore, scoreName: validator.scoreName, modelPath: output.path,
            stopReason: stopReason ?? .epochs, instanceOptions: tuned?.options, tunedScore: tuned?.score)
    }

    /// Chooses the best model's instance thresholds on every validation image and stores them in the model file.
    /// When the best epoch (scored on a fixed subset of the held-out images, so partly by chance) is not the last,
    /// the final weights are tuned too and replace it in `output` if they score higher over all held-out images
    /// (single models; an ensemble keeps its members).
    private func chooseFinalModel(validator: Validator) throws -> (options: InstanceOptions, score: Double)? {
        guard FileManager.default.fileExists(atPath: output.path) else { return nil }
        var chosen = try SegmentationModel(contentsOf: output)
        guard var tuned = try validator.tunedInstanceOptions(chosen) else { return nil }
        if progress.bestEpoch != progress.epoch, options.ensembleSize == 1 {
            let last = SegmentationModel(network: model.network, info: chosen.info)
            if let tunedLast = try validator.tunedInstanceOptions(last), tunedLast.score > tuned.score {
                (chosen, tuned) = (last, tunedLast)
                progress.bestEpoch = progress.epoch
                progress.bestScore = lastEpochScore
            }
        }
        chosen.info.instances = tuned.options
        try chosen.write(to: output, training: progress.record(options: options))
        return tuned
    }
}
