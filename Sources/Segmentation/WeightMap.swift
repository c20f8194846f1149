import Foundation
import Imaging

/// Where the U-Net border term `w0 * exp(-(d1 + d2)^2 / (2 sigma^2))` is added.
public enum BorderTermRegion: String, Sendable, Equatable, Codable {
    /// Background pixels only, as in the U-Net paper (Ronneberger 2015, fig. 3): the term weights the thin
    /// background gaps between touching cells. The default.
    case background
    /// Every pixel. Inside a cell d1 = 0 (its own cell) and d2 is the distance to the nearest other cell, so
    /// cell pixels near a neighbour are weighted too.
    case everywhere
}

/// Parameters of the U-Net weight map, with the paper's defaults.
public struct WeightMapOptions: Sendable, Equatable {
    /// Amplitude of the border term. Default 10.
    public var w0: Float
    /// Width of the border term, in pixels (or in the spacing unit when `usesSpacing`). Default 5.
    public var sigma: Float
    /// Where the border term applies. Default `.background` (see `BorderTermRegion`).
    public var region: BorderTermRegion
    /// Measure d1 and d2 with the label image's `spacing` (then `sigma` is in that unit) instead of in pixels
    /// with every axis one step. Default `false`, as METHOD.md gives sigma = 5 px.
    public var usesSpacing: Bool
    /// Add the class-balancing weight w_c (see `WeightMap.classWeights(of:)`); when `false`, w_c = 1.
    /// Default `true`.
    public var balancesClasses: Bool

    public init(
        w0: Float = 10, sigma: Float = 5, region: BorderTermRegion = .background, usesSpacing: Bool = false,
        balancesClasses: Bool = true
    ) {
        self.w0 = w0
        self.sigma = sigma
        self.region = region
        self.usesSpacing = usesSpacing
        self.balancesClasses = balancesClasses
    }
}

/// Per-pixel loss weights for training from instance labels (the U-Net weight map).
public enum WeightMap {
    /// The class-balancing weights w_c: each class (background = label 0, foreground = any instance) gets
    /// `N / (2 N_c)` for N pixels of which N_c are in the class, so each class carries a total weight of N/2 and
    /// the weights average 1 over the image. When a class is absent the other gets 1 (total N) and the absent
    /// one reports 0.
    public static func classWeights(of labels: LabelImage) -> (background: Float, foreground: Float) {
        let total = labels.labels.count
        let foreground = labels.labels.reduce(0) { $0 + ($1 != 0 ? 1 : 0) }
        let background = total - foreground
        guard foreground > 0 && background > 0 else { return (background > 0 ? 1 : 0, foreground > 0 ? 1 : 0) }
        return (Float(Double(total) / Double(2 * background)), Float(Double(total) / Double(2 * foreground)))
    }

    /// The U-Net weight map `w(x) = w_c(x) + w0 * exp(-(d1(x) + d2(x))^2 / (2 sigma^2))`, with d1 and d2 the
    /// distances from x to the nearest and second-nearest instance (in pixels, or in the spacing unit with
    /// `usesSpacing`), the term added where `options.region` says, and 0 where fewer than two instances exist.
    ///
    /// d1 and d2 come from one distance transform per instance, confined to its bounding box grown by the
    /// cutoff `R = sigma * sqrt(2 (ln w0 + 26 ln 2))` (31.9 px for the defaults). Beyond R the term is below
    /// 2^-26, less than half a `Float` ulp of any w_c (w_c >= 0.5), so adding it could not change the stored
    /// value: the map equals the formula to `Float` rounding. (With `balancesClasses == false`, w_c = 1.)
    /// - Parameters:
    ///   - labels: instances, `(Y, X)` or `(Z, Y, X)`.
    ///   - options: see `WeightMapOptions` for the defaults (w0 = 10, sigma = 5 px, background only).
    /// - Returns: row-major weights of `labels.shape`.
    /// - Throws: `SegmentationError.invalidArgument` for a non-positive sigma, a negative w0, or a bad spacing.
    public static func unet(for labels: LabelImage, options: WeightMapOptions = WeightMapOptions()) throws -> [Float] {
        let (w0, sigma) = (Double(options.w0), Double(options.sigma))
        guard sigma > 0 && sigma.isFinite else {
            throw SegmentationError.invalidArgument(name: "sigma", value: "\(options.sigma)", reason: "must be > 0")
        }
        guard w0 >= 0 && w0.isFinite else {
            throw SegmentationError.invalidArgument(name: "w0", value: "\(options.w0)", reason: "must be >= 0")
        }
        let steps = options.usesSpacing ? try AxisSteps(labels.spacing) : .unit
        let (wBackground, wForeground) = options.balancesClasses ? classWeights(of: labels) : (1, 1)
        var weights = labels.labels.map { $0 == 0 ? wBackground : wForeground }
        let cutoff = w0 > 0 ? sigma * (2 * max(0, log(w0) + 26 * log(2.0))).squareRoot() : 0
        let distances = NearestCellDistances(labels: labels, steps: steps, cutoff: cutoff)
        let scale = -1 / (2 * sigma * sigma)
        for i in weights.indices where distances.secondNearest[i] < .infinity {
            guard options.region == .everywhere || labels.labels[i] == 0 else { continue }
            let sum = Double(distances.nearest[i]).squareRoot() + Double(distances.secondNearest[i]).squareRoot()
            weights[i] += Float(w0 * exp(sum * sum * scale))
        }
        return weights
    }
}
