import Settings

/// Random changes applied to each training patch. Geometric ones (flips, rotations, elastic deformation) move
/// image, target and weights together; intensity ones change the image only.
public struct AugmentationOptions: Codable, Sendable, Equatable {
    /// Mirror along each axis with probability 1/2 (Z too for volumes).
    public var flips: Bool
    /// Rotate by a random multiple of 90° in the Y-X plane (square patches only).
    public var rotations: Bool
    /// Probability of an elastic deformation: random displacements at control points `elasticGridSpacing`
    /// pixels apart with standard deviation `elasticMagnitude` pixels, interpolated bilinearly (in-plane).
    public var elasticProbability: Float
    public var elasticMagnitude: Float
    public var elasticGridSpacing: Int
    /// Probability of an in-plane Gaussian blur with σ uniform in `blurSigma` pixels.
    public var blurProbability: Float
    public var blurSigma: ClosedRange<Float>
    /// Probability of additive Gaussian noise with σ uniform in [0, `noiseSigma`] (normalised intensity units).
    public var noiseProbability: Float
    public var noiseSigma: Float
    /// Each channel is scaled by a factor uniform in 1 ± `intensityScale` and shifted by ± `intensityShift`.
    public var intensityScale: Float
    public var intensityShift: Float

    public init(
        flips: Bool = true, rotations: Bool = true, elasticProbability: Float = 0.3, elasticMagnitude: Float = 3,
        elasticGridSpacing: Int = 32, blurProbability: Float = 0.2, blurSigma: ClosedRange<Float> = 0.5...1.5,
        noiseProbability: Float = 0.3, noiseSigma: Float = 0.05, intensityScale: Float = 0.2,
        intensityShift: Float = 0.1
    ) {
        self.flips = flips
        self.rotations = rotations
        self.elasticProbability = elasticProbability
        self.elasticMagnitude = elasticMagnitude
        self.elasticGridSpacing = elasticGridSpacing
        self.blurProbability = blurProbability
        self.blurSigma = blurSigma
        self.noiseProbability = noiseProbability
        self.noiseSigma = noiseSigma
        self.intensityScale = intensityScale
        self.intensityShift = intensityShift
    }

    /// No augmentation: patches are plain crops.
    public static let none = AugmentationOptions(
        flips: false, rotations: false, elasticProbability: 0, blurProbability: 0, noiseProbability: 0,
        intensityScale: 0, intensityShift: 0)

    /// - Throws: `TrainingError.invalidSetting` for probabilities outside [0, 1] or negative magnitudes.
    func validate() throws {
        for (name, p) in [
            ("elastic probability", elasticProbability), ("blur probability", blurProbability),
            ("noise probability", noiseProbability),
        ] where !(0...1).contains(p) {
            throw TrainingError.invalid(.augmentation, "\(name) \(p)", "probabilities from 0 to 1")
        }
        for (name, value) in [
            ("elastic magnitude", elasticMagnitude), ("noise sigma", noiseSigma), ("intensity scale", intensityScale),
            ("intensity shift", intensityShift), ("blur sigma", blurSigma.lowerBound),
        ] where !(value >= 0 && value.isFinite) {
            throw TrainingError.invalid(.augmentation, "\(name) \(value)", "finite magnitudes ≥ 0")
        }
        guard elasticGridSpacing >= 4 else {
            throw TrainingError.invalid(
                .augmentation, "elastic grid spacing \(elasticGridSpacing)", "at least 4 pixels apart")
        }
    }
}
