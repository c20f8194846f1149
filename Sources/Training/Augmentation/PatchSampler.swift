import Basics
import Imaging
import Settings
import Tensors

/// Draws augmented training patches from prepared samples.
///
/// A patch is a crop of fixed spatial size. Its centre is a random foreground pixel with probability
/// `foregroundFraction` (so sparse objects are seen often), else uniform over the image; images smaller than
/// the patch sit at a random place inside it. Pixels outside the image get intensity 0 and weight 0.
public struct PatchSampler: Sendable {
    /// `(Y, X)` or `(Z, Y, X)` patch extent.
    public let patchShape: [Int]
    public let augmentation: AugmentationOptions
    public let foregroundFraction: Float

    public init(patchShape: [Int], augmentation: AugmentationOptions, foregroundFraction: Float = 0.5) throws {
        guard patchShape.count == 2 || patchShape.count == 3, patchShape.allSatisfy({ $0 > 0 }) else {
            throw TrainingError.invalid(.patchShape, patchShape, "2 (Y, X) or 3 (Z, Y, X) positive extents")
        }
        try augmentation.validate()
        self.patchShape = patchShape
        self.augmentation = augmentation
        self.foregroundFraction = foregroundFraction
    }

    /// `(D, H, W)` of a patch, D = 1 in 2D.
    var volume: (depth: Int, height: Int, width: Int) {
        patchShape.count == 3 ? (patchShape[0], patchShape[1], patchShape[2]) : (1, patchShape[0], patchShape[1])
    }

    /// `count` patches drawn from `samples` (uniformly by image; all with the same channel and target counts).
    public func batch(from samples: [TrainingSample], count: Int, generator: inout RandomGenerator) -> PatchBatch {
        let channels = samples[0].image.channels
        let targets = samples[0].targetChannels
        let pixels = patchShape.reduce(1, *)
        var batch = PatchBatch(
            input: [Float](repeating: 0, count: count * channels * pixels),
            target: [Float](repeating: 0, count: count * targets * pixels),
            weights: [Float](repeating: 0, count: count * targets * pixels),
            inputShape: [count, channels] + patchShape, targetChannels: targets)
        for index in 0..<count {
            let sample = samples[Int(generator.next() % UInt64(samples.count))]
            let placement = place(in: sample, generator: &generator)
            batch.input.withUnsafeMutableBufferPointer { input in
                batch.target.withUnsafeMutableBufferPointer { target in
                    batch.weights.withUnsafeMutableBufferPointer { weights in
                        let patch = PatchBuffers(
                            input: UnsafeMutableBufferPointer(rebasing: input[(index * channels * pixels)...]),
                            target: UnsafeMutableBufferPointer(rebasing: target[(index * targets * pixels)...]),
                            weights: UnsafeMutableBufferPointer(rebasing: weights[(index * targets * pixels)...]))
                        fill(patch, from: sample, placement: placement)
                        IntensityAugmentation(options: augmentation)
                            .apply(to: patch.input, channels: channels, volume: volume, generator: &generator)
                    }
                }
            }
        }
        return batch
    }

    /// Where a patch lies in the image, and how it is mirrored, rotated and deformed.
    struct Placement {
        /// Image coordinates of the patch's (0, 0, 0) before the flips and rotation.
        var origin: (z: Int, y: Int, x: Int)
        var flip: (z: Bool, y: Bool, x: Bool)
        /// Swap Y and X (with the flips, any multiple of 90°).
        var transpose: Bool
        var displacement: DisplacementField?
    }

