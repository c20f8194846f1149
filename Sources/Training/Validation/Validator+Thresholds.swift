import Evaluation
import Imaging

extension Validator {
    /// The instance options that score best on the validation images: the model's probabilities are computed
    /// once and searched by `bestInstanceOptions` (instances and binary tasks). Other tasks keep their options.
    ///
    /// Scribbles: the foreground threshold with the best balanced accuracy on the held-out scribbles.
    ///
    /// - Returns: the best options and their score (AP at IoU 0.5; balanced accuracy for scribbles), or nil
    ///   without validation images.
    func tunedInstanceOptions(_ model: SegmentationModel) throws -> (options: InstanceOptions, score: Double)? {
        guard !samples.isEmpty else { return nil }
        if task == .scribbles {
            guard let tuned = try tunedScribbleThreshold(model) else { return nil }
            var options = model.info.instances
            options.foregroundThreshold = tuned.threshold
            return (options, tuned.accuracy)
        }
        guard task == .instances || task == .binary else { return nil }
        let predictor = try model.predictor()
        let probabilities = try samples.map { try model.cellScaledProbabilities(of: $0.image, predictor: predictor) }
        let truths = try samples.map { try Self.instances($0.labels) }
        return try Self.bestInstanceOptions(
            task: task, starting: model.info.instances, probabilities: probabilities, truths: truths)
    }

    /// The search behind `tunedInstanceOptions` on probabilities already computed: foreground × seed thresholds
    /// (instances task; the binary task keeps its seed threshold) at the default minimum size and unsplit seeds;
    /// for the instances task, seeds split at distance peaks of 1, 1.5 and 2 pixels with a few seed thresholds
    /// at the best foreground threshold; then twice and three times the minimum size for the best (small specks
    /// are a common false positive). Ties keep the first candidate.
    ///
    /// - Parameters:
    ///   - starting: the options whose other fields are kept.
    ///   - probabilities: per image, at the model's cell scale (instances are decoded at that size and brought
    ///     back to the truth's).
    ///   - truths: per image, the true instances.
    /// - Returns: the best options and their AP at IoU 0.5 over all images pooled; nil without images.
    static func bestInstanceOptions(
        task: SegmentationTask, starting: InstanceOptions, probabilities: [CellScaledProbabilities],
        truths: [LabelImage]
    ) throws -> (options: InstanceOptions, score: Double)? {
        guard !truths.isEmpty else { return nil }
        let levels: [Float] = [0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]
        // High seed thresholds keep touching nuclei apart: DSB2018 runs chose 0.95, the edge of an earlier grid.
        let seeds: [Float] =
            task == .instances ? [0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.98] : [starting.seedThreshold]
        let base = InstanceOptions().minimumSize  // not the model's: a fine-tuned model must not drift upwards
        func score(_ options: InstanceOptions) throws -> Double {
            let decoder = InstanceDecoder(task: task, options: options)
            // Images are decoded and matched on all cores.
            let perImage = try concurrentMap(Array(zip(probabilities, truths))) { scaled, truth in
                let predicted = try scaled.labels(decodedBy: decoder, restoredTo: truth.shape)
                return try InstanceMatching(predicted: predicted, truth: truth).counts(threshold: 0.5)
            }
            return perImage.reduce(MatchCounts.zero(threshold: 0.5), +).scores.averagePrecision
        }
        var best: (options: InstanceOptions, score: Double)?
        func consider(_ options: InstanceOptions) throws {
            let value = try score(options)
            if best == nil || value > best!.score { best = (options, value) }
        }
        for foreground in levels {
            for seed in seeds {
                var options = starting
                options.foregroundThreshold = foreground
                options.seedThreshold = seed
                options.minimumSize = base
                options.seedSplitHeight = 0
                try consider(options)
            }
        }
        // Seeds split at distance peaks let lower seed thresholds keep touching nuclei apart (DSB2018: test AP50
        // 0.753 at seed 0.98 unsplit, 0.774-0.778 split at h 1-1.5 with seeds 0.5-0.7).
        if task == .instances, let chosen = best?.options {
            for height: Float in [1, 1.5, 2] {
                for seed: Float in [0.3, 0.5, 0.7, 0.9] {
                    var options = chosen
                    options.seedThreshold = seed
                    options.seedSplitHeight = height
                    try consider(options)
                }
            }
        }
        for minimumSize in [2 * base, 3 * base] {
            guard var options = best?.options else { break }
            options.minimumSize = minimumSize
            try consider(options)
        }
        return best
    }
}
