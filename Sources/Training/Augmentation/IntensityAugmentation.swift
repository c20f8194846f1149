import Basics
import Foundation
import Tensors

/// Intensity changes of one patch: per-channel scale and shift, Gaussian blur, additive Gaussian noise.
struct IntensityAugmentation {
    let options: AugmentationOptions

    /// Changes `input`, laid out `(C, D, H, W)`, in place.
    func apply(
        to input: UnsafeMutableBufferPointer<Float>, channels: Int, volume: (depth: Int, height: Int, width: Int),
        generator: inout RandomGenerator
    ) {
        let plane = volume.depth * volume.height * volume.width
        if options.blurProbability > 0, generator.nextUniform() < options.blurProbability {
            let range = options.blurSigma
            let sigma = range.lowerBound + generator.nextUniform() * (range.upperBound - range.lowerBound)
            Self.blur(input, slices: channels * volume.depth, height: volume.height, width: volume.width, sigma: sigma)
        }
        for c in 0..<channels {
            let scale = 1 + options.intensityScale * (2 * generator.nextUniform() - 1)
            let shift = options.intensityShift * (2 * generator.nextUniform() - 1)
            for index in (c * plane)..<((c + 1) * plane) { input[index] = input[index] * scale + shift }
        }
        if options.noiseProbability > 0, generator.nextUniform() < options.noiseProbability {
            let sigma = options.noiseSigma * generator.nextUniform()
            for index in input.indices { input[index] += sigma * generator.nextNormal() }
        }
    }

    /// Separable Gaussian blur of each `(height, width)` slice, truncated at 3σ, borders clamped.
    static func blur(_ data: UnsafeMutableBufferPointer<Float>, slices: Int, height: Int, width: Int, sigma: Float) {
        let radius = max(1, Int((3 * sigma).rounded(.up)))
        var kernel = (-radius...radius).map { Foundation.exp(-Float($0 * $0) / (2 * sigma * sigma)) }
        let total = kernel.reduce(0, +)
        kernel = kernel.map { $0 / total }
        var line = [Float](repeating: 0, count: max(height, width))
        for slice in 0..<slices {
            let base = slice * height * width
            for y in 0..<height {
                for x in 0..<width {
                    var sum: Float = 0
                    for k in -radius...radius {
                        sum += kernel[k + radius] * data[base + y * width + min(max(x + k, 0), width - 1)]
                    }
                    line[x] = sum
                }
                for x in 0..<width { data[base + y * width + x] = line[x] }
            }
            for x in 0..<width {
                for y in 0..<height {
                    var sum: Float = 0
                    for k in -radius...radius {
                        sum += kernel[k + radius] * data[base + min(max(y + k, 0), height - 1) * width + x]
                    }
                    line[y] = sum
                }
                for y in 0..<height { data[base + y * width + x] = line[y] }
            }
        }
    }
}
