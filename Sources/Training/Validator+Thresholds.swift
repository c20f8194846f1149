import Evaluation

extension Validator {
    /// The instance options that score best on the validation images: the model's probabilities are computed
    /// once, then decoded over a grid of foreground and seed thresholds (instances task) or foreground
    /// thresholds (binary task), each with the default minimum object size and twice and three times it (small
    /// specks are a common false positive). Other tasks keep their options.
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
        let probabilities = try samples.map { try model.probabilities(of: $0.image, predictor: predictor) }
        let truths = try samples.map { try Self.instances($0.labels) }
        let levels: [Float] = [0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]
        let seeds: [Float] = task == .instances ? [0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95] : [model.info.instances.seedThreshold]
        let base = InstanceOptions().minimumSize  // not the model's: a fine-tuned model must not drift upwards
        var candidates: [InstanceOptions] = []
        for foreground in levels {
            for seed in seeds {
                for minimumSize in Set([base, 2 * base, 3 * base]).sorted() {
                    var options = model.info.instances
                    options.foregroundThreshold = foreground
                    options.seedThreshold = seed
                    options.minimumSize = minimumSize
                    candidates.append(options)
                }
            }
        }
        var best: (options: InstanceOptions, score: Double)?
        for options in candidates {
            let decoder = InstanceDecoder(task: task, options: options)
            var counts = MatchCounts.zero(threshold: 0.5)
            for (index, sample) in samples.enumerated() {
                let predicted = try decoder.labels(from: probabilities[index], shape: sample.labels.shape)
                counts = counts + (try InstanceMatching(predicted: predicted, truth: truths[index])).counts(threshold: 0.5)
            }
            let score = counts.scores.averagePrecision
            if best == nil || score > best!.score { best = (options, score) }
        }
        return best
    }
}
