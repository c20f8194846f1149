/// SVG plots of a dataset's pooled scores.
extension DatasetEvaluation {
    /// File names `writePlots(toFolder:)` uses.
    public static let thresholdPlotName = "ap_f1_by_iou_threshold.svg"
    public static let sizeBinPlotName = "recall_f1_by_object_size.svg"

    /// AP (TP / (TP + FP + FN)) and F1 from pooled counts against the IoU threshold.
    public func thresholdPlot() -> String {
        SVGChart.lines(
            title: "AP and F1 by IoU threshold (\(images.count) images, \(trueCount) objects)", xTitle: "IoU threshold",
            yTitle: "score", x: options.thresholds,
            series: [
                ChartSeries(name: "AP", color: "#1f77b4", values: pooledScores.map(\.averagePrecision)),
                ChartSeries(name: "F1", color: "#d62728", values: pooledScores.map(\.f1)),
            ])
    }

    /// Recall and F1 per object size bin at `options.sizeBinThreshold`; the number of true objects per bin
    /// is printed under each bin.
    public func sizeBinPlot() -> String {
        let bins = sizeBins
        return SVGChart.bars(
            title: "Recall and F1 by object size (IoU > \(SVGChart.tickLabel(options.sizeBinThreshold)))",
            xTitle: "true-object area (pixels or voxels)", yTitle: "score",
            categories: bins.map { options.sizeBins.label(ofBin: $0.bin) },
            notes: bins.map { "n = \($0.trueObjects)" },
            series: [
                ChartSeries(name: "recall", color: "#2ca02c", values: bins.map(\.recall)),
                ChartSeries(name: "F1", color: "#d62728", values: bins.map(\.f1)),
            ])
    }

    /// Writes both plots into `folder` (which must exist), each atomically; returns their paths.
    /// Throws `EvaluationError.writeFailed`.
    @discardableResult
    public func writePlots(toFolder folder: String) throws -> [String] {
        let base = folder.hasSuffix("/") ? folder : folder + "/"
        let files = [(Self.thresholdPlotName, thresholdPlot()), (Self.sizeBinPlotName, sizeBinPlot())]
        for (name, text) in files { try ReportFile.write(text, toPath: base + name) }
        return files.map { base + $0.0 }
    }
}