    func place(in sample: TrainingSample, generator: inout RandomGenerator) -> Placement {
        let (d, h, w) = sample.volumeShape
        let patch = volume
        func uniformOrigin(_ extent: Int, _ size: Int) -> Int {
            let (low, high) = (min(0, extent - size), max(0, extent - size))
            return low + Int(generator.next() % UInt64(high - low + 1))
        }
        var origin = (
            z: uniformOrigin(d, patch.depth), y: uniformOrigin(h, patch.height), x: uniformOrigin(w, patch.width)
        )
        if !sample.foreground.isEmpty, generator.nextUniform() < foregroundFraction {
            let pixel = Int(sample.foreground[Int(generator.next() % UInt64(sample.foreground.count))])
            let (z, y, x) = (pixel / (h * w), (pixel / w) % h, pixel % w)
            origin = (z - patch.depth / 2, y - patch.height / 2, x - patch.width / 2)
            if patch.depth >= d { origin.z = uniformOrigin(d, patch.depth) }
        }
        let options = augmentation
        let flip = (
            z: options.flips && patch.depth > 1 && generator.next() & 1 == 1,
            y: options.flips && generator.next() & 1 == 1, x: options.flips && generator.next() & 1 == 1
        )
        let transpose = options.rotations && patch.height == patch.width && generator.next() & 1 == 1
        var displacement: DisplacementField?
        if options.elasticProbability > 0, generator.nextUniform() < options.elasticProbability {
            displacement = DisplacementField(
                height: patch.height, width: patch.width, spacing: options.elasticGridSpacing,
                magnitude: options.elasticMagnitude, generator: &generator)
        }
        return Placement(origin: origin, flip: flip, transpose: transpose, displacement: displacement)
    }

    /// Writable views of one patch inside a batch.
    struct PatchBuffers {
        var input: UnsafeMutableBufferPointer<Float>
        var target: UnsafeMutableBufferPointer<Float>
        var weights: UnsafeMutableBufferPointer<Float>
    }

    /// Copies the placed patch out of `sample`: image bilinearly (where deformed), target and weights from the
    /// nearest pixel.
    func fill(_ patch: PatchBuffers, from sample: TrainingSample, placement: Placement) {
        let (d, h, w) = sample.volumeShape
        let (pd, ph, pw) = volume
        let channels = sample.image.channels
        let (plane, patchPixels) = (d * h * w, pd * ph * pw)
        sample.image.pixels.withUnsafeBufferPointer { image in
            for z in 0..<pd {
                let sz = placement.origin.z + (placement.flip.z ? pd - 1 - z : z)
                guard sz >= 0, sz < d else { continue }
                for y in 0..<ph {
                    for x in 0..<pw {
                        var (u, v) = placement.transpose ? (x, y) : (y, x)
                        if placement.flip.y { u = ph - 1 - u }
                        if placement.flip.x { v = pw - 1 - v }
                        var (fy, fx) = (Float(placement.origin.y + u), Float(placement.origin.x + v))
                        if let field = placement.displacement {
                            let offset = field.offset(y: u, x: v)
                            fy += offset.y
                            fx += offset.x
                        }
                        let (ny, nx) = (Int(fy.rounded()), Int(fx.rounded()))
                        guard ny >= 0, ny < h, nx >= 0, nx < w else { continue }
                        let out = (z * ph + y) * pw + x
                        let nearest = (sz * h + ny) * w + nx
                        for t in 0..<sample.targetChannels {
                            patch.target[t * patchPixels + out] = sample.target[t * plane + nearest]
                            patch.weights[t * patchPixels + out] = sample.weights[t * plane + nearest]
                        }
                        for c in 0..<channels {
                            let base = c * plane + sz * h * w
                            patch.input[c * patchPixels + out] =
                                placement.displacement == nil
                                ? image[base + ny * w + nx]
                                : Self.bilinear(image, base: base, height: h, width: w, y: fy, x: fx)
                        }
                    }
                }
            }
        }
    }

    /// Bilinear sample of one plane at (y, x), clamping to the border.
    static func bilinear(
        _ image: UnsafeBufferPointer<Float>, base: Int, height: Int, width: Int, y: Float, x: Float
    ) -> Float {
        let (cy, cx) = (min(max(y, 0), Float(height - 1)), min(max(x, 0), Float(width - 1)))
        let (y0, x0) = (Int(cy), Int(cx))
        let (y1, x1) = (min(y0 + 1, height - 1), min(x0 + 1, width - 1))
        let (ty, tx) = (cy - Float(y0), cx - Float(x0))
        let top = image[base + y0 * width + x0] * (1 - tx) + image[base + y0 * width + x1] * tx
        let bottom = image[base + y1 * width + x0] * (1 - tx) + image[base + y1 * width + x1] * tx
        return top * (1 - ty) + bottom * ty
    }
}
