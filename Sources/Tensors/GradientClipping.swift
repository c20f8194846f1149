import Foundation

/// Scales all gradients down together so that their global L2 norm is at most `maxNorm` (PyTorch's
/// `clip_grad_norm_` with the 2-norm): with `total = sqrt(Σ over parameters Σ g²)`, every gradient is multiplied
/// by `maxNorm / (total + 1e-6)` when that factor is below 1. Parameters without a gradient are skipped.
///
/// - Returns: the global norm before clipping (NaN or infinity when a gradient holds such values).
/// - Throws: `TensorsError.invalidArgument` when `maxNorm` is not positive and finite.
@discardableResult
public func clipGradientNorm(_ parameters: NamedParameters, maxNorm: Float) throws -> Float {
    guard maxNorm.isFinite, maxNorm > 0 else {
        throw TensorsError.invalidArgument(op: "clipGradientNorm", reason: "maxNorm must be positive; got \(maxNorm)")
    }
    let gradients = parameters.compactMap(\.tensor.gradient)
    // Padding slots of blocked gradients are zero, so summing whole storage adds nothing extra.
    let total = gradients.reduce(0) { $0 + $1.sumOfSquares() }.squareRoot()
    let factor = Double(maxNorm) / (total + 1e-6)
    if factor < 1 {
        for parameter in parameters {
            // A new tensor rather than scaling in place: a gradient's storage may be shared (e.g. by both
            // inputs of an addition), and must not be scaled twice.
            parameter.tensor.gradient = parameter.tensor.gradient?.storageScaled(by: Float(factor))
        }
    }
    return Float(total)
}

extension Tensor {
    /// Σ x² over storage, accumulated in Double.
    func sumOfSquares() -> Double {
        let values = storageFloats.baseAddress!
        let lock = NSLock()
        var total = 0.0
        withExtendedLifetime(self) {
            StorageKernels.forEachChunk(storageCount) { range in
                var partial: Double = 0
                for i in range { partial += Double(values[i]) * Double(values[i]) }
                lock.lock()
                total += partial
                lock.unlock()
            }
        }
        return total
    }

    /// `factor · self` in the same layout (padding stays zero). Not recorded for autodiff.
    func storageScaled(by factor: Float) -> Tensor {
        let result = Tensor(layout: layout)
        let (source, target) = (storageFloats.baseAddress!, result.storageFloats.baseAddress!)
        withExtendedLifetime(self) {
            StorageKernels.forEachChunk(storageCount) { range in
                for i in range { target[i] = source[i] * factor }
            }
        }
        return result
    }
}
